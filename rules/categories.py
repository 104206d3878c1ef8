"""The controlled list of report categories and the plain words for report statuses."""

# code: (Chinese label, English label)
CATEGORIES: dict[str, tuple[str, str]] = {
    "water_pollution_discharge": ("排污入河", "water pollution discharge"),
    "black_odorous_water": ("黑臭水体", "black-odorous water"),
    "waste_dumping": ("倾倒垃圾废物", "waste dumping"),
    "sand_gravel_extraction": ("非法采砂", "sand/gravel extraction"),
    "illegal_building_protected_area": ("保护区内违法建设", "illegal building in protected area"),
    "straw_burning": ("秸秆焚烧", "straw burning"),
    "construction_dust": ("建筑扬尘", "construction dust"),
    "illegal_mining": ("非法采矿", "illegal mining"),
    "wetland_damage": ("破坏湿地", "wetland damage"),
    "groundwater_extraction": ("地下水超采", "groundwater extraction"),
    "illegal_fishing_hunting": ("非法捕捞狩猎", "illegal fishing/hunting"),
    "land_disturbance": (
        "地表扰动（植被破坏、新增裸土）",
        "land disturbance (vegetation loss, bare soil)",
    ),
    "livestock_farm_pollution": ("畜禽养殖污染", "livestock-farm pollution"),
    "forest_grassland_destruction": ("毁林毁草", "forest/grassland destruction"),
    "farmland_occupation": ("非法占用耕地/农用地", "farmland occupied or converted"),
    "hazardous_waste": ("危险废物非法处置", "illegal hazardous-waste disposal"),
    "tailings_unrestored_mine": ("尾矿库/矿山未修复", "tailings pond / unrestored mine"),
    "rubbish_burning": ("露天焚烧垃圾", "open burning of rubbish"),
    "stockpile_transport_dust": ("堆场与运输扬尘", "dust from stockpiles and transport"),
    "river_lake_occupation": (
        "河湖“四乱”（乱占乱采乱堆乱建）",
        "river/lake land occupied (illegal occupation, extraction, piling, building)",
    ),
    "other": ("其他", "other"),
}

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
