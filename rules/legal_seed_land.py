"""Seed rows for land, forest and grassland, protected areas, wildlife, waste and mining."""

from datetime import date

from rules.legal import ACT, ACT_AGENCY, AT_SITE, SOURCE_ZONE_LEVELS, BasisRow, Edition, editions
from rules.legal import basis_rows as rows

# Earlier editions, for conduct before the current ones took effect; their numbering is from
# secondary sources (marked for review) unless said otherwise.
SOLID_WASTE_2016, SOLID_WASTE = editions(
    "中华人民共和国固体废物污染环境防治法 (Solid Waste Law)",
    ("固体废物污染环境防治法（2016年修正，2016-11-07施行）", date(2016, 11, 7)),
    ("固体废物污染环境防治法（2020年修订，2020-09-01施行）", date(2020, 9, 1)),
)
MINERAL_1996, MINERAL_2024 = editions(
    "中华人民共和国矿产资源法 (Mineral Resources Law)",
    ("矿产资源法（1996年修正，1997-01-01施行；2009年修正）", date(1997, 1, 1)),
    ("矿产资源法（2024年修订，2025-07-01施行）", date(2025, 7, 1)),
)
LIVESTOCK = Edition(
    "畜禽规模养殖污染防治条例 (Regulations on Pollution from Large-scale Livestock Farming)",
    "畜禽规模养殖污染防治条例（国务院令第643号，2014-01-01施行）",
    date(2014, 1, 1),
)
FOREST_1998, FOREST = editions(
    "中华人民共和国森林法 (Forest Law)",
    ("森林法（1998年修正，1998-07-01施行）", date(1998, 7, 1)),
    ("森林法（2019年修订，2020-07-01施行）", date(2020, 7, 1)),
)
GRASSLAND = Edition(
    "中华人民共和国草原法 (Grassland Law)",
    "草原法（2021年修正，2021-04-29施行）",
    date(2021, 4, 29),
)
LAND_2004, LAND = editions(
    "中华人民共和国土地管理法 (Land Administration Law)",
    ("土地管理法（2004年修正，2004-08-28施行）", date(2004, 8, 28)),
    ("土地管理法（2019年修正，2020-01-01施行）", date(2020, 1, 1)),
)
TAILINGS = Edition(
    "尾矿污染环境防治管理办法 (Measures on Tailings Pollution)",
    "尾矿污染环境防治管理办法（生态环境部令第26号，2022-07-01施行）",
    date(2022, 7, 1),
)
MINE_GEO = Edition(
    "矿山地质环境保护规定 (Provisions on Mine Geological Environment Protection)",
    "矿山地质环境保护规定（国土资源部令第44号，2009-05-01施行；2019年修正）",
    date(2009, 5, 1),
)
WETLAND = Edition(
    "中华人民共和国湿地保护法 (Wetland Protection Law)",
    "湿地保护法（2022-06-01施行）",
    date(2022, 6, 1),
)
RESERVES_1994, RESERVES = editions(
    "中华人民共和国自然保护区条例 (Regulations on Nature Reserves)",
    # The 1994 text: arts. 26 and 32 read the same; the 2011 and 2017 revisions kept their
    # numbering.
    ("自然保护区条例（国务院令第167号，1994-12-01施行）", date(1994, 12, 1)),
    ("自然保护区条例（2017年修订，2017-10-07施行）", date(2017, 10, 7)),
)
FISHERY = Edition(
    "中华人民共和国渔业法 (Fisheries Law)",
    "渔业法（2013年修正，2013-12-28施行）",
    date(2013, 12, 28),
)
WILDLIFE = Edition(
    "中华人民共和国野生动物保护法 (Wildlife Protection Law)",
    "野生动物保护法（2022年修订，2023-05-01施行）",
    date(2023, 5, 1),
)
# 自然保护区条例 art. 32 bars production facilities in a reserve's core and buffer zones.
RESERVE_CORE_BUFFER = (("nature_reserve", "core"), ("nature_reserve", "buffer"))
# Art. 11 of the livestock regulations: source protection zones (levels I and II: the quasi
# zone lies outside them), and reserves' core and buffer zones.
LIVESTOCK_BANNED = (
    *(("water_source_zone", level) for level in SOURCE_ZONE_LEVELS),
    *RESERVE_CORE_BUFFER,
)

LAND_AND_WASTE: list[BasisRow] = [
    *rows("swl-20", ("waste_dumping",), SOLID_WASTE_2016, "第十七条 (art. 17)",
          "禁止任何单位或者个人向江河、湖泊、运河、渠道、水库及其最高水位线以下的滩地和岸坡等法律、"
          "法规规定禁止倾倒、堆放废弃物的地点倾倒、堆放固体废物", ACT, review=True),
    *rows("swl-20", ("waste_dumping",), SOLID_WASTE, "第二十条 (art. 20)",
          "禁止任何单位和个人向江河、湖泊、运河、渠道、水库及其最高水位线以下的滩地和岸坡，"
          "以及法律法规规定的其他地点倾倒、堆放、贮存固体废物", ACT),
    *rows("swl-79-80", ("hazardous_waste",), SOLID_WASTE, "第七十九条、第八十条 (arts. 79, 80)",
          "产生危险废物的单位应当按照规定贮存、利用、处置危险废物，不得擅自倾倒、堆放；"
          "禁止将危险废物提供或者委托给无许可证的单位从事收集、贮存、利用、处置活动", ACT),
    *rows("swl-112", ("hazardous_waste",), SOLID_WASTE, "第一百一十二条 (art. 112)",
          "违反危险废物管理规定的，由生态环境主管部门责令改正，处以罚款，没收违法所得",
          ACT_AGENCY, review=True),
    *rows("swl-mining", ("tailings_unrestored_mine",), SOLID_WASTE,
          "第四十二条第三款 (art. 42(3))",
          "尾矿、煤矸石、废石等矿业固体废物贮存设施停止使用后，矿山企业应当按照国家有关环境保护等"
          "规定进行封场，防止造成环境污染和生态破坏", ACT_AGENCY),
    *rows("mrl-restoration", ("tailings_unrestored_mine",), MINERAL_2024,
          "第四十五条至第四十七条 (arts. 45-47)",
          "采矿权人应当依法履行矿区生态修复义务，按照经批准的方案进行矿区生态修复", ACT_AGENCY,
          review=True),
    *rows("tailings-3", ("tailings_unrestored_mine",), TAILINGS, "第三条 (art. 3)",
          "尾矿库运营、管理单位应当采取措施，防止或者减少尾矿对环境的污染，对所造成的环境污染"
          "依法承担责任", ACT_AGENCY),
    *rows("minegeo-3", ("tailings_unrestored_mine",), MINE_GEO, "第三条 (art. 3)",
          "矿山地质环境保护坚持谁开发谁保护、谁破坏谁治理的原则", ACT_AGENCY, review=True),
    *rows("mrl-licence", ("illegal_mining",), MINERAL_1996, "第三条、第三十九条 (arts. 3, 39)",
          "开采矿产资源必须依法申请取得采矿权；未取得采矿许可证擅自采矿的，责令停止开采、"
          "赔偿损失，没收采出的矿产品和违法所得，可以并处罚款", ACT_AGENCY),
    *rows("mrl-licence", ("illegal_mining",), MINERAL_2024, "第五条、第六十四条 (arts. 5, 64)",
          "勘查、开采矿产资源应当依法分别取得探矿权、采矿权；未取得采矿权开采矿产资源的，责令"
          "停止违法行为，没收直接用于违法开采的工具、设备以及违法采出的矿产品，并处罚款",
          ACT_AGENCY),
    *[
        row
        for zone in LIVESTOCK_BANNED
        for row in rows(
            "livestock-11-37", ("livestock_farm_pollution",), LIVESTOCK,
            "第十一条、第三十七条 (arts. 11, 37)",
            "禁止在饮用水水源保护区，自然保护区的核心区和缓冲区等区域内建设畜禽养殖场、养殖小区；"
            "违者责令停止违法行为，处罚款，并报请责令拆除或者关闭", AT_SITE, zone,
        )
    ],
    *rows("forest-39-74", ("forest_grassland_destruction",), FOREST_1998,
          "第二十三条、第四十四条 (arts. 23, 44)",
          "禁止毁林开垦和毁林采石、采砂、采土以及其他毁林行为；违者责令停止违法行为，补种毁坏株数"
          "一倍以上三倍以下的树木，可以处毁坏林木价值一倍以上五倍以下的罚款", ACT_AGENCY,
          review=True),
    *rows("forest-39-74", ("forest_grassland_destruction",), FOREST,
          "第三十九条、第七十四条 (arts. 39, 74)",
          "禁止毁林开垦、采石、采砂、采土以及其他毁坏林木和林地的行为；违者责令停止违法行为，"
          "限期补种树木或者恢复植被和林业生产条件，可以并处罚款", ACT_AGENCY),
    *rows("grassland-46", ("forest_grassland_destruction",), GRASSLAND, "第四十六条 (art. 46)",
          "禁止开垦草原", ACT_AGENCY),
    *rows("lal-37-75", ("farmland_occupation",), LAND_2004,
          "第三十六条、第七十四条 (arts. 36, 74)",
          "禁止占用耕地建窑、建坟或者擅自在耕地上建房、挖砂、采石、采矿、取土等；破坏种植条件的，"
          "责令限期改正或者治理，可以并处罚款", ACT_AGENCY, review=True),
    *rows("lal-77", ("farmland_occupation",), LAND_2004, "第七十六条 (art. 76)",
          "未经批准非法占用土地的，责令退还非法占用的土地，擅自将农用地改为建设用地的，限期拆除"
          "新建的建筑物和其他设施，恢复土地原状，并处罚款", ACT_AGENCY, review=True),
    *rows("lal-37-75", ("farmland_occupation",), LAND, "第三十七条、第七十五条 (arts. 37, 75)",
          "禁止占用耕地建窑、建坟或者擅自在耕地上建房、挖砂、采石、采矿、取土等；破坏种植条件的，"
          "责令限期改正或者治理，可以并处罚款", ACT_AGENCY),
    *rows("lal-77", ("farmland_occupation",), LAND, "第七十七条 (art. 77)",
          "未经批准非法占用土地的，责令退还非法占用的土地，擅自将农用地改为建设用地的，限期拆除"
          "新建的建筑物和其他设施，恢复土地原状，并处罚款", ACT_AGENCY),
    *rows("wetland-28", ("wetland_damage", "waste_dumping", "sand_gravel_extraction",
                         "illegal_building_protected_area", "land_disturbance"), WETLAND,
          "第二十八条 (art. 28)",
          "禁止开（围）垦、排干自然湿地，禁止倾倒、堆放固体废物，禁止擅自采砂等破坏湿地的行为",
          AT_SITE, ("wetland", None)),
    *[
        row
        for ed in (RESERVES_1994, RESERVES)
        for row in rows(
            "nrr-26", ("land_disturbance", "illegal_mining", "sand_gravel_extraction",
                       "forest_grassland_destruction"), ed, "第二十六条 (art. 26)",
            "禁止在自然保护区内进行砍伐、放牧、狩猎、捕捞、采药、开垦、烧荒、开矿、采石、挖沙等活动",
            AT_SITE, ("nature_reserve", None),
        )
    ],
    *[
        row
        for ed in (RESERVES_1994, RESERVES)
        for zone in RESERVE_CORE_BUFFER
        for row in rows(
            "nrr-32", ("illegal_building_protected_area",), ed, "第三十二条 (art. 32)",
            "在自然保护区的核心区和缓冲区内，不得建设任何生产设施", AT_SITE, zone,
        )
    ],
    *rows("fishery-30-38", ("illegal_fishing_hunting",), FISHERY,
          "第三十条、第三十八条 (arts. 30, 38)",
          "禁止使用炸鱼、毒鱼、电鱼等破坏渔业资源的方法进行捕捞；禁止在禁渔区、禁渔期进行捕捞；"
          "违者没收渔获物和违法所得，处五万元以下的罚款；情节严重的，没收渔具，吊销捕捞许可证",
          ACT_AGENCY),
    *rows("wpl-20", ("illegal_fishing_hunting",), WILDLIFE,
          "第二十条第一款、第四十八条、第四十九条 (arts. 20(1), 48, 49)",
          "在自然保护地和禁猎（渔）区、禁猎（渔）期内，禁止猎捕以及其他妨碍野生动物生息繁衍的"
          "活动；在其中猎捕国家重点保护野生动物（第四十八条）或者有重要生态、科学、社会价值的陆生"
          "野生动物、地方重点保护野生动物（第四十九条）的，没收猎获物、猎捕工具和违法所得，并处罚款",
          ACT_AGENCY),
    *rows("wpl-21", ("illegal_fishing_hunting",), WILDLIFE,
          "第二十一条第一款、第四十八条 (arts. 21(1), 48)",
          "禁止猎捕、杀害国家重点保护野生动物；违者没收猎获物、猎捕工具和违法所得，吊销特许猎捕证，"
          "并处猎获物价值二倍以上二十倍以下罚款", (*ACT_AGENCY, "protected_wildlife")),
]  # fmt: skip
