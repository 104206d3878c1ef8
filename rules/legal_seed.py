"""Seed of the `legal_bases` table: water and air rows, and the whole seed (SEED).

Each row names the instrument and edition it quotes (`source`) and the period that edition is
in force; a row whose current article numbering could not be confirmed from a primary text
is kept with `needs_review`. Land, waste and mining rows: rules/legal_seed_land.py; criminal
and procedure rows: rules/legal_seed_court.py.
"""

from datetime import date

from rules.legal import ACT, ACT_AGENCY, AT_SITE, SOURCE_ZONE_LEVELS, BasisRow, Edition, editions
from rules.legal import basis_rows as rows
from rules.legal_seed_court import COURT
from rules.legal_seed_land import LAND_AND_WASTE

# Arts. 65-67 of the Water Pollution Prevention and Control Law forbid construction projects
# in the zones: they apply to building and earthworks, not to discharge or dumping.
WATER_CATS = ("illegal_building_protected_area", "land_disturbance")
DISCHARGE = ("water_pollution_discharge", "black_odorous_water")

WPPCL_2008, WPPCL = editions(
    "中华人民共和国水污染防治法 (Water Pollution Prevention and Control Law)",
    # The 2008 text, in force until the 2017 amendment: the same rules seven articles earlier
    # (numbering from secondary sources, so marked for review).
    ("水污染防治法（2008年修订，2008-06-01施行）", date(2008, 6, 1)),
    ("水污染防治法（2017年修正，2018-01-01施行）", date(2018, 1, 1)),
)
APPCL_2015, APPCL = editions(
    "中华人民共和国大气污染防治法 (Air Pollution Prevention and Control Law)",
    # The 2015 revision, in force from 2016-01-01: the 2018 amendment kept the numbering of
    # these articles (69, 70, 72, 77, 82, 116, 117, 119) and their texts.
    ("大气污染防治法（2015年修订，2016-01-01施行）", date(2016, 1, 1)),
    ("大气污染防治法（2018年修正，2018-10-26施行）", date(2018, 10, 26)),
)
WATER_LAW = Edition(
    "中华人民共和国水法 (Water Law)", "水法（2016年修正，2016-07-02施行）", date(2016, 7, 2)
)
GROUNDWATER = Edition(
    "地下水管理条例 (Regulations on Groundwater Management)",
    "地下水管理条例（国务院令第748号，2021-12-01施行）",
    date(2021, 12, 1),
)
RIVERS = Edition(
    "中华人民共和国河道管理条例 (Regulations on River Course Management)",
    "河道管理条例（2018年修订，2018-03-19施行）",
    date(2018, 3, 19),
)
FLOOD = Edition(
    "中华人民共和国防洪法 (Flood Control Law)",
    "防洪法（2016年修正，2016-07-02施行）",
    date(2016, 7, 2),
)
# Art. 77 bans open burning only in areas the provincial government designates: without the
# designated area (the `no_burn_area` layer) no article applies.
NOT_DESIGNATED = (
    "未落入省级政府划定的禁烧区，暂无适用条文（需核实当地划定范围）"
    "(not inside an area the provincial government designated; no article applies until the "
    "designation is confirmed)"
)

WATER: list[BasisRow] = [
    *rows("wppcl-65", WATER_CATS, WPPCL, "第六十五条 (art. 65)",
          "一级保护区内禁止新建、改建、扩建与供水设施和保护水源无关的建设项目",
          AT_SITE, ("water_source_zone", "I")),
    *rows("wppcl-66", WATER_CATS, WPPCL, "第六十六条 (art. 66)",
          "二级保护区内禁止新建、改建、扩建排放污染物的建设项目",
          AT_SITE, ("water_source_zone", "II")),
    *rows("wppcl-67", WATER_CATS, WPPCL, "第六十七条 (art. 67)",
          "准保护区内禁止新建、扩建对水体污染严重的建设项目",
          ("location_in_zone", "activity_evidence", "responsible_party", "harm_assessment"),
          ("water_source_zone", "quasi")),
    *rows("wppcl-65", WATER_CATS, WPPCL_2008, "第五十八条 (art. 58)",
          "禁止在饮用水水源一级保护区内新建、改建、扩建与供水设施和保护水源无关的建设项目",
          AT_SITE, ("water_source_zone", "I"), review=True),
    *rows("wppcl-66", WATER_CATS, WPPCL_2008, "第五十九条 (art. 59)",
          "禁止在饮用水水源二级保护区内新建、改建、扩建排放污染物的建设项目",
          AT_SITE, ("water_source_zone", "II"), review=True),
    *rows("wppcl-67", WATER_CATS, WPPCL_2008, "第六十条 (art. 60)",
          "禁止在饮用水水源准保护区内新建、扩建对水体污染严重的建设项目",
          ("location_in_zone", "activity_evidence", "responsible_party", "harm_assessment"),
          ("water_source_zone", "quasi"), review=True),
    *[
        row
        for level in SOURCE_ZONE_LEVELS
        for row in [
            *rows("wppcl-64", DISCHARGE, WPPCL_2008, "第五十七条、第七十五条 (arts. 57, 75)",
                  "在饮用水水源保护区内，禁止设置排污口；违者责令限期拆除并处罚款", AT_SITE,
                  ("water_source_zone", level), review=True),
            *rows("wppcl-64", DISCHARGE, WPPCL, "第六十四条、第八十四条 (arts. 64, 84)",
                  "在饮用水水源保护区内，禁止设置排污口；违者责令限期拆除并处罚款", AT_SITE,
                  ("water_source_zone", level)),
        ]
    ],
    *rows("wppcl-37", ("waste_dumping",), WPPCL,
          "第三十七条、第三十八条、第八十五条 (arts. 37, 38, 85)",
          "禁止向水体排放、倾倒工业废渣、城镇垃圾和其他废弃物；禁止在江河、湖泊、运河、渠道、"
          "水库最高水位线以下的滩地和岸坡堆放、存贮固体废弃物和其他污染物", ACT),
    *rows("wppcl-56", ("livestock_farm_pollution",), WPPCL, "第五十六条 (art. 56)",
          "畜禽养殖场、养殖小区应当保证其畜禽粪便、废水的综合利用或者无害化处理设施正常运转，"
          "保证污水达标排放，防止污染水环境", ACT_AGENCY, review=True),
    *rows("wl-39", ("sand_gravel_extraction",), WATER_LAW, "第三十九条 (art. 39)",
          "国家实行河道采砂许可制度；在禁采区和禁采期不得采砂", ACT_AGENCY),
    *rows("wl-36", ("groundwater_extraction",), WATER_LAW, "第三十六条 (art. 36)",
          "在地下水超采地区严格控制开采地下水；在严重超采地区经省级人民政府批准可以划定"
          "地下水禁止开采或者限制开采区", ACT_AGENCY),
    *rows("wl-48-69", ("groundwater_extraction",), WATER_LAW,
          "第四十八条、第六十九条 (arts. 48, 69)",
          "直接从地下取用水资源应当申请领取取水许可证；未经批准擅自取水的，责令停止违法行为，"
          "限期采取补救措施，处二万元以上十万元以下的罚款", ACT_AGENCY),
    *rows("gwr-zones", ("groundwater_extraction",), GROUNDWATER,
          "禁止开采区、限制开采区条款及罚则 (no- and limited-extraction areas, penalty)",
          "在地下水禁止开采区、限制开采区内限制取用地下水，违者依法处罚", ACT_AGENCY,
          review=True),
    *rows("wl-37-65", ("river_lake_occupation",), WATER_LAW,
          "第三十七条、第六十五条 (arts. 37, 65)",
          "禁止在江河、湖泊、水库、运河、渠道内弃置、堆放阻碍行洪的物体；禁止在河道管理范围内"
          "建设妨碍行洪的建筑物、构筑物；违者责令停止违法行为，限期拆除，恢复原状，并处罚款",
          ACT_AGENCY),
    *rows("wl-38", ("river_lake_occupation",), WATER_LAW, "第三十八条 (art. 38)",
          "在河道管理范围内建设桥梁、码头和其他拦河、跨河、临河建筑物、构筑物，工程建设方案"
          "应当报经有关水行政主管部门审查同意", ACT_AGENCY),
    *rows("wl-40", ("river_lake_occupation",), WATER_LAW, "第四十条 (art. 40)",
          "禁止围湖造地；禁止围垦河道", ACT_AGENCY),
    *rows("rivers-24", ("river_lake_occupation",), RIVERS, "第二十四条 (art. 24)",
          "在河道管理范围内，禁止修建围堤、阻水渠道、阻水道路，弃置矿渣、石渣、煤灰、泥土、垃圾等",
          ACT_AGENCY),
    *rows("flood-22", ("river_lake_occupation",), FLOOD, "第二十二条 (art. 22)",
          "禁止在河道、湖泊管理范围内建设妨碍行洪的建筑物、构筑物，倾倒垃圾、渣土，从事影响河势"
          "稳定、危害河岸堤防安全和其他妨碍河道行洪的活动", ACT_AGENCY),
]  # fmt: skip

def _air(ed: Edition) -> list[BasisRow]:
    """The air rows in one edition of the law (the same articles in 2015 and 2018)."""
    return [
        *rows("appcl-77-119", ("straw_burning",), ed,
              "第七十七条、第一百一十九条第一款 (arts. 77, 119(1))",
              "省、自治区、直辖市人民政府应当划定区域，禁止露天焚烧秸秆、落叶等产生烟尘污染的物质；"
              "露天焚烧秸秆、落叶等产生烟尘污染的物质的，责令改正，并可以处五百元以上二千元以下的罚款",
              ("location_in_zone", "activity_evidence", "time_of_activity", "agency_duty"),
              ("no_burn_area", None), note=NOT_DESIGNATED),
        *rows("appcl-82-119", ("rubbish_burning",), ed,
              "第八十二条、第一百一十九条第二款 (arts. 82, 119(2))",
              "禁止在人口集中地区和其他依法需要特殊保护的区域内焚烧沥青、油毡、橡胶、塑料、皮革、"
              "垃圾以及其他产生有毒有害烟尘和恶臭气体的物质；违者责令改正，对单位处一万元以上十万元"
              "以下的罚款，对个人处五百元以上二千元以下的罚款", (*ACT_AGENCY, "populated_area")),
        *rows("appcl-69", ("construction_dust",), ed, "第六十九条、第一百一十五条 (arts. 69, 115)",
              "建设单位和施工单位应当采取有效防尘降尘措施；施工单位未采取防尘降尘措施的，责令改正，"
              "处一万元以上十万元以下的罚款，拒不改正的，责令停工整治", ACT_AGENCY),
        *rows("appcl-70-116", ("stockpile_transport_dust",), ed,
              "第七十条、第一百一十六条 (arts. 70, 116)",
              "运输煤炭、垃圾、渣土、砂石、土方、灰浆等散装、流体物料的车辆应当采取密闭或者其他措施"
              "防止物料遗撒造成扬尘污染；未采取的，责令改正，处二千元以上二万元以下的罚款",
              ACT_AGENCY),
        *rows("appcl-72-117", ("stockpile_transport_dust",), ed,
              "第七十二条、第一百一十七条 (arts. 72, 117)",
              "贮存煤炭、煤矸石、煤渣、煤灰、水泥、石灰、石膏、砂土等易产生扬尘的物料应当密闭；不能"
              "密闭的，应当设置严密围挡并有效覆盖；未密闭的，责令改正，处一万元以上十万元以下的罚款",
              ACT_AGENCY),
    ]  # fmt: skip


AIR: list[BasisRow] = [*_air(APPCL_2015), *_air(APPCL)]


# Zone-specific rows first in each list; suggest() sorts its answer anyway.
SEED: list[BasisRow] = [*WATER, *AIR, *LAND_AND_WASTE, *COURT]
