"""Legal bases (seed data from DOMAIN.md) and which evidence elements a lead still lacks.

The seed fills the `legal_bases` table, which users edit; this module only decides, for
given rows, which apply to a lead and which of their elements its evidence does not yet
prove.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from rules.procedure import Procedure, agency_failed, harm_after, notice_expired

# Evidence elements a statute needs, and how we tell they are proven.
ELEMENTS: dict[str, tuple[str, str]] = {
    "location_in_zone": ("证明地点位于保护区内", "proof the place lies inside the zone"),
    "activity_evidence": ("违法行为的影像证据", "images of the activity"),
    "time_of_activity": ("行为发生时间", "when the activity happened"),
    "corroboration": ("两个以上独立来源印证", "two or more independent sources"),
    "responsible_party": ("行为人或责任主体", "who is responsible"),
    "harm_assessment": ("损害后果鉴定", "assessment of the harm"),
    "agency_duty": ("负有监管职责的行政机关", "the agency with the duty to act"),
    "agency_unlawful": (
        "行政机关违法行使职权或者不作为",
        "the agency acted unlawfully or failed to act",
    ),
    "harm_persists": (
        "国家利益或者社会公共利益仍处于受侵害状态",
        "the public interest is still harmed",
    ),
    "notice_expired": (
        "公告期满，法律规定的机关和有关组织未提起诉讼",
        "the 30-day notice ended with no organisation entitled to sue having sued",
    ),
    "causation": ("行为与损害之间的因果关系", "causation between the conduct and the harm"),
}


WPPCL = "中华人民共和国水污染防治法 (Water Pollution Prevention and Control Law)"
APPCL = "中华人民共和国大气污染防治法 (Air Pollution Prevention and Control Law)"
CRIMINAL = "中华人民共和国刑法 (Criminal Law)"
WETLAND = "中华人民共和国湿地保护法 (Wetland Protection Law)"
SOLID_WASTE = "中华人民共和国固体废物污染环境防治法 (Solid Waste Law)"
WATER_LAW = "中华人民共和国水法 (Water Law)"
# Arts. 65-67 of the Water Pollution Prevention and Control Law forbid construction projects
# in the zones: they apply to building and earthworks, not to discharge or dumping.
WATER_CATS = (
    "illegal_building_protected_area",
    "land_disturbance",
)
WATER_SOURCE_LEVELS = ("I", "II", "quasi")  # strictest first


@dataclass(frozen=True)
class BasisRow:
    """A statute row: applies to a category (None: any) and a zone kind/level (None: any)."""

    category: str | None
    zone_kind: str | None
    zone_level: str | None
    law: str
    article: str
    text: str
    elements: tuple[str, ...]


def _rows(
    cats: Sequence[str | None],
    kind: str | None,
    level: str | None,
    law: str,
    article: str,
    text: str,
    elements: tuple[str, ...],
) -> list[BasisRow]:
    return [BasisRow(c, kind, level, law, article, text, elements) for c in cats]


# Seed from DOMAIN.md "Legal basis (examples to seed a table the users can edit)".
SEED: list[BasisRow] = [
    *_rows(
        WATER_CATS,
        "water_source_zone",
        "I",
        WPPCL,
        "第六十五条 (art. 65)",
        "一级保护区内禁止新建、改建、扩建与供水设施和保护水源无关的建设项目",
        ("location_in_zone", "activity_evidence", "time_of_activity", "responsible_party"),
    ),
    *_rows(
        WATER_CATS,
        "water_source_zone",
        "II",
        WPPCL,
        "第六十六条 (art. 66)",
        "二级保护区内禁止新建、改建、扩建排放污染物的建设项目",
        ("location_in_zone", "activity_evidence", "time_of_activity", "responsible_party"),
    ),
    *_rows(
        WATER_CATS,
        "water_source_zone",
        "quasi",
        WPPCL,
        "第六十七条 (art. 67)",
        "准保护区内禁止新建、扩建对水体污染严重的建设项目",
        ("location_in_zone", "activity_evidence", "responsible_party", "harm_assessment"),
    ),
    *_rows(
        ("water_pollution_discharge", "black_odorous_water"),
        "water_source_zone",
        None,
        WPPCL,
        "第六十四条、第八十四条 (arts. 64, 84)",
        "在饮用水水源保护区内，禁止设置排污口；违者责令限期拆除并处罚款",
        ("location_in_zone", "activity_evidence", "time_of_activity", "responsible_party"),
    ),
    *_rows(
        ("waste_dumping",),
        None,
        None,
        WPPCL,
        "第三十七条、第三十八条、第八十五条 (arts. 37, 38, 85)",
        "禁止向水体排放、倾倒工业废渣、城镇垃圾和其他废弃物；禁止在江河、湖泊、运河、渠道、"
        "水库最高水位线以下的滩地和岸坡堆放、存贮固体废弃物和其他污染物",
        ("activity_evidence", "time_of_activity", "responsible_party"),
    ),
    *_rows(
        ("waste_dumping",),
        None,
        None,
        SOLID_WASTE,
        "第二十条 (art. 20)",
        "禁止任何单位和个人向江河、湖泊、运河、渠道、水库及其最高水位线以下的滩地和岸坡，"
        "以及法律法规规定的其他地点倾倒、堆放、贮存固体废物",
        ("activity_evidence", "time_of_activity", "responsible_party"),
    ),
    *_rows(
        ("sand_gravel_extraction",),
        None,
        None,
        WATER_LAW,
        "第三十九条 (art. 39)",
        "国家实行河道采砂许可制度；在禁采区和禁采期不得采砂",
        ("activity_evidence", "time_of_activity", "responsible_party", "agency_duty"),
    ),
    *_rows(
        (
            "wetland_damage",
            "waste_dumping",
            "sand_gravel_extraction",
            "illegal_building_protected_area",
            "land_disturbance",
        ),
        "wetland",
        None,
        WETLAND,
        "第二十八条 (art. 28)",
        "禁止开（围）垦、排干自然湿地，禁止倾倒、堆放固体废物，禁止擅自采砂等破坏湿地的行为",
        ("location_in_zone", "activity_evidence", "time_of_activity", "responsible_party"),
    ),
    *_rows(
        ("land_disturbance", "illegal_mining", "sand_gravel_extraction"),
        "nature_reserve",
        None,
        "中华人民共和国自然保护区条例 (Regulations on Nature Reserves)",
        "第二十六条 (art. 26)",
        "禁止在自然保护区内进行砍伐、放牧、狩猎、捕捞、采药、开垦、烧荒、开矿、采石、挖沙等活动",
        ("location_in_zone", "activity_evidence", "time_of_activity", "responsible_party"),
    ),
    *_rows(
        ("straw_burning",),
        "no_burn_area",
        None,
        APPCL,
        "第七十七条、第一百一十九条 (arts. 77, 119)",
        "禁止在人口集中地区和其他依法需要特殊保护的区域内焚烧秸秆",
        ("location_in_zone", "activity_evidence", "time_of_activity", "agency_duty"),
    ),
    *_rows(
        ("construction_dust",),
        None,
        None,
        APPCL,
        "第六十九条 (art. 69)",
        "建设单位和施工单位应当采取有效防尘降尘措施",
        ("activity_evidence", "time_of_activity", "responsible_party", "agency_duty"),
    ),
    *_rows(
        ("water_pollution_discharge", "waste_dumping", "black_odorous_water"),
        None,
        None,
        CRIMINAL,
        "第三百三十八条 (art. 338)",
        "污染环境罪：严重污染环境的",
        ("activity_evidence", "responsible_party", "harm_assessment", "corroboration"),
    ),
    *_rows(
        ("illegal_fishing_hunting",),
        None,
        None,
        CRIMINAL,
        "第三百四十条、第三百四十一条 (arts. 340, 341)",
        "非法捕捞水产品罪、危害珍贵濒危野生动物罪",
        ("activity_evidence", "time_of_activity", "responsible_party"),
    ),
    *_rows(
        ("illegal_building_protected_area",),
        None,
        None,
        CRIMINAL,
        "第三百四十二条 (art. 342)",
        "非法占用农用地罪",
        ("activity_evidence", "responsible_party", "harm_assessment"),
    ),
    *_rows(
        ("illegal_mining", "sand_gravel_extraction"),
        None,
        None,
        CRIMINAL,
        "第三百四十三条 (art. 343)",
        "非法采矿罪",
        ("activity_evidence", "time_of_activity", "responsible_party", "harm_assessment"),
    ),
    BasisRow(
        None,
        None,
        None,
        "中华人民共和国行政诉讼法 (Administrative Procedure Law)",
        "第二十五条第四款 (art. 25(4))",
        "检察机关对负有监督管理职责的行政机关违法行使职权或者不作为提起行政公益诉讼",
        ("agency_duty", "activity_evidence", "agency_unlawful", "harm_persists"),
    ),
    BasisRow(
        None,
        None,
        None,
        "中华人民共和国民事诉讼法 (Civil Procedure Law)",
        "第五十八条 (art. 58)",
        "对污染环境、破坏生态等损害社会公共利益的行为提起民事公益诉讼",
        (
            "responsible_party",
            "activity_evidence",
            "harm_assessment",
            "causation",
            "notice_expired",
        ),
    ),
]


@dataclass(frozen=True)
class EvidenceFacts:
    """What a lead's evidence proves so far."""

    zones: tuple[tuple[str, str | None], ...]
    photos: int
    dated: bool
    independent_sources: int
    imagery: int = 0  # change polygons and drone photos showing the activity
    procedure: Procedure | None = None


def proven(element: str, row: BasisRow, facts: EvidenceFacts) -> bool:
    """Tell whether the lead's evidence proves an element (others need investigation)."""
    if element == "location_in_zone":
        return row.zone_kind is None or any(
            k == row.zone_kind and (row.zone_level is None or lv == row.zone_level)
            for k, lv in facts.zones
        )
    if element == "activity_evidence":
        return facts.photos > 0 or facts.imagery > 0
    if element == "time_of_activity":
        return facts.dated
    if element == "corroboration":
        return facts.independent_sources >= 2
    p = facts.procedure
    if p is None:
        return False
    if element == "agency_unlawful":
        return any(agency_failed(s, p.now) for s in p.suggestions)
    if element == "harm_persists":
        return any(harm_after(s, p) for s in p.suggestions)
    if element == "notice_expired":
        return notice_expired(p)
    return False  # responsible party, harm, agency duty, causation: found by investigation


def suggest(
    rows: Sequence[BasisRow], category: str, facts: EvidenceFacts
) -> list[dict[str, object]]:
    """Return the bases that apply to a lead, zone-specific first, with missing elements.

    In nested water-source zones only the strictest zone's rows apply (a place in the level-I
    zone also lies in the level-II and quasi zones drawn around it)."""
    strictest = next(
        (lv for lv in WATER_SOURCE_LEVELS if ("water_source_zone", lv) in facts.zones), None
    )
    out: list[dict[str, object]] = []
    for row in rows:
        if row.category not in (None, category):
            continue
        if (
            row.zone_kind == "water_source_zone"
            and row.zone_level is not None
            and row.zone_level != strictest
        ):
            continue
        if row.zone_kind is not None and not any(
            k == row.zone_kind and (row.zone_level is None or lv == row.zone_level)
            for k, lv in facts.zones
        ):
            continue
        missing = [e for e in row.elements if not proven(e, row, facts)]
        out.append(
            {
                "law": row.law,
                "article": row.article,
                "text": row.text,
                "zone": None
                if row.zone_kind is None
                else f"{row.zone_kind}/{row.zone_level or ''}",
                "elements": [
                    {
                        "code": e,
                        "zh": ELEMENTS[e][0],
                        "en": ELEMENTS[e][1],
                        "proven": e not in missing,
                    }
                    for e in row.elements
                ],
                "missing": [ELEMENTS[e][0] for e in missing],
            }
        )
    out.sort(key=lambda b: (b["zone"] is None, str(b["law"]).startswith("中华人民共和国行政")))
    return out
