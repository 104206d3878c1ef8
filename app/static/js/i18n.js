// Every user-visible string, in zh-CN and en; t() picks the current language.
const STRINGS = {
  app_title: ["环境公益诉讼线索地图", "Environmental PIL lead map"],
  login_title: ["检察官登录", "Prosecutor sign-in"],
  login_hint: ["本系统仅供检察官和管理员使用", "For prosecutors and administrators only"],
  username: ["用户名", "Username"],
  password: ["密码", "Password"],
  sign_in: ["登录", "Sign in"],
  signing_in: ["正在登录…", "Signing in…"],
  sign_out: ["退出", "Sign out"],
  login_failed: ["登录失败：", "Sign-in failed: "],
  need_credentials: ["请输入用户名和密码", "Enter your username and password"],
  role_refused: [
    "此界面仅供检察官和管理员使用。志愿者请通过随手拍应用提交和查询举报；协作检察院请使用 API 或 OGC API - Features。",
    "This interface is for prosecutors and administrators only. Volunteers submit and follow reports in the snap-and-report app; partner procuratorates use the API or OGC API - Features.",
  ],
  session_ended: ["登录已失效，请重新登录。", "Your session has ended; please sign in again."],
  network_error: ["无法连接服务器", "Cannot reach the server"],
  lang_switch: ["English", "中文"],
  lang_switch_title: ["切换为英文界面", "Switch to Chinese"],
  filters: ["筛选", "Filters"],
  overdue: ["逾期未回复", "Overdue replies"],
  overdue_title: ["检察建议逾期未回复", "Suggestions past their reply deadline"],
  overdue_none: ["暂无逾期未回复的检察建议", "No suggestion is past its deadline"],
  overdue_days: ["逾期 {n} 天", "{n} days overdue"],
  due: ["回复期限", "Reply due"],
  issued: ["发出", "Issued"],
  urgent_short: ["紧急", "urgent"],
  close: ["关闭", "Close"],
  cancel: ["取消", "Cancel"],
  loading: ["加载中…", "Loading…"],
  none: ["无", "none"],
  all: ["全部", "All"],
  times_note: ["时间均为北京时间", "Times are Beijing time"],
  // filters
  f_category: ["类别", "Category"],
  f_status: ["状态", "Status"],
  f_score: ["分值", "Score"],
  f_min: ["最低", "min"],
  f_max: ["最高", "max"],
  f_since: ["证据起", "Evidence from"],
  f_until: ["至", "to"],
  f_org: ["检察院", "Procuratorate"],
  f_assignee: ["承办人", "Assignee"],
  f_reset: ["重置", "Reset"],
  sort: ["排序", "Sort"],
  sort_score: ["按分值", "By score"],
  sort_time: ["按时间", "By time"],
  // list
  leads: ["线索", "Leads"],
  in_view: ["当前视图", "in view"],
  list_empty: ["当前视图和筛选条件下没有线索", "No lead in this view with these filters"],
  prev: ["上一页", "Previous"],
  next: ["下一页", "Next"],
  page_range: ["{from}–{to} / {total}", "{from}–{to} of {total}"],
  evidence_n: ["证据 {n}", "{n} evidence"],
  points: ["分", "pts"],
  unassigned: ["未分配", "unassigned"],
  // map
  layers: ["图层", "Layers"],
  group_base: ["基础地理", "Base map"],
  group_zones: ["管控区域", "Protected zones"],
  group_leads: ["线索", "Leads"],
  group_air: ["大气环境", "Air quality"],
  group_imagery: ["影像", "Imagery"],
  layer_jurisdictions: ["行政区划（辖区）", "Jurisdictions"],
  layer_water_source_zone: ["饮用水水源保护区", "Water-source zones"],
  layer_wetland: ["湿地", "Wetlands"],
  layer_ecological_redline: ["生态保护红线", "Ecological red lines"],
  layer_no_burn_area: ["秸秆禁烧区", "No-burn areas"],
  layer_leads: ["线索（按分值着色）", "Leads (by score)"],
  layer_stations: ["空气监测站 PM10 日均值", "Air stations, daily PM10"],
  layer_surface: ["PM10 插值面", "PM10 surface"],
  layer_hotspots: ["卫星火点", "Fire hotspots"],
  layer_imagery: ["卫星与无人机影像", "Satellite and drone imagery"],
  imagery_newest: ["视图内最新影像", "Newest images in view"],
  imagery_hint: ["放大至 {z} 级或点击影像范围以显示影像", "Zoom to {z} or click a footprint to show the image"],
  imagery_click: ["点击显示此影像", "Click to show this image"],
  imagery_illustrative: ["示意影像：真实卫星像元，移置于演示区域", "Illustrative: real satellite pixels placed in the demo area"],
  illustrative_short: ["示意", "illustrative"],
  drone_photo: ["无人机照片", "drone photo"],
  render_auto: ["按影像默认显示", "Each image's default"],
  render_rgb: ["真彩色", "True colour"],
  render_ndvi: ["NDVI 植被指数", "NDVI (vegetation)"],
  render_ndwi: ["NDWI 水体指数", "NDWI (water)"],
  render_mndwi: ["MNDWI 改进水体指数", "MNDWI (water)"],
  render_nbr: ["NBR 燃烧指数", "NBR (burn)"],
  render_bsi: ["BSI 裸土指数", "BSI (bare soil)"],
  station_day: ["日期", "Day"],
  no_surface: ["暂无插值面", "no surface yet"],
  rmse: ["留一交叉验证 RMSE {v} µg/m³", "leave-one-out RMSE {v} µg/m³"],
  legend: ["图例", "Legend"],
  legend_score: ["线索分值", "Lead score"],
  legend_size: ["圆大小 = 证据数", "size = evidence count"],
  legend_cluster: ["线索聚合（数量）", "Cluster of leads (count)"],
  legend_zones: ["管控区域与边界", "Zones and boundaries"],
  legend_pm10: ["PM10 日均值 µg/m³（GB 3095）", "PM10 daily mean µg/m³ (GB 3095)"],
  legend_invalid: ["无效日（有效小时 < 20）", "invalid day (< 20 hours)"],
  legend_surface: ["插值面 PM10 µg/m³", "surface PM10 µg/m³"],
  legend_hotspot: ["卫星火点（红：已成为证据）", "fire hotspot (red: became evidence)"],
  legend_boundary: ["省界 / 市界 / 县界", "province / city / county"],
  legend_imagery: ["影像", "Imagery"],
  legend_footprint: ["影像覆盖范围", "image footprint"],
  illustrative: ["示意数据，非官方划定", "illustrative, not an official designation"],
  lvl_national: ["国家级", "national"],
  lvl_provincial: ["省级", "provincial"],
  level_I: ["一级保护区", "level I"],
  level_II: ["二级保护区", "level II"],
  level_quasi: ["准保护区", "quasi-protection zone"],
  cluster_tip: ["{n} 条线索，最高 {max} 分，平均 {mean} 分（点击放大）", "{n} leads, max {max}, mean {mean} (click to zoom)"],
  pm10_mean: ["PM10 日均 {v} µg/m³", "PM10 daily mean {v} µg/m³"],
  pm10_hours: ["有效小时 {h}，覆盖率 {c}%", "{h} hours, coverage {c}%"],
  pm10_invalid: ["不满足 GB 3095 有效性（≥20 小时）", "not valid under GB 3095 (≥ 20 hours)"],
  pm10_nodata: ["当日无数据", "no data that day"],
  hotspot_tip: ["{instrument} {satellite} · 置信度 {conf}（{cls}）· FRP {frp} MW", "{instrument} {satellite} · confidence {conf} ({cls}) · FRP {frp} MW"],
  hotspot_evidence: ["已成为证据 #{id}", "became evidence #{id}"],
  hotspot_not_evidence: ["未成为证据", "not evidence"],
  zoom_in: ["放大", "Zoom in"],
  zoom_out: ["缩小", "Zoom out"],
  // detail
  back_to_list: ["返回列表", "Back to list"],
  lead_n: ["线索 #{id}", "Lead #{id}"],
  score_total: ["综合分值", "Score"],
  weights_version: ["权重版本 v{v}", "weights v{v}"],
  first_last: ["证据时间 {a} — {b}", "Evidence {a} — {b}"],
  assignee_is: ["承办人：{v}", "Assignee: {v}"],
  merged_into: ["已并入线索 #{id}", "Merged into lead #{id}"],
  responsible_is: ["责任检察院：{v}", "Responsible: {v}"],
  responsible_org: ["责任检察院", "Responsible procuratorate"],
  sec_photos: ["现场照片", "Photos"],
  sec_reports: ["群众举报", "Citizen reports"],
  sec_score: ["评分依据", "Score breakdown"],
  sec_legal: ["法律依据与待补证据", "Legal bases and missing elements"],
  sec_geocode: ["位置研判", "Location"],
  sec_evidence: ["证据清单", "Evidence"],
  sec_timeline: ["办理记录（哈希链）", "Timeline (hash-chained log)"],
  sec_suggestions: ["诉前检察建议", "Procuratorial suggestions"],
  sec_before_after: ["影像对比（变化前 / 变化后）", "Before / after imagery"],
  ba_before: ["变化前", "Before"],
  ba_after: ["变化后", "After"],
  ba_outline: ["蓝框为变化图斑", "The changed area is outlined in blue"],
  ba_largest: ["共 {n} 处变化图斑，显示面积最大的一处（蓝框）", "{n} changed areas; the largest is outlined in blue"],
  ba_area: ["变化面积", "Changed area"],
  ba_change: ["平均变化", "Mean change"],
  ba_recheck: ["整改复查", "Re-check"],
  ba_restored: ["{date} 影像：已恢复 {v}%", "image of {date}: {v}% restored"],
  ba_no_recheck: ["尚未复查", "not re-checked yet"],
  conf_low: ["低（单期影像）", "low (one image pair)"],
  conf_high: ["高（多期影像或实地印证）", "high (confirmed by imagery or on the ground)"],
  conf_highest: ["最高（影像与实地均印证）", "highest (confirmed by imagery and on the ground)"],
  no_photos: ["无照片证据", "No photo evidence"],
  no_reports: ["无群众举报", "No citizen report"],
  photo_open: ["查看大图", "Open the display copy"],
  photo_original: ["下载原件", "Download the original"],
  report_n: ["举报 #{id}", "Report #{id}"],
  submitted: ["提交", "Submitted"],
  location_source: ["定位来源", "Location from"],
  location_source_is: ["定位来源：{v}", "Location from: {v}"],
  duplicate_of: ["与举报 #{id} 重复", "duplicate of report #{id}"],
  not_applicable: ["不适用", "not applicable"],
  weight: ["权重", "weight"],
  air_hours: ["空气质量证据小时", "Air evidence hours"],
  col_station: ["站点", "Station"],
  col_at: ["时间", "Hour"],
  col_pm10: ["PM10", "PM10"],
  col_baseline: ["区域基线", "Baseline"],
  col_excess: ["局地超出", "Excess"],
  col_wind: ["风向/风速", "Wind"],
  col_distance: ["距离", "Distance"],
  col_travel: ["传输", "Travel"],
  proven: ["已具备", "proven"],
  missing: ["待补充", "missing"],
  zone_rule_is: ["适用区域：{v}", "Zone: {v}"],
  admin_chain: ["行政区划", "Division"],
  zones: ["所在管控区域", "Zones"],
  no_zone: ["不在任何管控区域内", "In no protected zone"],
  partners: ["协作检察院（{km} km 内）", "Partner procuratorates (within {km} km)"],
  cross_boundary: ["跨界线索", "Cross-boundary"],
  nearest_water: ["最近水体", "Nearest water body"],
  nearest_zone: ["最近水源保护区", "Nearest water-source zone"],
  not_within: ["{km} km 内无", "none within {km} km"],
  relation_within: ["位于", "within"],
  relation_on_boundary: ["位于边界", "on the boundary"],
  relation_overlaps: ["部分重叠", "overlaps"],
  relation_contains: ["包含", "contains"],
  ev_source: ["来源", "Source"],
  ev_photos: ["照片 SHA-256", "Photo SHA-256"],
  ev_rule: ["判定规则", "Rule"],
  ev_confidence: ["置信度", "Confidence"],
  ev_file: ["源文件 SHA-256 / 行", "Source file SHA-256 / line"],
  rule_no_burn_area: ["位于禁烧区", "inside a no-burn area"],
  rule_cropland_near_water_source: ["水源保护区附近农田", "cropland near a water-source zone"],
  agency: ["被建议机关", "Agency"],
  replied: ["已回复", "replied"],
  not_replied: ["未回复", "no reply"],
  // actions
  actions: ["办理", "Actions"],
  accept: ["受理（初审）", "Accept (triage)"],
  reject: ["不予立案", "Reject"],
  transition_to: ["流转至…", "Move to…"],
  submit: ["提交", "Submit"],
  note: ["办理意见 / 理由", "Note / reason"],
  note_placeholder: ["填写办理意见（不予立案须写明理由）", "Write a note (a rejection needs a reason)"],
  agency_placeholder: ["被建议的行政机关，如：怀来县生态环境分局", "Agency addressed, e.g. the county ecology bureau"],
  urgent: ["紧急（15 日内回复，否则 2 个月）", "Urgent (reply in 15 days instead of 2 months)"],
  assign: ["分配", "Assign"],
  choose_assignee: ["选择承办人", "Choose an assignee"],
  merge: ["合并重复线索", "Merge a duplicate"],
  dossier: ["导出线索卷宗 (ZIP)", "Export dossier (ZIP)"],
  no_transitions: ["当前状态不能再流转", "No further transition from this state"],
  accept_default_note: ["初审受理", "Accepted at triage"],
  need_note: ["请填写办理意见", "Write a note first"],
  need_reason: ["不予立案须填写理由", "A rejection needs a reason"],
  need_target: ["请选择流转目标状态", "Choose the state to move to"],
  need_agency: ["发出检察建议须填写被建议机关", "A suggestion needs the agency it is addressed to"],
  need_assignee: ["请选择承办人", "Choose an assignee"],
  moved: ["线索 #{id} 已变更为：{status}", "Lead #{id} is now: {status}"],
  assigned: ["线索 #{id} 已分配给 {name}", "Lead #{id} assigned to {name}"],
  dossier_done: ["卷宗已下载：{file}", "Dossier downloaded: {file}"],
  dossier_busy: ["正在生成卷宗…", "Building the dossier…"],
  pick_prompt: ["请在地图或列表中点击另一条线索，将其与 #{id} 合并", "Click the other lead on the map or in the list to merge it with #{id}"],
  pick_self: ["不能与自身合并，请选择另一条线索", "Pick another lead, not this one"],
  merge_title: ["确认合并线索", "Confirm merge"],
  merge_text: ["线索 #{source} 的证据将并入线索 #{target}；#{source} 将标记为“重复（已合并）”，#{target} 保留。", "The evidence of lead #{source} moves into lead #{target}; #{source} becomes a duplicate, #{target} is kept."],
  merge_swap: ["对调", "Swap"],
  merge_confirm: ["确认合并", "Merge"],
  merge_default_note: ["重复线索合并", "Merged duplicate lead"],
  merged: ["线索 #{source} 已并入 #{target}", "Lead #{source} merged into #{target}"],
  // enumerations
  sig_location_sensitivity: ["位置敏感度", "Location sensitivity"],
  sig_category_severity: ["类别严重程度", "Category severity"],
  sig_corroboration: ["相互印证", "Corroboration"],
  sig_recency: ["时效性", "Recency"],
  sig_recurrence: ["重复发生", "Recurrence"],
  sig_evidence_quality: ["证据质量", "Evidence quality"],
  sig_air_quality: ["空气质量关联", "Air quality"],
  kind_citizen_report: ["群众随手拍", "citizen report"],
  kind_fire_hotspot: ["卫星火点", "fire hotspot"],
  kind_change_polygon: ["影像变化图斑", "change polygon"],
  loc_exif_gps: ["照片 EXIF GPS", "photo EXIF GPS"],
  loc_device: ["设备定位", "device location"],
  loc_manual_pin: ["手动标点", "manual pin"],
  flag_exif_device_disagree: ["EXIF 与设备位置不一致", "EXIF and device location disagree"],
  flag_duplicate_photo: ["重复照片", "duplicate photo"],
  flag_capture_time_far: ["拍摄时间与提交相隔过久", "capture long before submission"],
  flag_capture_time_in_future: ["拍摄时间晚于提交", "capture time in the future"],
  flag_capture_time_missing: ["无拍摄时间", "no capture time"],
  flag_capture_time_zone_assumed: ["拍摄时区按 UTC+8 推定", "capture time zone assumed UTC+8"],
  flag_exif_points_spread: ["多张照片位置分散", "photo locations spread"],
  act_create: ["创建线索", "created"],
  act_attach: ["关联证据", "evidence attached"],
  act_score: ["评分", "scored"],
  act_transition: ["状态流转", "transition"],
  act_merge: ["合并", "merge"],
  act_split: ["拆分", "split"],
  act_assign: ["分配承办人", "assigned"],
  act_export: ["导出卷宗", "dossier exported"],
  act_weights: ["权重调整", "weights"],
};

const KEY = "ecoleads.lang";
const listeners = new Set();
let current = localStorage.getItem(KEY) === "en" ? "en" : "zh-CN";

export const lang = () => current;
export const isEn = () => current === "en";

export function t(key, vars = {}) {
  const entry = STRINGS[key];
  const text = entry ? entry[isEn() ? 1 : 0] : key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** A label for `key`, or `fallback` when the dictionary lacks it. */
export const tOr = (key, fallback) => (key in STRINGS ? t(key) : fallback);

/** Pick the current language from an API {zh, en} label. */
export const pick = (label) => (label ? (isEn() ? label.en : label.zh) ?? label.zh : "");

/** The current language's half of a server text written as "中文 (English)". */
export function bilingual(text) {
  if (!text || !text.endsWith(")")) return text || "";
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i -= 1) {
    if (text[i] === ")") depth += 1;
    if (text[i] === "(" && --depth === 0) {
      const zh = text.slice(0, i).trim();
      if (!zh || !/[\u3400-\u9fff]/.test(zh)) return text;
      return isEn() ? text.slice(i + 1, -1) : zh;
    }
  }
  return text;
}

export function applyStatic(root = document) {
  root.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll("[data-i18n-title]").forEach((el) => { el.title = t(el.dataset.i18nTitle); });
  root.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  });
  document.documentElement.lang = current;
  document.title = `${t("app_title")} · EcoLeads`;
}

export function setLang(next) {
  current = next === "en" ? "en" : "zh-CN";
  localStorage.setItem(KEY, current);
  applyStatic();
  listeners.forEach((fn) => fn(current));
}

export const onLangChange = (fn) => listeners.add(fn);
