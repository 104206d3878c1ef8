"""Which legal bases a lead gets, each rule with its source (rules/legal.py)."""

from rules.legal import SEED, EvidenceFacts, suggest


def articles(category: str, zones: tuple[tuple[str, str | None], ...]) -> list[str]:
    facts = EvidenceFacts(zones=zones, photos=1, dated=True, independent_sources=1)
    return [f"{b['law'][:12]} {b['article']}" for b in suggest(SEED, category, facts)]


def test_construction_articles_only_for_construction() -> None:
    """Rule: WPPCL arts. 65-67 forbid construction projects in source zones (水污染防治法
    第六十五至六十七条); discharge and dumping are governed by other articles."""
    zone = (("water_source_zone", "I"),)
    assert any("第六十五条" in a for a in articles("illegal_building_protected_area", zone))
    for category in ("water_pollution_discharge", "waste_dumping", "sand_gravel_extraction"):
        assert not any("第六十五条" in a for a in articles(category, zone))


def test_discharge_in_a_source_zone_cites_the_outfall_ban() -> None:
    """Rule: 在饮用水水源保护区内，禁止设置排污口 (WPPCL art. 64; penalty art. 84)."""
    found = articles("water_pollution_discharge", (("water_source_zone", "II"),))
    assert any("第六十四条、第八十四条" in a for a in found)
    assert not any("第六十四条" in a for a in articles("water_pollution_discharge", ()))


def test_dumping_cites_water_and_solid_waste_law() -> None:
    """Rule: dumping into water or on banks, WPPCL arts. 37-38 (penalty 85); the Solid Waste
    Law art. 20; anywhere, not only in zones."""
    found = articles("waste_dumping", ())
    assert any("第三十七条、第三十八条" in a for a in found)
    assert any("固体废物" in a and "第二十条" in a for a in found)


def test_sand_extraction_has_a_basis() -> None:
    """Rule: river sand extraction needs a permit (水法 art. 39)."""
    assert any("水法" in a and "第三十九条" in a for a in articles("sand_gravel_extraction", ()))


def test_nested_zones_give_only_the_strictest_zone() -> None:
    """Rule: a place in the level-I zone is also inside the level-II and quasi zones drawn
    around it; only the level-I article applies."""
    nested = (
        ("water_source_zone", "I"),
        ("water_source_zone", "II"),
        ("water_source_zone", "quasi"),
    )
    found = articles("illegal_building_protected_area", nested)
    assert any("第六十五条" in a for a in found)
    assert not any("第六十六条" in a or "第六十七条" in a for a in found)
