"""Which category a change in a zone becomes (no database)."""

import pytest

from app.services.imagery.change import category_for


@pytest.mark.parametrize(
    ("index", "kinds", "expected"),
    [
        ("ndvi", [("water_source_zone", "II")], "land_disturbance"),
        ("bsi", [("water_source_zone", "I")], "land_disturbance"),
        ("ndvi", [("wetland", None)], "wetland_damage"),
        ("mndwi", [("wetland", None), ("water_source_zone", "II")], "wetland_damage"),
        ("ndwi", [("river_lake_range", None)], "wetland_damage"),
        ("nbr", [("no_burn_area", None)], "straw_burning"),
        ("ndvi", [("nature_reserve", None)], "land_disturbance"),
        ("ndvi", [("admin_division", "county"), ("cropland", None)], None),
        ("ndvi", [], None),
    ],
)
def test_change_category_follows_index_and_zone(
    index: str, kinds: list[tuple[str, str | None]], expected: str | None
) -> None:
    zones = [{"kind": k, "level": lv} for k, lv in kinds]
    assert category_for(index, zones) == expected
