"""The imagery signal: how strongly change detected in satellite or drone imagery points at
the lead, and how much of it is still unremedied.

The service sums the lead's change polygons into an ImageryChange and passes it in
LeadFacts.extra["imagery"]; leads without change polygons leave this weight out.
"""

from dataclasses import dataclass

from geo.scoring.signals import LeadFacts, SignalResult, signal

# Confidence ladder of a change polygon (one pair; confirmed by a later image; also seen on
# the ground or by a drone) and what each is worth. Platform defaults.
CONFIDENCE_VALUE = {"low": 0.5, "high": 0.8, "highest": 1.0}
# Changed area at which size stops adding weight (ha); below it, size adds up to half.
AREA_FOR_FULL_HA = 1.0


@dataclass(frozen=True)
class ImageryChange:
    """The lead's change polygons in sum."""

    area_ha: float
    confidence: str  # the best confidence among them
    polygons: int
    restored_fraction: float | None = None  # from the latest re-check, if any


@signal("imagery_change")
def imagery_change(facts: LeadFacts) -> SignalResult:
    """confidence × size × (1 − restored fraction); not applicable without change polygons."""
    found = facts.extra.get("imagery")
    if not isinstance(found, ImageryChange):
        return SignalResult(
            0.0, "不适用：无影像变化证据 (not applicable: no change detected in imagery)", False
        )
    size = 0.5 + 0.5 * min(found.area_ha / AREA_FOR_FULL_HA, 1.0)
    restored = found.restored_fraction or 0.0
    value = CONFIDENCE_VALUE[found.confidence] * size * (1.0 - restored)
    left = f"，复核已恢复 {restored:.0%}" if found.restored_fraction is not None else ""
    left_en = (
        f", {restored:.0%} restored at re-check" if found.restored_fraction is not None else ""
    )
    return SignalResult(
        value,
        f"影像变化 {found.polygons} 处共 {found.area_ha:.2f} 公顷，置信度 {found.confidence}{left} "
        f"(imagery change: {found.polygons} areas, {found.area_ha:.2f} ha, "
        f"confidence {found.confidence}{left_en})",
    )
