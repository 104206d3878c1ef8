"""The UI's lists come from the server's tables: categories, lead statuses, zone kinds, PM10
bands."""

from fastapi.testclient import TestClient

from geo.air.bands import PM10_BANDS, PM10_BANDS_SOURCE
from geo.air.standards import BREAKPOINTS
from rules.categories import CATEGORIES
from rules.kinds import KINDS, MAP_BASE_KINDS, MAP_ZONE_KINDS, MAP_ZONES_ON
from rules.workflow import OPEN_STATUSES, STATUS_LABELS


def test_config_lists_equal_the_server_tables(client: TestClient) -> None:
    config = client.get("/api/v1/ui/config", headers={"Authorization": ""}).json()
    assert config["categories"] == [
        {"code": c, "zh": r.zh, "en": r.en} for c, r in CATEGORIES.items()
    ]
    assert config["lead_statuses"] == [
        {"code": s, "zh": zh, "en": en} for s, (zh, en) in STATUS_LABELS.items()
    ]
    assert config["open_statuses"] == list(OPEN_STATUSES) and "terminated" not in OPEN_STATUSES
    assert config["zone_kinds"] == [
        {"code": k, "zh": KINDS[k].title_zh, "en": KINDS[k].title_en} for k in MAP_ZONE_KINDS
    ]
    assert config["zones_on"] == list(MAP_ZONES_ON) and set(MAP_ZONES_ON) <= set(MAP_ZONE_KINDS)
    assert config["base_kinds"] == list(MAP_BASE_KINDS)
    assert config["pm10_bands"] == [
        {
            "from": b.lower,
            "to": b.upper,
            "colour": b.colour,
            "zh": b.zh,
            "en": b.en,
            "source": PM10_BANDS_SOURCE,
        }
        for b in PM10_BANDS
    ]


def test_pm10_bands_follow_the_hj633_breakpoints() -> None:
    bps = BREAKPOINTS[("pm10", "24h")]
    assert [b.lower for b in PM10_BANDS] == list(bps[: len(PM10_BANDS)])
    assert [b.upper for b in PM10_BANDS] == [*bps[1 : len(PM10_BANDS)], None]
    assert [b.zh for b in PM10_BANDS][:2] == ["优", "良"]
    assert PM10_BANDS[-1].zh == "重度污染及以上" and "HJ 633-2012" in PM10_BANDS_SOURCE
