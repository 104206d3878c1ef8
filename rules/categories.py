"""The evidence categories, one row of policy each, and the plain words for report
statuses."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

Harm = Literal["air", "dust", "lasting", "other"]


@dataclass(frozen=True)
class ChangeSign:
    """An imagery change that is evidence of a category: its index and the protected zone
    kinds it lies in (None: any)."""

    indices: frozenset[str] | None = None
    touches: frozenset[str] | None = None  # it lies in at least one of these kinds
    only: frozenset[str] | None = None  # it lies in these kinds and no others

    def matches(self, index: str, kinds: frozenset[str]) -> bool:
        """Whether a change of `index` in protected zones of `kinds` is this sign."""
        return (
            (self.indices is None or index in self.indices)
            and (self.touches is None or bool(kinds & self.touches))
            and (self.only is None or kinds == self.only)
        )


# Clustering: the issue names 200 m / 30 days as the general rule. Platform defaults.
GENERAL_DISTANCE_M = 200.0
GENERAL_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class Category:
    """One evidence category and its policy.

    severity: how serious, 0-1 (scoring). harm: "air" (smoke from burning), "dust", "lasting"
    (stays until remedied) or "other". distance_m, window: how close two items must be to
    share a lead (geodesic metres, both bounds inclusive). group: categories with the same
    group may share a lead. active_h: hours before the first and after the last evidence a
    source is active, for air attribution (None: not attributed from station readings).
    hotspots: satellite fire hotspots are its evidence. changes: the imagery changes that are.
    """

    zh: str
    en: str
    severity: float
    harm: Harm = "other"
    distance_m: float = GENERAL_DISTANCE_M
    window: timedelta = GENERAL_WINDOW
    group: str | None = None
    active_h: tuple[float, float] | None = None
    hotspots: bool = False
    changes: tuple[ChangeSign, ...] = ()


DAY = timedelta(days=1)
WETLAND_AND_RIVER = frozenset({"wetland", "river_lake_range"})

# severity orders criminal offences first (illegal mining, Criminal Law art. 343; serious
# pollution by discharge, art. 338), then lasting damage to water, rivers and wetlands, then
# short-lived air nuisances (toxic smoke from burnt rubbish above dust).
# harm "lasting": a pit, a building, a heap, a cleared slope stays until someone remedies it,
# so its age says nothing about whether it still exists. "air" and "dust" are emissions to
# air: a water-source zone, wetland or river range does not protect the air; red lines and
# reserves ban burning (Nature Reserves Regulations art. 26, 烧荒) but not dust.
# Clustering: fields burn wide and briefly (1 km / 3 days, named in the issue); dust sites
# persist for weeks, extraction sites for months, a discharge and its black-odorous reach
# spread along a bank; one problem seen under two names shares a group. Air attribution: a
# field fire burns for hours, a building site or mine for days.
# Imagery: a burn index (NBR) change is burning; a water index change in a wetland or river
# range, or any change in wetland only, is wetland damage; any other change in a protected
# zone is land disturbance (the first row, in this order, whose sign matches).
# All numbers are platform defaults (editable), not legal thresholds.
CATEGORIES: dict[str, Category] = {
    "water_pollution_discharge": Category(
        "排污入河", "water pollution discharge", 0.9, distance_m=500.0, group="water"
    ),
    "black_odorous_water": Category(
        "黑臭水体", "black-odorous water", 0.75, distance_m=500.0, group="water"
    ),
    "waste_dumping": Category("倾倒垃圾废物", "waste dumping", 0.8, "lasting"),
    "sand_gravel_extraction": Category(
        "非法采砂",
        "sand/gravel extraction",
        0.75,
        "lasting",
        500.0,
        60 * DAY,
        group="extraction",
    ),
    "illegal_building_protected_area": Category(
        "保护区内违法建设",
        "illegal building in protected area",
        0.7,
        "lasting",
        group="protected_land",
    ),
    "straw_burning": Category(
        "秸秆焚烧",
        "straw burning",
        0.5,
        "air",
        1000.0,
        3 * DAY,
        active_h=(6.0, 24.0),
        hotspots=True,
        changes=(ChangeSign(indices=frozenset({"nbr"})),),
    ),
    "construction_dust": Category(
        "建筑扬尘", "construction dust", 0.55, "dust", 300.0, 14 * DAY, active_h=(72.0, 24.0)
    ),
    "illegal_mining": Category(
        "非法采矿",
        "illegal mining",
        0.9,
        "lasting",
        500.0,
        60 * DAY,
        group="extraction",
        active_h=(72.0, 24.0),
    ),
    "wetland_damage": Category(
        "破坏湿地",
        "wetland damage",
        0.75,
        "lasting",
        group="protected_land",
        changes=(
            ChangeSign(indices=frozenset({"ndwi", "mndwi"}), touches=WETLAND_AND_RIVER),
            ChangeSign(only=frozenset({"wetland"})),
        ),
    ),
    "groundwater_extraction": Category("地下水超采", "groundwater extraction", 0.6),
    "illegal_fishing_hunting": Category("非法捕捞狩猎", "illegal fishing/hunting", 0.65),
    "land_disturbance": Category(
        "地表扰动（植被破坏、新增裸土）",
        "land disturbance (vegetation loss, bare soil)",
        0.7,
        "lasting",
        changes=(ChangeSign(),),
    ),
    "livestock_farm_pollution": Category("畜禽养殖污染", "livestock-farm pollution", 0.65),
    "forest_grassland_destruction": Category(
        "毁林毁草", "forest/grassland destruction", 0.75, "lasting"
    ),
    "farmland_occupation": Category(
        "非法占用耕地/农用地", "farmland occupied or converted", 0.7, "lasting"
    ),
    "hazardous_waste": Category(
        "危险废物非法处置", "illegal hazardous-waste disposal", 0.9, "lasting"
    ),
    "tailings_unrestored_mine": Category(
        "尾矿库/矿山未修复", "tailings pond / unrestored mine", 0.75, "lasting"
    ),
    "rubbish_burning": Category("露天焚烧垃圾", "open burning of rubbish", 0.6, "air"),
    "stockpile_transport_dust": Category(
        "堆场与运输扬尘", "dust from stockpiles and transport", 0.55, "dust"
    ),
    "river_lake_occupation": Category(
        "河湖“四乱”（乱占乱采乱堆乱建）",
        "river/lake land occupied (illegal occupation, extraction, piling, building)",
        0.7,
        "lasting",
    ),
    "other": Category("其他", "other", 0.3),
}
# What a category not listed counts as.
OTHER = "other"


def category(code: str) -> Category:
    """Return the row of `code`; a category not listed counts as "other"."""
    return CATEGORIES.get(code, CATEGORIES[OTHER])


def compatible_groups() -> list[frozenset[str]]:
    """Return the sets of categories that may share a lead (one problem, two names)."""
    groups: dict[str, set[str]] = {}
    for code, row in CATEGORIES.items():
        if row.group is not None:
            groups.setdefault(row.group, set()).add(code)
    return [frozenset(g) for g in groups.values()]


def with_harm(*harms: Harm) -> frozenset[str]:
    """Return the categories whose harm is one of `harms`."""
    return frozenset(c for c, row in CATEGORIES.items() if row.harm in harms)


def air_sources() -> frozenset[str]:
    """Return the categories attributed from air-quality station readings."""
    return frozenset(c for c, row in CATEGORIES.items() if row.active_h is not None)


def hotspot_category() -> str:
    """Return the category that satellite fire hotspots are evidence of."""
    return next(c for c, row in CATEGORIES.items() if row.hotspots)


def change_category(index: str, kinds: frozenset[str]) -> str | None:
    """Return the category of an imagery change of `index` in protected zones of `kinds`:
    the first row with a matching sign; None outside protected zones."""
    if not kinds:
        return None
    return next(
        (c for c, row in CATEGORIES.items() if any(s.matches(index, kinds) for s in row.changes)),
        None,
    )


# What became of a report, in words a volunteer understands: (Chinese, English).
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "received": ("已收到，等待检察官审查。", "Received; waiting for a prosecutor to review it."),
    "under_review": ("检察官正在审查。", "A prosecutor is reviewing it."),
    "lead_created": ("已成为案件线索，正在调查。", "It became a lead and is being investigated."),
    "rejected": ("经审查未予立案。", "Reviewed; no case will be opened."),
    "closed": ("已办结。", "Closed."),
    "transferred": ("已移送有关机关处理。", "Handed over to the authority concerned."),
}

# What a volunteer is told for each state of the lead their report belongs to.
REPORT_STATUS_OF_LEAD: dict[str, str] = {
    "new": "received",
    "triaged": "under_review",
    "investigating": "under_review",
    "case_filed": "lead_created",
    "consultation": "lead_created",
    "suggestion_issued": "lead_created",
    "follow_up": "lead_created",
    "public_notice": "lead_created",
    "support_suit": "lead_created",
    "litigation": "lead_created",
    "closed_remedied": "closed",
    "closed_not_remedied": "closed",
    "terminated": "closed",
    "rejected": "rejected",
    "transferred": "transferred",
}
