"""Which legal bases a lead gets, each rule with its source (rules/legal.py, legal_seed*.py)."""

from datetime import UTC, date, datetime, timedelta

from rules.categories import CATEGORIES
from rules.legal import PROCEDURE_PATHS, EvidenceFacts, Timing, suggest
from rules.legal_seed import NOT_DESIGNATED, SEED
from rules.procedure import RESTORED_ENOUGH, Procedure, SuggestionOutcome

TODAY = date(2026, 12, 2)
Zones = tuple[tuple[str, str | None], ...]


def bases(category: str, zones: Zones = (), on: date = TODAY) -> list[dict[str, object]]:
    facts = EvidenceFacts(zones=zones, photos=1, dated=True, independent_sources=1)
    return suggest(SEED, category, facts, on)


def articles(category: str, zones: Zones = (), on: date = TODAY) -> list[str]:
    return [f"{b['law'][:12]} {b['article']}" for b in bases(category, zones, on)]


def by_code(category: str, code: str, zones: Zones = (), on: date = TODAY) -> dict[str, object]:
    (found,) = [b for b in bases(category, zones, on) if b["code"] == code]
    return found


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


def test_the_conduct_date_picks_the_mineral_resources_law_in_force() -> None:
    """Rule: the 1996 Mineral Resources Law (arts. 3, 39) governs conduct up to 2025-06-30;
    the 2024 revision from 2025-07-01."""
    old = by_code("illegal_mining", "mrl-licence", on=date(2025, 6, 30))
    new = by_code("illegal_mining", "mrl-licence", on=date(2025, 7, 1))
    assert old["article"] == "第三条、第三十九条 (arts. 3, 39)" and not old["needs_review"]
    assert old["effective_to"] == "2025-06-30" and "1996年修正" in str(old["source"])
    assert new["effective_from"] == "2025-07-01" and new["effective_to"] is None
    assert "2024年修订" in str(new["source"])
    assert old["conduct_date"] == "2025-06-30" and new["conduct_date"] == "2025-07-01"


def test_the_conduct_date_picks_the_water_law_text() -> None:
    """Rule: building in a level-II source zone before 2018-01-01 falls under the 2008 text
    (art. 59, numbering marked for review); from the 2017 amendment's effect, art. 66."""
    zone = (("water_source_zone", "II"),)
    old = by_code("land_disturbance", "wppcl-66", zone, date(2017, 12, 31))
    new = by_code("land_disturbance", "wppcl-66", zone, date(2018, 1, 1))
    assert old["article"] == "第五十九条 (art. 59)" and old["needs_review"]
    assert new["article"] == "第六十六条 (art. 66)" and not new["needs_review"]


def test_the_conduct_date_picks_the_pollution_crime_interpretation() -> None:
    """Rule: toxic substances discharged in a level-I source zone are 严重污染环境 under art. 1
    of 法释〔2016〕29号 (2017-01-01 to 2023-08-14), then of 法释〔2023〕7号 (from 2023-08-15)."""
    zone = (("water_source_zone", "I"),)
    before = by_code("water_pollution_discharge", "spc-env-1", zone, date(2023, 8, 14))
    after = by_code("water_pollution_discharge", "spc-env-1", zone, date(2023, 8, 15))
    assert "2016" in str(before["source"]) and "2023" in str(after["source"])
    assert not any(b["code"] == "spc-env-1" for b in bases("water_pollution_discharge"))


def procedure_articles(when: Timing, category: str = "sand_gravel_extraction") -> list[str]:
    facts = EvidenceFacts(zones=(), photos=1, dated=True, independent_sources=1)
    return [str(b["article"]) for b in suggest(SEED, category, facts, when)
            if b["code"] in PROCEDURE_PATHS]  # fmt: skip


def test_procedure_follows_the_law_in_force_when_the_step_is_taken() -> None:
    """Rule (issue 19, 3): 程序从新. The suit articles are those in force on the day of the step
    (today, or the suit's day), whatever the conduct's date: 2019 conduct sued today cites
    民事诉讼法 art. 58 (art. 55 only for a step before 2022-01-01), and conduct before
    2017-07-01 still gets the procedure rows."""
    assert procedure_articles(Timing(date(2019, 5, 1), procedure=TODAY)) == [
        "第五十八条 (art. 58)", "第二十五条第四款 (art. 25(4))"]  # fmt: skip
    step_2021 = Timing(date(2019, 5, 1), procedure=date(2021, 12, 31))
    assert "第五十五条 (art. 55)" in procedure_articles(step_2021)
    assert len(procedure_articles(Timing(date(2017, 1, 1), procedure=TODAY))) == 2
    today = Timing(date(2019, 5, 1), procedure=TODAY)
    facts = EvidenceFacts(zones=(), photos=1, dated=True, independent_sources=1)
    cpl = next(b for b in suggest(SEED, "sand_gravel_extraction", facts, today)
               if b["code"] == "cpl-public-interest")  # fmt: skip
    assert cpl["conduct_date"] == TODAY.isoformat() and "程序从新" in str(cpl["timing_note"])


def test_the_2023_civil_procedure_law_from_2024() -> None:
    """Rule (issue 19, 3): a step from 2024-01-01 cites the 2023 edition of 民事诉讼法 (art. 58
    still); a step in 2023 the 2021 edition."""
    def source(step: date) -> str:
        facts = EvidenceFacts(zones=(), photos=1, dated=True, independent_sources=1)
        found = suggest(SEED, "sand_gravel_extraction", facts, Timing(step, procedure=step))
        (cpl,) = [b for b in found if b["code"] == "cpl-public-interest"]
        assert cpl["article"] == "第五十八条 (art. 58)"
        return str(cpl["source"])

    assert "2023年修正" in source(date(2024, 1, 1)) and "2021年修正" in source(date(2023, 12, 31))


def test_a_suit_incidental_to_a_prosecution_has_its_own_basis() -> None:
    """Rule (issue 19, 14): on the 刑事附带民事公益诉讼 path the suit rests on the SPC/SPP
    interpretation art. 20 and 民事诉讼法 art. 58, needs the notice and the prosecution of the
    same conduct; before filing it is not offered among the suit articles."""
    facts = EvidenceFacts(zones=(), photos=1, dated=True, independent_sources=1)
    path = Timing(TODAY, procedure=TODAY, path="criminal_incidental")
    codes = {b["code"]: b for b in suggest(SEED, "waste_dumping", facts, path)
             if b["code"] in PROCEDURE_PATHS}  # fmt: skip
    assert set(codes) == {"spp-incidental-20", "cpl-public-interest"}
    assert "已就同一行为提起刑事公诉（起诉书）" in codes["spp-incidental-20"]["missing"]
    assert "公告期满，法律规定的机关和有关组织未提起诉讼" in codes["spp-incidental-20"]["missing"]
    unfiled = {b["code"] for b in suggest(SEED, "waste_dumping", facts, Timing(TODAY))}
    assert "spp-incidental-20" not in unfiled and {"apl-25-4", "cpl-public-interest"} <= unfiled


def test_after_filing_only_the_chosen_paths_basis() -> None:
    """Rule (issue 19, 18): once the path is chosen, only its suit article and elements show:
    行政诉讼法 art. 25(4) on the administrative path, 民事诉讼法 art. 58 on the civil one."""
    admin = Timing(TODAY, procedure=TODAY, path="administrative")
    civil = Timing(TODAY, procedure=TODAY, path="civil")
    assert procedure_articles(admin) == ["第二十五条第四款 (art. 25(4))"]
    assert procedure_articles(civil) == ["第五十八条 (art. 58)"]


def test_a_continuing_violation_is_judged_by_the_law_while_it_continues() -> None:
    """Rule (issue 19, 4): a building first photographed in 2017 in a level-II zone and still
    standing cites the current art. 66 (not the 2008 art. 59), saying when it began; criminal
    rows keep the first day (刑法 art. 12); a one-off act keeps the first day too."""
    zone = (("water_source_zone", "II"),)
    facts = EvidenceFacts(zones=zone, photos=1, dated=True, independent_sources=1)
    lasting = Timing(date(2017, 8, 4), latest=TODAY, procedure=TODAY, continuing=True)
    found = suggest(SEED, "illegal_building_protected_area", facts, lasting)
    (water,) = [b for b in found if b["code"] == "wppcl-66"]
    assert water["article"] == "第六十六条 (art. 66)" and water["conduct_start"] == "2017-08-04"
    assert "行为始于2017-08-04" in str(water["timing_note"])
    assert water["conduct_date"] == TODAY.isoformat()
    reserve = (("nature_reserve", "core"), ("national_protected_area", None))
    facts = EvidenceFacts(zones=reserve, photos=1, dated=True, independent_sources=1)
    early = Timing(date(2021, 2, 1), latest=TODAY, procedure=TODAY, continuing=True)
    assert not any(b["code"] == "cl-342-1" for b in suggest(SEED, "land_disturbance", facts,
                                                            early))  # fmt: skip
    one_off = Timing(date(2017, 8, 4), latest=TODAY, procedure=TODAY)
    found = suggest(SEED, "illegal_building_protected_area",
                    EvidenceFacts(zones=zone, photos=1, dated=True, independent_sources=1), one_off)
    assert [b["article"] for b in found if b["code"] == "wppcl-66"] == ["第五十九条 (art. 59)"]


def test_no_article_in_force_gives_a_note_never_an_empty_list() -> None:
    """Rule (issue 19, 7): a category with no recorded row in force on its day gets a note to
    check the text then in force, not an empty list."""
    (only,) = bases("other")
    assert only["kind"] == "no_basis" and "行为日无在录条文" in str(only["note"])


def test_no_row_before_its_instrument_took_effect() -> None:
    """Rule: a basis applies only from the day its edition took effect (破坏自然保护地罪,
    刑法修正案（十一）, from 2021-03-01)."""
    reserve = (("nature_reserve", None), ("national_protected_area", None))
    assert any(b["code"] == "cl-342-1" for b in bases("land_disturbance", reserve))
    early = bases("land_disturbance", reserve, date(2021, 2, 28))
    assert not any(b["code"] == "cl-342-1" for b in early)


def test_destroying_a_protected_area_is_a_crime_only_in_national_ones() -> None:
    """Rule (issue 19, 6): 刑法 art. 342-1 (破坏自然保护地罪) covers national parks and
    national-level nature reserves only; a provincial, city or county reserve, or one whose
    grade is not recorded, is cited under 自然保护区条例 art. 26 instead."""
    national = (("nature_reserve", "buffer"), ("national_protected_area", None))
    assert "cl-342-1" in {b["code"] for b in bases("illegal_mining", national)}
    for zones in ((("nature_reserve", "buffer"),), (("nature_reserve", None),)):
        codes = {b["code"] for b in bases("illegal_mining", zones)}
        assert "cl-342-1" not in codes and "nrr-26" in codes


def test_straw_burning_outside_a_designated_area_has_no_article_but_a_note() -> None:
    """Rule: 大气污染防治法 art. 77 bans open burning only in areas the provincial government
    designates (penalty art. 119(1)); a fire on cropland merely near a water source cites
    nothing and says so."""
    (only,) = bases("straw_burning", (("cropland", None),))
    assert only["kind"] == "no_basis" and only["note"] == NOT_DESIGNATED
    assert only["law"] == "" and only["article"] == ""
    inside = bases("straw_burning", (("cropland", None), ("no_burn_area", None)))
    assert not any(b["kind"] == "no_basis" for b in inside)
    art77 = next(b for b in inside if b["code"] == "appcl-77-119")
    assert "划定区域" in str(art77["text"]) and "第一百一十九条第一款" in str(art77["article"])


def test_every_category_but_other_has_a_basis_of_its_own() -> None:
    """Rule: every category names at least one article in force today, beyond the procedure
    rows; and every category has a severity."""
    for category in CATEGORIES:
        own = [r for r in SEED if r.category == category and r.in_force(TODAY)]
        assert bool(own) is (category != "other"), category
        assert 0.0 <= CATEGORIES[category].severity <= 1.0, category


def test_versions_of_a_code_never_overlap() -> None:
    """Rule: the versions of one basis (same code, category and zone) follow each other."""
    seen: dict[tuple[object, ...], list[tuple[date, date]]] = {}
    for r in SEED:
        key = (r.code, r.category, r.zone_kind, r.zone_level)
        span = (r.effective_from, r.effective_to or date.max)
        assert all(span[1] < a or b < span[0] for a, b in seen.get(key, [])), key
        seen.setdefault(key, []).append(span)


def test_new_categories_cite_their_statutes() -> None:
    """Rule: each added category cites the articles named in issue 12."""
    src, reserve_core = (("water_source_zone", "II"),), (("nature_reserve", "core"),)
    expect = {
        ("groundwater_extraction", ()): ["第三十六条", "第四十八条、第六十九条"],
        ("livestock_farm_pollution", src): ["第十一条、第三十七条", "第五十六条"],
        ("livestock_farm_pollution", reserve_core): ["第十一条、第三十七条"],
        ("forest_grassland_destruction", ()): ["第三十九条、第七十四条", "第四十六条",
                                               "第三百四十二条", "第三百四十五条"],
        ("farmland_occupation", ()): ["第三十七条、第七十五条", "第七十七条", "第三百四十二条"],
        ("hazardous_waste", ()): ["第七十九条、第八十条", "第一百一十二条", "第三百三十八条"],
        ("tailings_unrestored_mine", ()): ["第四十二条第三款", "第三条", "第四十五条至第四十七条"],
        ("rubbish_burning", ()): ["第八十二条、第一百一十九条第二款"],
        ("stockpile_transport_dust", ()): ["第七十条、第一百一十六条",
                                           "第七十二条、第一百一十七条"],
        ("river_lake_occupation", ()): ["第三十七条、第六十五条", "第三十八条", "第四十条",
                                        "第二十四条", "第二十二条"],
        ("illegal_fishing_hunting", ()): ["第三百四十条", "第三百四十一条第一款",
                                          "第三百四十一条第二款"],
    }  # fmt: skip
    for (category, zones), wanted in expect.items():
        found = articles(category, zones)
        for article in wanted:
            assert any(article in a for a in found), (category, article, found)
    # Livestock farms are banned in a reserve's core and buffer zones, not its experimental one.
    experimental = articles("livestock_farm_pollution", (("nature_reserve", "experimental"),))
    assert not any("第十一条" in a for a in experimental)


def test_a_matched_basis_records_its_version() -> None:
    """Rule: the lead stores which version it was matched to and the conduct date used."""
    b = by_code("groundwater_extraction", "gwr-zones")
    assert b["needs_review"] and b["source"] == "地下水管理条例（国务院令第748号，2021-12-01施行）"
    assert (b["effective_from"], b["effective_to"], b["conduct_date"]) == (
        "2021-12-01",
        None,
        TODAY.isoformat(),
    )


NOW = datetime(2026, 6, 1, tzinfo=UTC)
DUE = datetime(2026, 4, 1, tzinfo=UTC)
REPLIED = datetime(2026, 3, 20, tzinfo=UTC)


def procedure_elements(procedure: Procedure | None) -> dict[str, dict[str, bool]]:
    """The two procedure rows' elements (administrative, civil) and whether each is proven."""
    facts = EvidenceFacts(
        zones=(), photos=1, dated=True, independent_sources=1, procedure=procedure
    )
    out: dict[str, dict[str, bool]] = {}
    for b in suggest(SEED, "waste_dumping", facts, NOW.date()):
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


def test_the_harm_persists_only_on_what_shows_it_after_the_reply() -> None:
    """Rule: the harm still persisting is proven after the reply by a re-check restoring less
    than RESTORED_ENOUGH, a review finding it not remedied, or a prosecutor's finding; a newer
    photo alone does not (issue 19: it shows the place, not the harm), nor anything from
    before the reply."""
    replied = SuggestionOutcome(due_at=DUE, replied_at=REPLIED, complied=True)

    def persists(
        s: SuggestionOutcome = replied,
        rechecks: tuple[tuple[datetime, float | None], ...] = (),
        findings: tuple[tuple[str, bool], ...] = (),
    ) -> bool:
        p = Procedure(NOW, (s,), rechecks=rechecks, findings=findings)
        return procedure_elements(p)["admin"]["harm_persists"]

    before, after = REPLIED - timedelta(days=1), REPLIED + timedelta(days=1)
    assert not persists()
    assert persists(rechecks=((after, RESTORED_ENOUGH - 0.1),))
    assert not persists(rechecks=((after, RESTORED_ENOUGH),))
    assert not persists(rechecks=((before, 0.1),))
    assert persists(s=SuggestionOutcome(DUE, REPLIED, True, remedied=False))
    assert persists(findings=(("harm_persists", True),))


def test_a_finding_decides_an_element_the_service_cannot_prove() -> None:
    """Rule (issue 19, 9): a prosecutor's finding (the newest per element) proves or refutes
    an element: who is responsible, the agency's duty, the substance."""
    zone = (("water_source_zone", "I"),)
    found = (("responsible_party", True), ("hazardous_substance", False))
    facts = EvidenceFacts(zones=zone, photos=1, dated=True, independent_sources=1,
                          procedure=Procedure(NOW, findings=found))  # fmt: skip
    (crime,) = [b for b in suggest(SEED, "waste_dumping", facts, TODAY)
                if b["code"] == "spc-env-1"]  # fmt: skip
    assert elements_of(crime)["responsible_party"] is True
    assert elements_of(crime)["hazardous_substance"] is False


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


def elements_of(basis: dict[str, object]) -> dict[str, bool]:
    return {e["code"]: e["proven"] for e in basis["elements"]}  # type: ignore[attr-defined, index]


def test_the_2023_interpretation_covers_the_whole_source_zone_in_its_own_words() -> None:
    """Rule (issue 19, 1): 法释〔2023〕7号 art. 1(1) names 饮用水水源保护区 (levels I and II, not
    the 准保护区) and 自然保护地核心保护区, in its own wording; the 2016 rows keep theirs (the
    level-I zone and reserves' core zones)."""
    on_2023, on_2020 = date(2024, 1, 1), date(2020, 1, 1)
    for zones in ((("water_source_zone", "I"),), (("water_source_zone", "II"),),
                  (("nature_reserve", "core"),)):  # fmt: skip
        found = by_code("waste_dumping", "spc-env-1", zones, on_2023)
        assert "饮用水水源保护区、自然保护地核心保护区等" in str(found["text"])
    quasi = (("water_source_zone", "quasi"),)
    assert not any(b["code"] == "spc-env-1" for b in bases("waste_dumping", quasi, on_2023))
    old = by_code("waste_dumping", "spc-env-1", (("water_source_zone", "I"),), on_2020)
    assert "饮用水水源一级保护区、自然保护区核心区" in str(old["text"])
    level_two = (("water_source_zone", "II"),)
    assert not any(b["code"] == "spc-env-1" for b in bases("waste_dumping", level_two, on_2020))


def test_a_crime_threshold_is_never_met_on_photos_alone() -> None:
    """Rule (issue 19, 2): construction waste dumped in a level-I zone is not 严重污染环境 by
    the photos: art. 1(1) needs the substance shown radioactive, pathogenic or toxic, 刑法 338
    one of the interpretation's thresholds, art. 1(2) three tonnes of hazardous waste, art.
    1(3)/(4) a monitored exceedance; none is proven by the evidence the service holds."""
    zone = (("water_source_zone", "I"),)
    substance = elements_of(by_code("waste_dumping", "spc-env-1", zone))
    assert substance["hazardous_substance"] is False
    assert elements_of(by_code("waste_dumping", "cl-338", zone))["serious_pollution"] is False
    tonnes = elements_of(by_code("hazardous_waste", "spc-env-1-2"))
    assert tonnes["hazardous_waste_3t"] is False
    over = by_code("water_pollution_discharge", "spc-env-1-3-4")
    assert elements_of(over)["exceeds_standard"] is False and "三倍" in str(over["text"])


def test_bans_in_the_protection_zone_leave_out_the_quasi_zone() -> None:
    """Rule (issue 19, 5): 水污染防治法 art. 63 puts the 准保护区 outside the 饮用水水源保护区:
    the outfall ban (arts. 64, 84) and the livestock-farm ban (畜禽规模养殖污染防治条例 arts.
    11, 37) apply in levels I and II, not in the quasi zone."""
    for level in ("I", "II"):
        zone = (("water_source_zone", level),)
        assert any(b["code"] == "wppcl-64" for b in bases("water_pollution_discharge", zone))
        assert any(b["code"] == "livestock-11-37" for b in bases("livestock_farm_pollution", zone))
    quasi = (("water_source_zone", "quasi"),)
    assert not any(b["code"] == "wppcl-64" for b in bases("water_pollution_discharge", quasi))
    assert not any(b["code"] == "livestock-11-37" for b in bases("livestock_farm_pollution", quasi))


def test_rubbish_burning_needs_a_populated_or_protected_area() -> None:
    """Rule (issue 19, 8): 大气污染防治法 art. 82 forbids burning rubbish only in densely
    populated and other specially protected areas: an element the place must satisfy."""
    found = by_code("rubbish_burning", "appcl-82-119")
    assert elements_of(found)["populated_area"] is False


def test_earlier_editions_cover_conduct_before_the_latest_one() -> None:
    """Rule (issue 19, 7): conduct before a law's latest edition cites the edition then in
    force: construction dust in February 2017 (the demo's air month), 大气污染防治法 2015 art.
    69 with penalty art. 115; dumping in 2018, 固废法 2016 art. 17; occupying farmland in
    2010, 土地管理法 2004; felling in 2015, 森林法 1998; a reserve in 2000, its 1994 rules."""
    dust = by_code("construction_dust", "appcl-69", on=date(2017, 2, 15))
    assert "2015年修订" in str(dust["source"])
    assert str(dust["article"]).startswith("第六十九条、第一百一十五条")
    dumped = by_code("waste_dumping", "swl-20", on=date(2018, 5, 1))
    assert dumped["article"] == "第十七条 (art. 17)"
    farmland = by_code("farmland_occupation", "lal-37-75", on=date(2010, 1, 1))
    assert "2004年修正" in str(farmland["source"])
    assert "1998年修正" in str(by_code("forest_grassland_destruction", "forest-39-74",
                                        on=date(2015, 1, 1))["source"])  # fmt: skip
    reserve = (("nature_reserve", "core"),)
    old = by_code("land_disturbance", "nrr-26", reserve, on=date(2000, 1, 1))
    assert "1994" in str(old["source"])


def test_the_2024_mineral_resources_law_cites_arts_5_and_64() -> None:
    """Rule (issue 19, low): 矿产资源法 (2024年修订) art. 5, mining needs a 采矿权; art. 64,
    mining without one is stopped, its tools and ore confiscated and fined. The numbering is
    confirmed: the row is no longer marked for review."""
    new = by_code("illegal_mining", "mrl-licence", on=date(2025, 7, 1))
    assert new["article"] == "第五条、第六十四条 (arts. 5, 64)" and not new["needs_review"]
    assert "依法分别取得探矿权、采矿权" in str(new["text"])
    assert "未取得采矿权开采矿产资源的" in str(new["text"])


def test_the_2008_outfall_ban_cites_its_penalty() -> None:
    """Rule (issue 19, low): like the 2017 text (arts. 64, 84), the 2008 outfall ban in a
    source protection zone (水污染防治法 2008 art. 57) cites its penalty, art. 75 (2008
    numbering still marked for review)."""
    for level in ("I", "II"):
        zone = (("water_source_zone", level),)
        old = by_code("water_pollution_discharge", "wppcl-64", zone, date(2017, 12, 31))
        assert old["article"] == "第五十七条、第七十五条 (arts. 57, 75)" and old["needs_review"]
        assert "责令限期拆除" in str(old["text"])


def test_the_pollution_crime_in_the_words_of_each_amendment() -> None:
    """Rule (issue 19, low): 刑法 art. 338 in the words of 刑法修正案（八） up to 2021-02-28; from
    2021-03-01 in those of 修正案（十一）, which added seven years or more for toxic substances
    in 饮用水水源保护区 and other key zones. The threshold is never met on photos."""
    before = by_code("waste_dumping", "cl-338", on=date(2021, 2, 28))
    after = by_code("waste_dumping", "cl-338", on=date(2021, 3, 1))
    assert "修正案（八）" in str(before["source"]) and before["effective_to"] == "2021-02-28"
    assert "后果特别严重" in str(before["text"]) and "七年以上" not in str(before["text"])
    assert "修正案（十一）" in str(after["source"]) and after["effective_from"] == "2021-03-01"
    assert "饮用水水源保护区" in str(after["text"]) and "七年以上" in str(after["text"])
    assert elements_of(after)["serious_pollution"] is False


def test_wildlife_crime_names_follow_the_2021_rules() -> None:
    """Rule (issue 19, low): 刑法 art. 341(1) was two charges (非法猎捕、杀害珍贵、濒危野生动物罪;
    非法收购、运输、出售珍贵、濒危野生动物、珍贵、濒危野生动物制品罪) until 2021-02-28 and is
    危害珍贵、濒危野生动物罪 from 2021-03-01 (罪名补充规定（七）); the species needs appraisal."""
    before = by_code("illegal_fishing_hunting", "cl-341-1", on=date(2021, 2, 28))
    after = by_code("illegal_fishing_hunting", "cl-341-1", on=date(2021, 3, 1))
    assert str(before["text"]).startswith("非法猎捕、杀害珍贵、濒危野生动物罪")
    assert "危害珍贵、濒危野生动物罪" not in str(before["text"])
    assert str(after["text"]).startswith("危害珍贵、濒危野生动物罪")
    assert elements_of(after)["protected_wildlife"] is False


def test_eating_wild_land_animals_is_a_crime_from_2021() -> None:
    """Rule (issue 19, low): 刑法 art. 341(3) (修正案（十一）, from 2021-03-01), 非法猎捕、收购、
    运输、出售陆生野生动物罪: for food, wild land animals outside para. 1, 情节严重."""
    crime = by_code("illegal_fishing_hunting", "cl-341-3", on=date(2021, 3, 1))
    assert str(crime["text"]).startswith("非法猎捕、收购、运输、出售陆生野生动物罪")
    assert {"wild_land_animal", "for_food"} <= {k for k, v in elements_of(crime).items() if not v}
    early = bases("illegal_fishing_hunting", on=date(2021, 2, 28))
    assert not any(b["code"] == "cl-341-3" for b in early)


def test_imported_solid_waste_crimes() -> None:
    """Rule (issue 19, low): 刑法 art. 339: 非法处置进口的固体废物罪 (para. 1) and 擅自进口固体
    废物罪 (para. 2) for dumped or hazardous waste, only once the waste is shown to come from
    abroad (never on photos)."""
    for category in ("waste_dumping", "hazardous_waste"):
        dumped = by_code(category, "cl-339-1")
        imported = by_code(category, "cl-339-2")
        assert str(dumped["text"]).startswith("非法处置进口的固体废物罪")
        assert str(imported["text"]).startswith("擅自进口固体废物罪")
        assert elements_of(dumped)["imported_waste"] is False
        assert elements_of(imported)["imported_waste"] is False


def test_illegal_fishing_and_hunting_have_agency_duties() -> None:
    """Rule (issue 19, low): the administrative path for illegal fishing and hunting: 渔业法
    art. 30 (炸鱼、毒鱼、电鱼; 禁渔区、禁渔期) with penalty art. 38; 野生动物保护法 (2022年修订,
    from 2023-05-01) art. 20 (自然保护地、禁猎（渔）区、禁猎（渔）期) and art. 21 (国家重点保护
    野生动物), with penalties arts. 48 and 49."""
    fishery = by_code("illegal_fishing_hunting", "fishery-30-38")
    assert fishery["article"] == "第三十条、第三十八条 (arts. 30, 38)"
    assert "炸鱼、毒鱼、电鱼" in str(fishery["text"]) and "禁渔区、禁渔期" in str(fishery["text"])
    areas = by_code("illegal_fishing_hunting", "wpl-20", on=date(2023, 5, 1))
    protected = by_code("illegal_fishing_hunting", "wpl-21", on=date(2023, 5, 1))
    assert "第四十八条、第四十九条" in str(areas["article"])
    assert "禁猎（渔）区、禁猎（渔）期" in str(areas["text"])
    assert "第四十八条" in str(protected["article"])
    for found in (fishery, areas, protected):
        assert "agency_duty" in elements_of(found) and not found["needs_review"]
    assert elements_of(protected)["protected_wildlife"] is False
    early = bases("illegal_fishing_hunting", on=date(2023, 4, 30))
    assert not any(b["code"] in ("wpl-20", "wpl-21") for b in early)


def test_no_production_facility_in_a_reserves_core_or_buffer_zone() -> None:
    """Rule (issue 19, low): 自然保护区条例 art. 32, 在自然保护区的核心区和缓冲区内，不得建设
    任何生产设施: in those zones only, in the 1994 and 2017 editions. Construction dust cites
    大气污染防治法 art. 69 with its penalty art. 115 in the current edition too."""
    for level in ("core", "buffer"):
        zone = (("nature_reserve", level),)
        now = by_code("illegal_building_protected_area", "nrr-32", zone)
        assert now["article"] == "第三十二条 (art. 32)" and "2017年修订" in str(now["source"])
        old = by_code("illegal_building_protected_area", "nrr-32", zone, date(2000, 1, 1))
        assert "1994" in str(old["source"])
    for zones in ((("nature_reserve", "experimental"),), ()):
        found = bases("illegal_building_protected_area", zones)
        assert not any(b["code"] == "nrr-32" for b in found)
    dust = by_code("construction_dust", "appcl-69")
    assert "2018年修正" in str(dust["source"])
    assert str(dust["article"]).startswith("第六十九条、第一百一十五条")
