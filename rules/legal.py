"""Which legal bases apply to a lead, and which of their evidence elements it still lacks.

The seed (rules/legal_seed.py) fills the `legal_bases` table, which users edit; this module
only decides, for given rows, which apply to a lead at its conduct date and which of their
elements its evidence does not yet prove.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from datetime import date, timedelta
from functools import lru_cache

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
    # Thresholds of 严重污染环境 (法释〔2016〕29号 and 〔2023〕7号 art. 1), found by testing,
    # weighing or appraisal: never proven by photos alone.
    "hazardous_substance": (
        "物质属于放射性废物、含传染病病原体的废物或有毒物质（检测/鉴定）",
        "the substance is radioactive waste, waste carrying pathogens or a toxic substance "
        "(testing or appraisal)",
    ),
    "hazardous_waste_3t": (
        "非法排放、倾倒、处置的危险废物达三吨以上（称重/鉴定）",
        "three tonnes or more of hazardous waste (weighing or appraisal)",
    ),
    "exceeds_standard": (
        "污染物超过排放标准三倍（铅、汞、镉、铬、砷、铊、锑）或十倍（镍、铜、锌、银、钒、锰、钴）"
        "以上（监测报告）",
        "pollutants over the discharge standard three times (heavy metals) or ten times "
        "(monitoring report)",
    ),
    "serious_pollution": (
        "达到“严重污染环境”的认定标准（司法解释第一条所列情形之一）",
        "one of the interpretation's thresholds of serious pollution (art. 1) is met",
    ),
    "populated_area": (
        "位于人口集中地区或其他依法需要特殊保护的区域内",
        "the place is a densely populated area or another area the law specially protects",
    ),
    # Facts the crimes of 刑法 arts. 339 and 341 (and the wildlife law's bans) turn on, shown
    # by records or a species appraisal: never proven by photos alone.
    "imported_waste": (
        "固体废物来自境外（海关记录、溯源鉴定）",
        "the solid waste came from abroad (customs records or tracing)",
    ),
    "protected_wildlife": (
        "涉案动物属于国家重点保护的珍贵、濒危野生动物（物种鉴定）",
        "the animal is of a nationally protected precious or endangered species (appraisal)",
    ),
    "wild_land_animal": (
        "涉案动物为在野外环境自然生长繁殖的陆生野生动物（物种鉴定）",
        "the animal is a land animal grown and bred in the wild (appraisal)",
    ),
    "for_food": ("以食用为目的", "the purpose was eating it"),
    "criminal_prosecution": (
        "已就同一行为提起刑事公诉（起诉书）",
        "the same conduct is prosecuted as a crime (the indictment)",
    ),
}

# Element sets of the seed rows: the place (zone rows), the act, and who must act on it.
AT_SITE = ("location_in_zone", "activity_evidence", "time_of_activity", "responsible_party")
ACT = ("activity_evidence", "time_of_activity", "responsible_party")
ACT_AGENCY = (*ACT, "agency_duty")

WATER_SOURCE_LEVELS = ("I", "II", "quasi")  # strictest first
# The 饮用水水源保护区 proper: the 准保护区 lies outside it (水污染防治法 art. 63), so a ban
# "in the protection zone" is gated to these levels.
SOURCE_ZONE_LEVELS = ("I", "II")
NEEDS_REVIEW = "条文编号待核实 (article numbering needs review)"


@dataclass(frozen=True)
class BasisRow:
    """A statute row in force from `effective_from` to `effective_to` (inclusive; None: still
    in force): applies to a category (None: any) and a zone kind/level (None: any).

    With `absent_note` the row requires its zone: a lead of its category outside the zone
    gets that note (and no article) instead."""

    code: str
    category: str | None
    zone_kind: str | None
    zone_level: str | None
    law: str
    article: str
    text: str
    elements: tuple[str, ...]
    effective_from: date
    effective_to: date | None = None
    source: str = ""
    needs_review: bool = False
    absent_note: str | None = None

    def in_force(self, day: date) -> bool:
        """Whether this version was in force on `day`."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def in_zone(self, zones: tuple[tuple[str, str | None], ...]) -> bool:
        """Whether the zones include the one this row needs (any place if it needs none)."""
        return self.zone_kind is None or any(
            k == self.zone_kind and (self.zone_level is None or lv == self.zone_level)
            for k, lv in zones
        )


@lru_cache(maxsize=8192)
def row_digest(row: BasisRow) -> str:
    """SHA-256 of everything a row says: a stored row whose digest is still the one it was
    seeded with has not been edited, and may follow later corrections of the seed.
    (Memoised: every assessment checks the table against the seed.)"""
    text = json.dumps(astuple(row), ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Edition:
    """An instrument in the edition a seed row quotes, and the period that edition is in force."""

    law: str
    source: str
    since: date
    until: date | None = None


def editions(law: str, *wordings: tuple[str, date]) -> list[Edition]:
    """The editions of `law` from their wordings (source, in force from), oldest first: each
    is in force until the day before the next one takes effect, the newest still is."""
    ends = [since - timedelta(days=1) for _, since in wordings[1:]]
    return [
        Edition(law, source, since, until)
        for (source, since), until in zip(wordings, [*ends, None], strict=True)
    ]


Zone = tuple[str | None, str | None]
ANYWHERE: Zone = (None, None)


def basis_rows(
    code: str,
    cats: Sequence[str | None],
    ed: Edition,
    article: str,
    text: str,
    elements: tuple[str, ...],
    zone: Zone = ANYWHERE,
    *,
    review: bool = False,
    note: str | None = None,
) -> list[BasisRow]:
    """One seed row per category of a basis (same code, edition and period)."""
    return [
        BasisRow(
            code, c, zone[0], zone[1], ed.law, article, text, elements,
            ed.since, ed.until, ed.source, review, note,
        )
        for c in cats
    ]  # fmt: skip


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
    """Tell whether an element is proven: by the prosecutor's newest finding on it, else by
    the lead's evidence where the service can tell (others need investigation)."""
    found = dict(facts.procedure.findings).get(element) if facts.procedure else None
    if found is not None:
        return found
    if element == "location_in_zone":
        return row.in_zone(facts.zones)
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


# Instruments whose rows are criminal: 刑法 art. 12 (从旧兼从轻) judges conduct by the law of
# its time, so they follow the conduct's first day even for harm that lasts.
CRIMINAL_LAWS = ("中华人民共和国刑法", "最高人民法院 最高人民检察院")
# The procedure rows (category None) and the case paths each serves; after filing only the
# chosen path's rows apply, before it those of the two general paths (a suit incidental to a
# prosecution is cited once that path is chosen).
PROCEDURE_PATHS: dict[str, tuple[str, ...]] = {
    "apl-25-4": ("administrative",),
    "cpl-public-interest": ("civil", "criminal_incidental"),
    "spp-incidental-20": ("criminal_incidental",),
}
UNFILED_PATHS = ("administrative", "civil")
NO_ROW_IN_FORCE = (
    "行为日无在录条文，请核实当时有效文本 (no recorded article was in force on the conduct "
    "date: check the text in force then)"
)


def serves(code: str, path: str | None) -> bool:
    """Whether a procedure row applies to a case on `path` (None: not yet filed)."""
    paths = PROCEDURE_PATHS.get(code, ())
    return bool(set(paths) & set(UNFILED_PATHS)) if path is None else path in paths


@dataclass(frozen=True)
class Timing:
    """The days a lead's bases are matched on (China Standard Time).

    `conduct`: the conduct's first measured sighting. `latest`: its latest, or today while a
    lasting harm persists (a continuing violation is judged by the law in force while it
    continues; criminal rows keep the first day). `procedure`: the day the procedural step is
    taken (程序从新). `path`: the case path chosen at filing, if any."""

    conduct: date
    latest: date | None = None
    procedure: date | None = None
    continuing: bool = False
    path: str | None = None

    def day_for(self, row: BasisRow) -> date:
        """The day a row is matched on."""
        if row.category is None:
            return self.procedure or self.conduct
        if self.continuing and not row.law.startswith(CRIMINAL_LAWS):
            return self.latest or self.conduct
        return self.conduct


def _version(row: BasisRow, timing: Timing) -> dict[str, object]:
    """What a lead records of the row version it was matched to, and the day that picked
    it (for a continuing violation also when it began)."""
    day = timing.day_for(row)
    version: dict[str, object] = {
        "code": row.code,
        "source": row.source,
        "effective_from": row.effective_from.isoformat(),
        "effective_to": row.effective_to.isoformat() if row.effective_to else None,
        "needs_review": row.needs_review,
        "conduct_date": day.isoformat(),
        "zone": None if row.zone_kind is None else f"{row.zone_kind}/{row.zone_level or ''}",
    }
    if row.category is not None and day != timing.conduct:
        version["conduct_start"] = timing.conduct.isoformat()
        version["timing_note"] = (
            f"行为始于{timing.conduct.isoformat()}，持续至{day.isoformat()}，适用"
            f"{row.source or row.law} (the conduct began on {timing.conduct.isoformat()} and "
            f"continues to {day.isoformat()}: the text in force then applies)"
        )
    elif row.category is None and day != timing.conduct:
        version["timing_note"] = (
            f"程序从新：按{day.isoformat()}有效的程序法 (procedure follows the law in force on "
            f"{day.isoformat()}, when the step is taken)"
        )
    return version


def _basis(row: BasisRow, facts: EvidenceFacts, timing: Timing) -> dict[str, object]:
    missing = [e for e in row.elements if not proven(e, row, facts)]
    return {
        "kind": "basis",
        "law": row.law,
        "article": row.article,
        "text": row.text,
        **_version(row, timing),
        "elements": [
            {"code": e, "zh": ELEMENTS[e][0], "en": ELEMENTS[e][1], "proven": e not in missing}
            for e in row.elements
        ],
        "missing": [ELEMENTS[e][0] for e in missing],
    }


def _no_basis(row: BasisRow, note: str, timing: Timing) -> dict[str, object]:
    """A note in place of the article a zone-gated row would have cited."""
    return {
        "kind": "no_basis",
        "law": "",
        "article": "",
        "text": "",
        "note": note,
        **_version(row, timing),
        "elements": [],
        "missing": [],
    }


def _nothing_in_force(category: str, timing: Timing) -> dict[str, object]:
    """The note standing for a category with no row in force on its day."""
    return {
        "kind": "no_basis",
        "law": "",
        "article": "",
        "text": "",
        "note": NO_ROW_IN_FORCE,
        "code": f"none:{category}",
        "source": "",
        "effective_from": None,
        "effective_to": None,
        "needs_review": True,
        "conduct_date": timing.conduct.isoformat(),
        "zone": None,
        "elements": [],
        "missing": [],
    }


def suggest(
    rows: Sequence[BasisRow], category: str, facts: EvidenceFacts, when: date | Timing
) -> list[dict[str, object]]:
    """Return the bases that apply to a lead, each matched on its day (Timing: the conduct's
    for substantive rows, its latest sighting for a continuing violation, the step's for
    procedure), zone-specific first, with missing elements.

    In nested water-source zones only the strictest zone's rows apply (a place in the level-I
    zone also lies in the level-II and quasi zones drawn around it). A zone-gated row whose
    zone the lead is outside yields its note instead. When nothing specific to the category
    applies, the notes stand alone (the procedure rows need a violated rule to serve), or, with
    none, a note that no recorded article was in force: never an empty answer."""
    timing = when if isinstance(when, Timing) else Timing(when)
    strictest = next(
        (lv for lv in WATER_SOURCE_LEVELS if ("water_source_zone", lv) in facts.zones), None
    )
    bases: list[dict[str, object]] = []
    notes: dict[str, dict[str, object]] = {}
    specific = False  # a row of this very category applies (not only the procedure rows)
    for row in rows:
        if row.category not in (None, category) or not row.in_force(timing.day_for(row)):
            continue
        if row.category is None and not serves(row.code, timing.path):
            continue
        if (
            row.zone_kind == "water_source_zone"
            and row.zone_level is not None
            and row.zone_level != strictest
        ):
            continue
        if not row.in_zone(facts.zones):
            if row.absent_note:
                notes.setdefault(row.absent_note, _no_basis(row, row.absent_note, timing))
            continue
        bases.append(_basis(row, facts, timing))
        specific = specific or row.category is not None
    bases.sort(key=lambda b: (b["zone"] is None, str(b["law"]).startswith("中华人民共和国行政")))
    if not specific:
        return list(notes.values()) or [_nothing_in_force(category, timing)]
    return [*notes.values(), *bases]
