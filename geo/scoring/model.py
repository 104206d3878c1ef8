"""Combine signals into a 0-100 lead score with a complete, additive explanation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geo.scoring.signals import SIGNALS, LeadFacts, SignalFn

# Platform defaults (weights are versioned in the database and editable by admins): where it
# is weighs most, then what it is; corroboration and photo quality say how sure we are.
# The air signal applies to air-pollution categories only and the imagery signal to leads
# with change detected in imagery; elsewhere their weights drop out, so the others keep
# their proportions (0.30 : 0.20 : 0.15 : 0.10 : 0.10 : 0.15).
DEFAULT_WEIGHTS: dict[str, float] = {
    "location_sensitivity": 0.243,
    "category_severity": 0.162,
    "corroboration": 0.1215,
    "recency": 0.081,
    "recurrence": 0.081,
    "evidence_quality": 0.1215,
    "air_quality": 0.09,
    "imagery_change": 0.10,
}


@dataclass(frozen=True)
class ScoreBreakdown:
    """One signal's part in a score: points = 100 x weight x value / sum of weights."""

    name: str
    value: float
    weight: float
    points: float
    reason: str
    applicable: bool = True
    details: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class Score:
    """A lead's score, 0-100 to 0.1, and every signal's part in it (in registry order)."""

    total: float
    entries: tuple[ScoreBreakdown, ...]
    weights_version: int | None


def _check(weights: Mapping[str, float]) -> None:
    for name, w in weights.items():
        if not (isinstance(w, int | float) and math.isfinite(w) and w >= 0):
            raise ValueError(f"weight of {name!r} must be a finite number >= 0, got {w!r}")


def _tenths(raw: list[float]) -> list[int]:
    """Round to tenths so the parts add up to the rounded whole (largest remainder)."""
    scaled = [10.0 * r for r in raw]
    parts = [math.floor(s) for s in scaled]
    missing = round(math.fsum(scaled)) - sum(parts)
    by_remainder = sorted(range(len(raw)), key=lambda i: (parts[i] - scaled[i], i))
    for i in by_remainder[:missing]:
        parts[i] += 1
    return parts


def score(
    facts: LeadFacts,
    weights: Mapping[str, float],
    weights_version: int | None = None,
    signals: Mapping[str, SignalFn] = SIGNALS,
) -> Score:
    """Score a lead: 100 x sum(w x v) / sum(w) over applicable signals with a weight > 0.

    Weights naming no registered signal are ignored; registered signals without a weight are
    still computed and listed with weight 0 and 0 points; a signal that is not applicable
    to the lead is listed with 0 points and its weight leaves the sum. Points are rounded
    to 0.1 so that they add up exactly to the total. Raises ValueError for a negative or
    non-finite weight, or when no registered signal has a positive weight.
    """
    _check(weights)
    used = {name: float(weights.get(name, 0.0)) for name in signals}
    if math.fsum(used.values()) <= 0:
        raise ValueError("at least one registered signal needs a positive weight")
    results = {name: fn(facts) for name, fn in signals.items()}
    counted = {n: used[n] if r.applicable else 0.0 for n, r in results.items()}
    total_weight = math.fsum(counted.values())
    raw = [
        100.0 * counted[n] * r.value / total_weight if total_weight > 0 else 0.0
        for n, r in results.items()
    ]
    tenths = _tenths(raw)
    entries = tuple(
        ScoreBreakdown(n, r.value, used[n], t / 10.0, r.reason, r.applicable, r.details)
        for (n, r), t in zip(results.items(), tenths, strict=True)
    )
    return Score(sum(tenths) / 10.0, entries, weights_version)
