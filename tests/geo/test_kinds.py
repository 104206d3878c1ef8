"""Tests for rules.kinds: level vocabularies, aliases and kind slugs."""

from __future__ import annotations

import pytest

from rules.kinds import (
    KINDS,
    NEAREST_KINDS,
    KindError,
    check_kind,
    normalise_grade,
    normalise_level,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("一级", "I"),
        ("一级保护区", "I"),
        ("I", "I"),
        ("i", "I"),
        ("1", "I"),
        (1, "I"),
        ("level I", "I"),
        ("LEVEL I", "I"),
        (" 一级 ", "I"),
        ("二级", "II"),
        ("二级保护区", "II"),
        ("II", "II"),
        ("2", "II"),
        ("Second", "II"),
        ("准保护区", "quasi"),
        ("准", "quasi"),
        ("quasi", "quasi"),
        ("Quasi", "quasi"),
        ("3", "quasi"),
    ],
)
def test_water_source_zone_aliases(raw: object, expected: str) -> None:
    assert normalise_level("water_source_zone", raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("省", "province"),
        ("自治区", "province"),
        ("直辖市", "province"),
        ("市", "city"),
        ("地级市", "city"),
        ("盟", "city"),
        ("Prefecture", "city"),
        ("区县", "county"),
        ("县", "county"),
        ("区", "county"),
        ("旗", "county"),
        ("district", "county"),
        ("County", "county"),
        ("乡镇", "township"),
        ("镇", "township"),
        ("街道", "township"),
        ("town", "township"),
    ],
)
def test_admin_division_aliases(raw: str, expected: str) -> None:
    assert normalise_level("admin_division", raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("核心区", "core"),
        ("核心保护区", "core"),
        ("缓冲区", "buffer"),
        ("实验区", "experimental"),
        ("一般控制区", "general"),
        ("core", "core"),
    ],
)
def test_nature_reserve_functional_zones(raw: str, expected: str) -> None:
    """The reserve's functional zones weigh differently (core > buffer > the rest), so the
    level is a controlled vocabulary; an unknown one is refused, not kept as free text."""
    assert normalise_level("nature_reserve", raw) == expected
    with pytest.raises(KindError):
        normalise_level("nature_reserve", "国家级")


@pytest.mark.parametrize("kind", ["wetland", "water_body", "illegal_dumping_sites"])
def test_free_levels_kept_as_given(kind: str) -> None:
    assert normalise_level(kind, " 重要湿地 ") == "重要湿地"
    assert normalise_level(kind, "Level 7") == "Level 7"
    assert normalise_level(kind, 3) == "3"


@pytest.mark.parametrize("kind", ["water_source_zone", "admin_division", "wetland"])
@pytest.mark.parametrize("raw", [None, float("nan"), "", "   "])
def test_missing_level_is_none(kind: str, raw: object) -> None:
    assert normalise_level(kind, raw) is None


@pytest.mark.parametrize(
    ("kind", "raw"),
    [("water_source_zone", "五级"), ("water_source_zone", "4"), ("admin_division", "村")],
)
def test_unknown_level_names_value(kind: str, raw: str) -> None:
    with pytest.raises(KindError, match=f"'{raw}'") as info:
        normalise_level(kind, raw)
    assert kind in str(info.value)


def test_vocabularies() -> None:
    assert KINDS["water_source_zone"].levels == ("I", "II", "quasi")
    assert KINDS["admin_division"].levels == ("province", "city", "county", "township")
    assert KINDS["water_source_zone"].protected and not KINDS["admin_division"].protected
    # Every alias maps onto its kind's vocabulary.
    for spec in KINDS.values():
        assert set(spec.aliases.values()) <= set(spec.levels)
    assert set(NEAREST_KINDS) <= set(KINDS)


@pytest.mark.parametrize("kind", [*KINDS, "illegal_dumping_sites", "x1", "a_b_c"])
def test_check_kind_accepts(kind: str) -> None:
    assert check_kind(kind) == kind


@pytest.mark.parametrize(
    "kind", ["Bad Kind!", "", "a", "1abc", "Wetland", "dumping-sites", "x" * 51, "湿地"]
)
def test_check_kind_refuses(kind: str) -> None:
    with pytest.raises(KindError, match="invalid layer kind"):
        check_kind(kind)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("国家公园", "national_park"), ("国家级", "national"), ("省级", "provincial"),
     ("市级", "city"), ("县级", "county"), ("National", "national"), (None, None)],
)  # fmt: skip
def test_reserve_grades(raw: str | None, expected: str | None) -> None:
    """A reserve's grade decides whether 刑法 art. 342-1 can apply (national parks and
    national-level reserves only), so it is a controlled vocabulary of nature reserves."""
    assert normalise_grade("nature_reserve", raw) == expected


def test_an_unknown_grade_or_a_grade_of_another_kind_is_refused() -> None:
    with pytest.raises(KindError, match="unrecognised reserve grade"):
        normalise_grade("nature_reserve", "世界级")
    with pytest.raises(KindError, match="nature reserves only"):
        normalise_grade("wetland", "国家级")
