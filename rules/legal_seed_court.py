"""Seed rows for crimes (刑法 and the judicial interpretation on pollution crimes) and the
procuratorate's standing to sue (the procedure rows, any category)."""

from datetime import date, timedelta

from rules.kinds import NATIONAL_PROTECTED_AREA
from rules.legal import ACT, BasisRow, Edition, editions
from rules.legal import basis_rows as rows

CRIMINAL = "中华人民共和国刑法 (Criminal Law)"
CRIME = ("activity_evidence", "responsible_party", "harm_assessment", "corroboration")


def criminal(source: str, since: date, until: date | None = None) -> Edition:
    """An article of the Criminal Law in the wording (and charge name) in force from `since`
    to `until`."""
    return Edition(CRIMINAL, source, since, until)


CL_1997 = criminal("刑法（1997年修订，1997-10-01施行）", date(1997, 10, 1))
# 刑法修正案（十一） (from 2021-03-01) rewrote art. 338 and added art. 341(3); the 罪名补充规定
# （七） of the same day merged the two charges of art. 341(1) into one.
AMENDMENT_11 = date(2021, 3, 1)
CL_338_2011 = criminal("刑法第三百三十八条（刑法修正案（八），2011-05-01施行）", date(2011, 5, 1),
                       AMENDMENT_11 - timedelta(days=1))  # fmt: skip
CL_338_2021 = criminal("刑法第三百三十八条（刑法修正案（十一），2021-03-01施行）", AMENDMENT_11)
CL_341_1997 = criminal("刑法（1997年修订，1997-10-01施行；罪名：最高人民法院确定罪名的规定）",
                       date(1997, 10, 1), AMENDMENT_11 - timedelta(days=1))  # fmt: skip
CL_341_2021 = criminal(
    "刑法第三百四十一条（刑法修正案（十一），2021-03-01施行；罪名补充规定（七））", AMENDMENT_11
)
CL_342 = criminal("刑法第三百四十二条（刑法修正案（二），2001-08-31施行）", date(2001, 8, 31))
CL_342_1 = criminal(
    "刑法第三百四十二条之一（刑法修正案（十一），2021-03-01施行）", date(2021, 3, 1)
)
CL_343 = criminal("刑法第三百四十三条（刑法修正案（八），2011-05-01施行）", date(2011, 5, 1))
CL_345 = criminal("刑法第三百四十五条（刑法修正案（四），2002-12-28施行）", date(2002, 12, 28))
# 最高人民法院 最高人民检察院《关于办理环境污染刑事案件适用法律若干问题的解释》: the 2023
# interpretation replaced the 2016 one; both count the same act in the same zones as 严重污染环境.
INTERPRETATION = (
    "最高人民法院 最高人民检察院关于办理环境污染刑事案件适用法律若干问题的解释 "
    "(SPC/SPP interpretation on environmental pollution crimes)"
)
SPC_2016, SPC_2023 = editions(
    INTERPRETATION,
    ("法释〔2016〕29号（2017-01-01施行）", date(2017, 1, 1)),
    ("法释〔2023〕7号（2023-08-15施行）", date(2023, 8, 15)),
)
# Art. 1(1): the 2016 text names the level-I zone and reserves' core zones; the 2023 text the
# whole source protection zone (levels I and II; the 准保护区 lies outside it, 水污染防治法
# art. 63) and the core protection zones of protected areas (national parks included).
TOXIC_IN_CORE = (
    "在饮用水水源一级保护区、自然保护区核心区排放、倾倒、处置有放射性的废物、含传染病病原体"
    "的废物、有毒物质的，应当认定为“严重污染环境”"
)
TOXIC_IN_KEY_AREAS = (
    "在饮用水水源保护区、自然保护地核心保护区等依法确定的重点保护区域排放、倾倒、处置有放射性"
    "的废物、含传染病病原体的废物、有毒物质的，应当认定为“严重污染环境”"
)
HAZARDOUS_3T = "非法排放、倾倒、处置危险废物三吨以上的，应当认定为“严重污染环境”"
OVER_STANDARD = (
    "排放、倾倒、处置含铅、汞、镉、铬、砷、铊、锑的污染物，超过国家或者地方污染物排放标准三倍"
    "以上的；排放、倾倒、处置含镍、铜、锌、银、钒、锰、钴的污染物，超过国家或者地方污染物排放"
    "标准十倍以上的，应当认定为“严重污染环境”"
)
TOXIC = (*CRIME, "hazardous_substance")
POLLUTING = ("water_pollution_discharge", "waste_dumping", "black_odorous_water", "hazardous_waste")
IN_RESERVE = ("illegal_building_protected_area", "land_disturbance", "illegal_mining")
POLLUTION_CRIME = (
    "违反国家规定，排放、倾倒或者处置有放射性的废物、含传染病病原体的废物、有毒物质或者其他"
    "有害物质，严重污染环境的，处三年以下有期徒刑或者拘役"
)
PROTECTED_WILDLIFE_ACTS = (
    "非法猎捕、杀害国家重点保护的珍贵、濒危野生动物的，或者非法收购、运输、出售国家重点保护的"
    "珍贵、濒危野生动物及其制品的"
)
IMPORTED = ("waste_dumping", "hazardous_waste")

APL = Edition(
    "中华人民共和国行政诉讼法 (Administrative Procedure Law)",
    "行政诉讼法（2017年修正，2017-07-01施行）",
    date(2017, 7, 1),
)
CPL = "中华人民共和国民事诉讼法 (Civil Procedure Law)"
CPL_2017 = Edition(
    CPL, "民事诉讼法（2017年修正，2017-07-01施行）", date(2017, 7, 1), date(2021, 12, 31)
)
CPL_2021 = Edition(
    CPL, "民事诉讼法（2021年修正，2022-01-01施行）", date(2022, 1, 1), date(2023, 12, 31)
)
CPL_2023 = Edition(CPL, "民事诉讼法（2023年修正，2024-01-01施行）", date(2024, 1, 1))
SPP_PIL = "最高人民法院 最高人民检察院关于检察公益诉讼案件适用法律若干问题的解释"
SPP_PIL_2018 = Edition(
    SPP_PIL, "法释〔2018〕6号（2018-03-02施行）", date(2018, 3, 2), date(2020, 12, 31)
)
SPP_PIL_2020 = Edition(
    SPP_PIL, "法释〔2018〕6号，法释〔2020〕20号修正（2021-01-01施行）", date(2021, 1, 1)
)
INCIDENTAL_SUIT = (
    "人民检察院对破坏生态环境和资源保护等损害社会公共利益的犯罪行为提起刑事公诉时，可以向人民法院"
    "一并提起附带民事公益诉讼，由人民法院同一审判组织审理（提起前应履行诉前公告程序："
    "高检发释字〔2019〕2号）"
)
CIVIL_SUIT = "对污染环境、破坏生态等损害社会公共利益的行为提起民事公益诉讼"

COURT: list[BasisRow] = [
    *[
        row
        for ed, text, zones in (
            (SPC_2016, TOXIC_IN_CORE, (("water_source_zone", "I"), ("nature_reserve", "core"))),
            (SPC_2023, TOXIC_IN_KEY_AREAS, (("water_source_zone", "I"),
                                           ("water_source_zone", "II"),
                                           ("nature_reserve", "core"))),
        )
        for zone in zones
        for row in rows("spc-env-1", POLLUTING, ed, "第一条第（一）项 (art. 1(1))", text, TOXIC,
                        zone)
    ],
    *[
        row
        for ed in (SPC_2016, SPC_2023)
        for row in [
            *rows("spc-env-1-2", ("hazardous_waste", "waste_dumping"), ed,
                  "第一条第（二）项 (art. 1(2))", HAZARDOUS_3T, (*CRIME, "hazardous_waste_3t")),
            *rows("spc-env-1-3-4", ("water_pollution_discharge", "black_odorous_water"), ed,
                  "第一条第（三）项、第（四）项 (art. 1(3), (4))", OVER_STANDARD,
                  (*CRIME, "exceeds_standard")),
        ]
    ],
    *rows("cl-342-1", IN_RESERVE, CL_342_1, "第三百四十二条之一 (art. 342-1)",
          "破坏自然保护地罪：违反自然保护地管理法规，在国家公园、国家级自然保护区进行开垦、开发"
          "活动或者修建建筑物，造成严重后果或者有其他恶劣情节的",
          ("location_in_zone", *CRIME), (NATIONAL_PROTECTED_AREA, None)),
    *rows("cl-338", POLLUTING, CL_338_2011, "第三百三十八条 (art. 338)",
          f"污染环境罪：{POLLUTION_CRIME}；后果特别严重的，处三年以上七年以下有期徒刑",
          (*CRIME, "serious_pollution")),
    *rows("cl-338", POLLUTING, CL_338_2021, "第三百三十八条 (art. 338)",
          f"污染环境罪：{POLLUTION_CRIME}；情节严重的，处三年以上七年以下有期徒刑；有下列情形之一"
          "的，处七年以上有期徒刑：在饮用水水源保护区、自然保护地核心保护区等依法确定的重点保护区域"
          "排放、倾倒、处置有放射性的废物、含传染病病原体的废物、有毒物质，情节特别严重的；……",
          (*CRIME, "serious_pollution")),
    *rows("cl-339-1", IMPORTED, CL_1997, "第三百三十九条第一款 (art. 339(1))",
          "非法处置进口的固体废物罪：违反国家规定，将境外的固体废物进境倾倒、堆放、处置的",
          ("activity_evidence", "responsible_party", "corroboration", "imported_waste")),
    *rows("cl-339-2", IMPORTED, CL_1997, "第三百三十九条第二款 (art. 339(2))",
          "擅自进口固体废物罪：未经国务院有关主管部门许可，擅自进口固体废物用作原料，造成重大"
          "环境污染事故，致使公私财产遭受重大损失或者严重危害人体健康的",
          (*CRIME, "imported_waste")),
    *rows("cl-340", ("illegal_fishing_hunting",), CL_1997, "第三百四十条 (art. 340)",
          "非法捕捞水产品罪：在禁渔区、禁渔期或者使用禁用的工具、方法捕捞水产品，情节严重的", ACT),
    *rows("cl-341-1", ("illegal_fishing_hunting",), CL_341_1997,
          "第三百四十一条第一款 (art. 341(1))",
          "非法猎捕、杀害珍贵、濒危野生动物罪；非法收购、运输、出售珍贵、濒危野生动物、珍贵、"
          f"濒危野生动物制品罪：{PROTECTED_WILDLIFE_ACTS}", (*CRIME, "protected_wildlife")),
    *rows("cl-341-1", ("illegal_fishing_hunting",), CL_341_2021,
          "第三百四十一条第一款 (art. 341(1))",
          f"危害珍贵、濒危野生动物罪：{PROTECTED_WILDLIFE_ACTS}", (*CRIME, "protected_wildlife")),
    *rows("cl-341-2", ("illegal_fishing_hunting",), CL_1997, "第三百四十一条第二款 (art. 341(2))",
          "非法狩猎罪：违反狩猎法规，在禁猎区、禁猎期或者使用禁用的工具、方法进行狩猎，破坏野生"
          "动物资源，情节严重的", ACT),
    *rows("cl-341-3", ("illegal_fishing_hunting",), CL_341_2021,
          "第三百四十一条第三款 (art. 341(3))",
          "非法猎捕、收购、运输、出售陆生野生动物罪：违反野生动物保护管理法规，以食用为目的非法"
          "猎捕、收购、运输、出售第一款规定以外的在野外环境自然生长繁殖的陆生野生动物，情节严重的",
          (*CRIME, "wild_land_animal", "for_food")),
    *rows("cl-342", ("illegal_building_protected_area", "farmland_occupation",
                     "forest_grassland_destruction"), CL_342, "第三百四十二条 (art. 342)",
          "非法占用农用地罪：非法占用耕地、林地等农用地，改变被占用土地用途，数量较大，造成耕地、"
          "林地等农用地大量毁坏的", ("activity_evidence", "responsible_party", "harm_assessment")),
    *rows("cl-343", ("illegal_mining", "sand_gravel_extraction"), CL_343,
          "第三百四十三条 (art. 343)", "非法采矿罪",
          ("activity_evidence", "time_of_activity", "responsible_party", "harm_assessment")),
    *rows("cl-345", ("forest_grassland_destruction",), CL_345, "第三百四十五条 (art. 345)",
          "盗伐林木罪、滥伐林木罪：盗伐、滥伐森林或者其他林木，数量较大的",
          ("activity_evidence", "responsible_party", "harm_assessment")),
    *rows("apl-25-4", (None,), APL, "第二十五条第四款 (art. 25(4))",
          "检察机关对负有监督管理职责的行政机关违法行使职权或者不作为提起行政公益诉讼",
          ("agency_duty", "activity_evidence", "agency_unlawful", "harm_persists")),
    *rows("cpl-public-interest", (None,), CPL_2017, "第五十五条 (art. 55)", CIVIL_SUIT,
          ("responsible_party", "activity_evidence", "harm_assessment", "causation",
           "notice_expired")),
    *[
        row
        for ed in (CPL_2021, CPL_2023)
        for row in rows("cpl-public-interest", (None,), ed, "第五十八条 (art. 58)", CIVIL_SUIT,
                        ("responsible_party", "activity_evidence", "harm_assessment",
                         "causation", "notice_expired"))
    ],
    *[
        row
        for ed in (SPP_PIL_2018, SPP_PIL_2020)
        for row in rows("spp-incidental-20", (None,), ed, "第二十条 (art. 20)", INCIDENTAL_SUIT,
                        ("responsible_party", "activity_evidence", "harm_assessment",
                         "causation", "notice_expired", "criminal_prosecution"))
    ],
]  # fmt: skip
