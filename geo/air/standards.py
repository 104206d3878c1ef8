"""Air-quality numbers as data: GB 3095-2012 and GB 3095-1996 limits, GB 3095-2012 validity
rules, HJ 633-2012 IAQI tables.

Concentrations are µg/m³ except CO in mg/m³. Averaging keys: "1h", "8h" (for O3 the daily
maximum 8-hour mean of GB 3095-2012), "24h" and "year".

How far each table was checked (search of stored public copies, not the official PDFs):
- GB 3095-2012 表1 limits: matched against a page reproducing the table.
- HJ 633-2012 表1 breakpoints: matched against several independent third-party
  implementations (e.g. caiyunapp/aqi-hub, hrbonz/python-aqi) and a published tabulation.
- GB 3095-2012 表4 validity counts: taken from the brief and DOMAIN.md; the year/month/
  February counts could not be confirmed from a stored copy of the standard.
- GB 3095-1996 表1 as amended by 环发〔2000〕1号 (NO2 grade II/III and O3 1-hour limits
  raised, NOx dropped): the PM10 values are the brief's (issue 19) and match a third-party
  tabulation of the amended table, as do the SO2, NO2, CO and O3 values; no primary copy.
  The standard's own validity rules (its §7, 数据统计的有效性规定) could not be read from a
  stored copy, so they are not tabulated (see editions.NOTE_BEFORE_2016).
- HJ 633-2012 rounding: IAQI and AQI results are rounded UP to an integer (进位取整数, as
  the brief cites HJ 633-2012); the clause could not be read from a stored primary copy, but
  it is what the national releases show (integer AQI) and what e.g. caiyunapp/aqi-hub does.
"""

from dataclasses import dataclass
from typing import Final

GB3095: Final = "GB 3095-2012"
GB3095_1996: Final = "GB 3095-1996"  # as amended 2000 (环发〔2000〕1号)
HJ633: Final = "HJ 633-2012"
HJ663: Final = "HJ 663-2013"  # 环境空气质量评价技术规范（试行）

POLLUTANTS: Final = ("pm10", "pm25", "so2", "no2", "co", "o3")
UNITS: Final[dict[str, str]] = {
    "pm10": "µg/m³",
    "pm25": "µg/m³",
    "so2": "µg/m³",
    "no2": "µg/m³",
    "co": "mg/m³",
    "o3": "µg/m³",
}
GRADES: Final = ("I", "II")  # 一级 (class-1 zones) and 二级 (class-2 zones)
# GB 3095-2012 §4.1 环境空气功能区: class 1 (nature reserves, scenic areas, other areas
# needing special protection) is judged by grade I, class 2 (the rest) by grade II.
AREA_CLASSES: Final = (1, 2)
DEFAULT_AREA_CLASS: Final = 2
GRADE_OF_CLASS: Final[dict[int, str]] = {1: "I", 2: "II"}

# Source: GB 3095-2012 表1 环境空气污染物基本项目浓度限值 (grade I, grade II).
# O3 "8h" is the daily maximum 8-hour mean (日最大8小时平均). CO and O3 have no annual limit.
LIMITS: Final[dict[tuple[str, str], dict[str, float]]] = {
    ("so2", "year"): {"I": 20.0, "II": 60.0},
    ("so2", "24h"): {"I": 50.0, "II": 150.0},
    ("so2", "1h"): {"I": 150.0, "II": 500.0},
    ("no2", "year"): {"I": 40.0, "II": 40.0},
    ("no2", "24h"): {"I": 80.0, "II": 80.0},
    ("no2", "1h"): {"I": 200.0, "II": 200.0},
    ("co", "24h"): {"I": 4.0, "II": 4.0},
    ("co", "1h"): {"I": 10.0, "II": 10.0},
    ("o3", "8h"): {"I": 100.0, "II": 160.0},
    ("o3", "1h"): {"I": 160.0, "II": 200.0},
    ("pm10", "year"): {"I": 40.0, "II": 70.0},
    ("pm10", "24h"): {"I": 50.0, "II": 150.0},
    ("pm25", "year"): {"I": 15.0, "II": 35.0},
    ("pm25", "24h"): {"I": 35.0, "II": 75.0},
}

# Source: GB 3095-1996 表1 各项污染物的浓度限值 as amended by 环发〔2000〕1号, converted from
# mg/m³ to µg/m³ (CO stays mg/m³). 日平均 is keyed "24h". Grade III was for class-3 areas
# (special industrial zones), merged into class 2 by GB 3095-2012; it is kept as data only.
# No PM2.5 and no O3 8-hour limit existed: those days have no limit for them.
LIMITS_1996: Final[dict[tuple[str, str], dict[str, float]]] = {
    ("so2", "year"): {"I": 20.0, "II": 60.0, "III": 100.0},
    ("so2", "24h"): {"I": 50.0, "II": 150.0, "III": 250.0},
    ("so2", "1h"): {"I": 150.0, "II": 500.0, "III": 700.0},
    ("no2", "year"): {"I": 40.0, "II": 80.0, "III": 80.0},
    ("no2", "24h"): {"I": 80.0, "II": 120.0, "III": 120.0},
    ("no2", "1h"): {"I": 120.0, "II": 240.0, "III": 240.0},
    ("co", "24h"): {"I": 4.0, "II": 4.0, "III": 6.0},
    ("co", "1h"): {"I": 10.0, "II": 10.0, "III": 20.0},
    ("o3", "1h"): {"I": 160.0, "II": 200.0, "III": 200.0},
    ("pm10", "year"): {"I": 40.0, "II": 100.0, "III": 150.0},
    ("pm10", "24h"): {"I": 50.0, "II": 150.0, "III": 250.0},
}

# Source: GB 3095-2012 表4 污染物浓度数据有效性的最低要求.
MIN_HOURS_PER_DAY: Final = 20  # 24-hour mean: at least 20 hourly values in the day
MIN_HOURS_PER_8H: Final = 6  # O3 8-hour mean: at least 6 hourly values in the 8 hours
MIN_DAYS_PER_YEAR: Final = 324  # annual mean: at least 324 daily values in the year ...
MIN_DAYS_PER_MONTH: Final = 27  # ... and at least 27 daily values in every month,
MIN_DAYS_FEBRUARY: Final = 25  # ... February at least 25.
FEBRUARY: Final = 2  # calendar month number the February rule applies to
TABLE4: Final = f"{GB3095} 表4"

# Source: HJ 633-2012 表1 空气质量分指数及对应的污染物项目浓度限值.
# IAQI_LEVELS[i] corresponds to BREAKPOINTS[key][i]; tables shorter than IAQI_LEVELS stop
# at their last breakpoint.
IAQI_LEVELS: Final = (0.0, 50.0, 100.0, 150.0, 200.0, 300.0, 400.0, 500.0)
BREAKPOINTS: Final[dict[tuple[str, str], tuple[float, ...]]] = {
    ("so2", "24h"): (0, 50, 150, 475, 800, 1600, 2100, 2620),
    ("so2", "1h"): (0, 150, 500, 650, 800),
    ("no2", "24h"): (0, 40, 80, 180, 280, 565, 750, 940),
    ("no2", "1h"): (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    ("co", "24h"): (0, 2, 4, 14, 24, 36, 48, 60),
    ("co", "1h"): (0, 5, 10, 35, 60, 90, 120, 150),
    ("o3", "1h"): (0, 160, 200, 300, 400, 800, 1000, 1200),
    ("o3", "8h"): (0, 100, 160, 215, 265, 800),
    ("pm10", "24h"): (0, 50, 150, 250, 350, 420, 500, 600),
    ("pm25", "24h"): (0, 35, 75, 115, 150, 250, 350, 500),
}
# Source: HJ 633-2012 表1 notes: above 800 µg/m³ no IAQI is computed from SO2 1-hour or
# O3 8-hour values; the IAQI of the averaging named here is reported instead.
REPORT_INSTEAD_ABOVE_TOP: Final[dict[tuple[str, str], str]] = {
    ("so2", "1h"): "24h",
    ("o3", "8h"): "1h",
}

# HJ 633-2012: IAQI and AQI are rounded up to an integer (进位取整数). Values are first
# rounded to this many decimals so float noise at a breakpoint does not round up.
INDEX_DECIMALS_BEFORE_CEIL: Final = 6

# Source: HJ 633-2012, 首要污染物的确定: primary pollutant(s) are named only when AQI > 50.
PRIMARY_POLLUTANT_ABOVE: Final = 50.0


@dataclass(frozen=True)
class AqiCategory:
    """An HJ 633-2012 表2 AQI category: AQI up to `upper` (inclusive)."""

    level: int
    upper: float
    zh: str
    en: str


# Source: HJ 633-2012 表2 空气质量指数及相关信息 (0-50, 51-100, ..., >300), upper bounds
# inclusive; AQI is an integer (rounded up), so 50.2 -> 51 falls in the second category.
AQI_CATEGORIES: Final = (
    AqiCategory(1, 50.0, "优", "excellent"),
    AqiCategory(2, 100.0, "良", "good"),
    AqiCategory(3, 150.0, "轻度污染", "light"),
    AqiCategory(4, 200.0, "中度污染", "moderate"),
    AqiCategory(5, 300.0, "重度污染", "heavy"),
    AqiCategory(6, float("inf"), "严重污染", "severe"),
)
