"""Which legal bases a lead gets, each rule with its source (rules/legal.py)."""

from datetime import UTC, datetime, timedelta

from rules.legal import SEED, EvidenceFacts, suggest
from rules.procedure import RESTORED_ENOUGH, Procedure, SuggestionOutcome


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


NOW = datetime(2026, 6, 1, tzinfo=UTC)
DUE = datetime(2026, 4, 1, tzinfo=UTC)
REPLIED = datetime(2026, 3, 20, tzinfo=UTC)


def procedure_elements(procedure: Procedure | None) -> dict[str, dict[str, bool]]:
    """The two procedure rows' elements (administrative, civil) and whether each is proven."""
    facts = EvidenceFacts(
        zones=(), photos=1, dated=True, independent_sources=1, procedure=procedure
    )
    out: dict[str, dict[str, bool]] = {}
    for b in suggest(SEED, "waste_dumping", facts):
        path = {"行政诉讼法": "admin", "民事诉讼法": "civil"}.get(str(b["law"])[7:12])
        if path is not None:
            out[path] = {e["code"]: e["proven"] for e in b["elements"]}  # type: ignore[attr-defined]
    return out


def test_administrative_suit_elements() -> None:
    """Rule: an administrative public-interest suit (行政诉讼法 art. 25(4)) needs proof that the
    agency acted unlawfully or failed to act and that the public interest is still harmed; a
    formal harm appraisal is not an element there."""
    admin = procedure_elements(None)["admin"]
    assert "harm_assessment" not in admin
    assert admin == {
        "agency_duty": False,
        "activity_evidence": True,
        "agency_unlawful": False,
        "harm_persists": False,
    }


def test_the_agency_failed_to_act() -> None:
    """Rule: the agency failed to act when its reply period ended with no reply, it replied
    that it did not comply, or a follow-up review found the harm not remedied."""

    def unlawful(s: SuggestionOutcome) -> bool:
        found = procedure_elements(Procedure(now=NOW, suggestions=(s,)))
        return found["admin"]["agency_unlawful"]

    assert unlawful(SuggestionOutcome(due_at=DUE))
    assert not unlawful(SuggestionOutcome(due_at=NOW + timedelta(days=1)))
    assert unlawful(SuggestionOutcome(due_at=DUE, replied_at=REPLIED, complied=False))
    assert not unlawful(SuggestionOutcome(due_at=DUE, replied_at=REPLIED, complied=True))
    assert unlawful(
        SuggestionOutcome(due_at=DUE, replied_at=REPLIED, complied=True, remedied=False)
    )


def test_the_harm_persists_only_on_evidence_after_the_reply() -> None:
    """Rule: the harm still persisting is proven by evidence dated after the reply: a newer
    observation, a re-check restoring less than RESTORED_ENOUGH, or a review finding it not
    remedied; evidence from before the reply proves nothing about now."""
    replied = SuggestionOutcome(due_at=DUE, replied_at=REPLIED, complied=True)

    def persists(
        s: SuggestionOutcome = replied,
        last_evidence_at: datetime | None = None,
        rechecks: tuple[tuple[datetime, float | None], ...] = (),
    ) -> bool:
        p = Procedure(NOW, (s,), last_evidence_at=last_evidence_at, rechecks=rechecks)
        return procedure_elements(p)["admin"]["harm_persists"]

    before, after = REPLIED - timedelta(days=1), REPLIED + timedelta(days=1)
    assert not persists(last_evidence_at=before)
    assert persists(last_evidence_at=after)
    assert persists(rechecks=((after, RESTORED_ENOUGH - 0.1),))
    assert not persists(rechecks=((after, RESTORED_ENOUGH),))
    assert not persists(rechecks=((before, 0.1),))
    assert persists(s=SuggestionOutcome(DUE, REPLIED, True, remedied=False))


def test_civil_suit_elements() -> None:
    """Rule: a civil public-interest suit (民事诉讼法 art. 58) needs causation (found by
    investigation, never proven automatically) and the notice condition: the 30-day notice
    ended with no organisation entitled to sue having sued (SPC/SPP interpretation art. 13)."""
    end = NOW - timedelta(days=1)

    def civil(p: Procedure | None) -> dict[str, bool]:
        return procedure_elements(p)["civil"]

    assert {"causation", "notice_expired", "harm_assessment"} <= set(civil(None))
    assert not civil(None)["notice_expired"]
    assert civil(Procedure(now=NOW, notice_end=end))["notice_expired"]
    assert not civil(Procedure(now=end, notice_end=end))["notice_expired"]
    assert not civil(Procedure(now=NOW, notice_end=end, organisation_sued=True))["notice_expired"]
    assert not civil(Procedure(now=NOW, notice_end=end))["causation"]
