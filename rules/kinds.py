"""Reference-layer kinds and their controlled level vocabularies.

Aliases map the spellings found in official and hand-made files (Chinese and English)
onto one canonical level per kind. Free kinds (any other slug) keep levels as given.
"""

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class KindSpec:
    """What a layer kind means to geocoding."""

    title_zh: str
    title_en: str
    protected: bool
    levels: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)


WATER_SOURCE_LEVELS = ("I", "II", "quasi")
ADMIN_LEVELS = ("province", "city", "county", "township")
NATURE_RESERVE_LEVELS = ("core", "buffer", "experimental", "general")

KINDS: dict[str, KindSpec] = {
    "water_source_zone": KindSpec(
        "饮用水水源保护区",
        "drinking-water source protection zone",
        True,
        WATER_SOURCE_LEVELS,
        {
            "一级": "I",
            "一级保护区": "I",
            "i": "I",
            "1": "I",
            "level i": "I",
            "first": "I",
            "二级": "II",
            "二级保护区": "II",
            "ii": "II",
            "2": "II",
            "level ii": "II",
            "second": "II",
            "准保护区": "quasi",
            "准": "quasi",
            "准级": "quasi",
            "quasi": "quasi",
            "q": "quasi",
            "3": "quasi",
            "quasi-protection": "quasi",
        },
    ),
    "wetland": KindSpec("湿地", "wetland", True),
    "ecological_redline": KindSpec("生态保护红线", "ecological red line", True),
    "river_lake_range": KindSpec("河湖管理范围", "river/lake management range", True),
    # Functional zones (Regulations on Nature Reserves art. 18); the natural protected area
    # system's 核心保护区 is the core, its 一般控制区 the rest (buffer and experimental).
    "nature_reserve": KindSpec(
        "自然保护区",
        "nature reserve",
        True,
        NATURE_RESERVE_LEVELS,
        {
            "核心区": "core",
            "核心保护区": "core",
            "缓冲区": "buffer",
            "实验区": "experimental",
            "一般控制区": "general",
        },
    ),
    "no_burn_area": KindSpec("禁烧区", "no-burn area", True),
    "water_body": KindSpec("水体", "water body", False),
    "basin": KindSpec("流域", "basin", False),
    # Land cover where field burning happens; with a water-source zone near, a fire on it
    # is straw-burning evidence (see app/services/air/hotspots.py).
    "cropland": KindSpec("耕地", "cropland", False),
    "admin_division": KindSpec(
        "行政区划",
        "administrative division",
        False,
        ADMIN_LEVELS,
        {
            "省": "province",
            "省级": "province",
            "province": "province",
            "自治区": "province",
            "直辖市": "province",
            "市": "city",
            "地级市": "city",
            "地级": "city",
            "盟": "city",
            "city": "city",
            "prefecture": "city",
            "区县": "county",
            "县": "county",
            "区": "county",
            "旗": "county",
            "县级": "county",
            "county": "county",
            "district": "county",
            "乡镇": "township",
            "乡": "township",
            "镇": "township",
            "街道": "township",
            "township": "township",
            "town": "township",
            "street": "township",
        },
    ),
}

# The map: the zone kinds it always offers as overlays (first in the switcher; drawn with the
# first on top), those shown at start, and the kinds drawn as the base map instead.
MAP_ZONE_KINDS = ("water_source_zone", "wetland", "ecological_redline", "no_burn_area")
MAP_ZONES_ON = ("water_source_zone",)
MAP_BASE_KINDS = ("admin_division", "water_body")

# A nature reserve's grade (自然保护区条例 art. 11; national parks head the 自然保护地 system):
# 刑法 art. 342-1 covers national parks and national-level reserves only.
RESERVE_GRADES = ("national_park", "national", "provincial", "city", "county")
NATIONAL_GRADES = ("national_park", "national")
# The zone those grades make, as the legal rules read it (app/services/leads/assess.py).
NATIONAL_PROTECTED_AREA = "national_protected_area"
GRADE_ALIASES = {
    "国家公园": "national_park",
    "national park": "national_park",
    "国家级": "national",
    "国家级自然保护区": "national",
    "national": "national",
    "省级": "provincial",
    "省级自然保护区": "provincial",
    "provincial": "provincial",
    "市级": "city",
    "地市级": "city",
    "市级自然保护区": "city",
    "city": "city",
    "县级": "county",
    "县级自然保护区": "county",
    "county": "county",
}

# Kinds whose nearest feature (and distance) geocoding reports.
NEAREST_KINDS = ("water_body", "water_source_zone")

_FREE_KIND = re.compile(r"^[a-z][a-z0-9_]{1,49}$")


class KindError(ValueError):
    """A layer kind or level that cannot be accepted."""


def check_kind(kind: str) -> str:
    """Return the kind if it is known or a valid free-kind slug, else raise KindError."""
    if kind in KINDS or _FREE_KIND.match(kind):
        return kind
    raise KindError(
        f"invalid layer kind {kind!r}: use one of {', '.join(KINDS)} "
        "or a free kind of lowercase letters, digits and underscores"
    )


def normalise_grade(kind: str, value: object) -> str | None:
    """Map a raw reserve grade onto RESERVE_GRADES (nature reserves only); raise KindError if
    it is unknown or given for another kind."""
    if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
        return None
    if kind != "nature_reserve":
        raise KindError(f"a grade is recorded for nature reserves only, not for {kind}")
    raw = str(value).strip()
    grade = raw if raw in RESERVE_GRADES else GRADE_ALIASES.get(raw.lower())
    if grade is None:
        raise KindError(
            f"unrecognised reserve grade {raw!r}: expected one of {', '.join(RESERVE_GRADES)} "
            "(or 国家公园, 国家级, 省级, 市级, 县级)"
        )
    return grade


def normalise_level(kind: str, value: object) -> str | None:
    """Map a raw level value onto the kind's canonical level; raise KindError if unknown."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    raw = str(value).strip()
    if not raw:
        return None
    spec = KINDS.get(kind)
    if spec is None or not spec.levels:
        return raw
    if raw in spec.levels:
        return raw
    canonical = spec.aliases.get(raw.lower()) or spec.aliases.get(raw)
    if canonical is None:
        raise KindError(
            f"unrecognised level {raw!r} for {kind}: expected one of "
            f"{', '.join(spec.levels)} (or {', '.join(sorted(spec.aliases)[:12])}, …)"
        )
    return canonical
