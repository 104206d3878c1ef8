"""Evidence elements are proven only by evidence that proves them (no database)."""

from datetime import UTC, datetime

from app.services.leads.assess import Gathered, PhotoFacts, dated, reporter
from models import EvidenceItem

AT = datetime(2025, 4, 22, 5, 0, tzinfo=UTC)


def item(kind: str, source: str) -> EvidenceItem:
    return EvidenceItem(kind=kind, category="straw_burning", source=source, observed_at=AT)


def facts(items: list[EvidenceItem], timed_reports: int = 0) -> Gathered:
    return Gathered("straw_burning", (), items, PhotoFacts(1, 0, 0, timed_reports), 0)


def test_fire_detections_from_several_satellites_are_one_reporter() -> None:
    """Rule (issue 12): detections by MODIS on Terra and on Aqua are one product, not two
    independent sources; two volunteers are two."""
    sources = ["FIRMS:MODIS:Terra", "FIRMS:MODIS:Aqua", "FIRMS:VIIRS:NOAA-20"]
    assert {reporter(s) for s in sources} == {"FIRMS"}
    assert {reporter(s) for s in ("imagery:sentinel2", "imagery:landsat8")} == {"imagery"}
    assert {reporter(s) for s in ("user:1", "user:2")} == {"user:1", "user:2"}


def test_when_it_happened_is_proven_only_by_a_measured_time() -> None:
    """Rule (issue 12): a report's sending time does not prove when the act happened; a
    photo's capture time, a satellite overpass or an image acquisition does."""
    report = item("citizen_report", "user:1")
    assert not dated(facts([report]))
    assert dated(facts([report], timed_reports=1))
    assert dated(facts([item("fire_hotspot", "FIRMS:MODIS:Terra")]))
    assert dated(facts([item("change_polygon", "imagery:sentinel2")]))
