"""Explainable lead scoring: pluggable signals (signals.py) combined by weights (model.py)."""

from geo.scoring import (
    air,  # noqa: F401  (registers the air signal)
    imagery,  # noqa: F401  (registers the imagery signal, last)
)
from geo.scoring.model import DEFAULT_WEIGHTS, Score, ScoreBreakdown, score
from geo.scoring.signals import SIGNALS, LeadFacts, SignalFn, SignalResult, signal

__all__ = [
    "DEFAULT_WEIGHTS",
    "SIGNALS",
    "LeadFacts",
    "Score",
    "ScoreBreakdown",
    "SignalFn",
    "SignalResult",
    "score",
    "signal",
]
