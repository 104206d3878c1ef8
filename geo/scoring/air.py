"""The air signal: how strongly station readings point at the lead as a PM10 source.

The arithmetic is geo/air/attribution.py; the service computes the Attribution from the
stations near the lead and passes it in LeadFacts.extra["air"].
"""

from geo.air.attribution import Attribution
from geo.scoring.signals import LeadFacts, SignalResult, signal

# The lead keeps this many evidence hours in its breakdown; the attribution API has all.
MAX_DETAIL_HOURS = 48


@signal("air_quality")
def air_quality(facts: LeadFacts) -> SignalResult:
    """Return the attribution's value; not applicable outside air-pollution categories."""
    found = facts.extra.get("air")
    if facts.traits.active_h is None:
        return SignalResult(
            0.0, "不适用：非大气污染类线索 (not applicable: not an air-pollution category)", False
        )
    if not isinstance(found, Attribution):
        return SignalResult(
            0.0, "不适用：无空气质量数据 (not applicable: no air-quality data)", False
        )
    return SignalResult(
        found.value,
        found.reason,
        found.applicable,
        tuple(h.as_dict() for h in found.hours[:MAX_DETAIL_HOURS]),
    )
