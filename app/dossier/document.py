"""The dossier as one self-contained HTML page (Chinese, with English subtitles).

The same HTML is printed to PDF by `app.dossier.pdf`; its `@page` rules only matter there.
Everything the caller supplies is escaped; the only external reference is the map image,
whose `src` is `map_png_name` (a file beside the HTML in the ZIP, or a data: URI).
"""

from collections.abc import Callable
from datetime import date, datetime
from html import escape
from typing import Any

from app.dossier.model import DossierContent, numbered_files

VERIFY_COMMAND = "ecoleads dossier verify FILE.zip"

CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @bottom-center { font-size: 8pt; color: #64748b; } }
html { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", sans-serif; font-size: 10pt; color: #1e293b; line-height: 1.45; }
body { max-width: 190mm; margin: 0 auto; }
h1 { font-size: 22pt; margin: 0; } h1 small, h2 small { font-weight: normal; color: #64748b; }
h1 small { font-size: 13pt; margin-left: .4em; }
h2 { font-size: 13pt; border-bottom: 2px solid #1e293b; margin: 1.3em 0 .5em;
  break-after: avoid; } h2 small { font-size: 9.5pt; margin-left: .4em; }
.sub { color: #475569; margin: .2em 0 0; } .lead-title { font-size: 14pt; margin: .6em 0 0; }
table { width: 100%; border-collapse: collapse; margin: .3em 0; }
th, td { border: 1px solid #cbd5e1; padding: 3px 5px; text-align: left; vertical-align: top; }
th { background: #f1f5f9; font-weight: bold; } th small { display: block; font-weight: normal;
  color: #64748b; font-size: 7.5pt; } tr { break-inside: avoid; }
table.kv th { width: 30%; } table.fixed { table-layout: fixed; }
.file { word-break: break-all; } .num { text-align: right; white-space: nowrap; }
.hash { font-family: "Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace; font-size: 7pt;
  word-break: break-all; }
.bar { background: #e2e8f0; height: 8px; width: 100%; min-width: 30mm; }
.bar div { background: #2563eb; height: 8px; } .bar div.neg { background: #dc2626; }
figure { margin: .3em 0; break-inside: avoid; }
.pair { display: flex; gap: 4mm; break-inside: avoid; }
.pair figure { flex: 1; }
figure img { display: block; width: 100%; max-width: 160mm; margin: 0 auto;
  border: 1px solid #cbd5e1; }
figcaption { color: #475569; font-size: 8.5pt; }
.basis { border-left: 4px solid #1e293b; padding: .2em .7em; margin: .5em 0; break-inside: avoid; }
.basis blockquote { margin: .2em 0; color: #334155; }
.missing { color: #b91c1c; } .complete { color: #15803d; }
.basis .version { margin: .1em 0; color: #64748b; font-size: 8.5pt; }
.basis .review { border: 1px solid #b45309; color: #b45309; padding: 0 4px; font-size: 8.5pt; }
.basis.none { border-left-color: #b45309; color: #92400e; }
.total { font-size: 16pt; font-weight: bold; }
code { font-family: "Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace; background: #f1f5f9;
  padding: 0 3px; } .verify p { margin: .35em 0; }
"""


def _fmt(value: Any) -> str:
    """Plain text for a cell: dates in ISO form, lists joined, coordinates as N/E."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        if len(value) == 2 and all(isinstance(v, int | float) for v in value):
            lon, lat = float(value[0]), float(value[1])
            ns, ew = "N" if lat >= 0 else "S", "E" if lon >= 0 else "W"
            return f"{abs(lat):.6f}°{ns}, {abs(lon):.6f}°{ew}"
        return "、".join(_fmt(v) for v in value) or "—"
    return str(value) or "—"


def _e(value: Any) -> str:
    return escape(_fmt(value))


def _h2(zh: str, en: str) -> str:
    return f"<h2>{escape(zh)}<small>{escape(en)}</small></h2>"


def _table(columns: list[tuple[str, str, int]], rows: list[str]) -> str:
    """A table with fixed column widths (percent) and a header repeated on each PDF page."""
    cols = "".join(f'<col style="width:{w}%">' for _, _, w in columns)
    head = "".join(f"<th>{escape(zh)}<small>{escape(en)}</small></th>" for zh, en, _ in columns)
    body = "".join(rows)
    return (
        f'<table class="fixed"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _kv(rows: list[tuple[str, Any]]) -> str:
    body = "".join(f"<tr><th>{escape(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f'<table class="kv">{body}</table>'


def _summary(c: DossierContent, key_fingerprint: str | None) -> str:
    rows: list[tuple[str, Any]] = [
        ("线索编号 Lead no.", c.lead_id),
        ("标题 Title", c.title),
        ("类别 Category", c.category_label),
        ("状态 Status", c.status_label),
        ("承办单位 Organisation", c.organisation),
        ("创建时间 Created", c.created_at),
        ("卷宗生成时间 Generated", c.generated_at),
        ("生成人 Generated by", c.generated_by),
        ("证据数量 Evidence items", len({e.get("n") for e in c.evidence})),
    ]
    if key_fingerprint:
        rows.append(("签名公钥指纹 Signing key (SHA-256)", key_fingerprint))
    return _h2("一、摘要", "Summary") + _kv(rows)


def _sources(c: DossierContent) -> str:
    columns = [
        ("渠道", "Channel", 30),
        ("证据数", "Items", 8),
        ("首次收到", "First received", 18),
        ("最近收到", "Last received", 18),
        ("提供者", "From", 26),
    ]
    rows = [
        f"<tr><td>{_e(r.get('channel'))}</td><td class='num'>{_e(r.get('count'))}</td>"
        f"<td>{_e(r.get('first'))}</td><td>{_e(r.get('last'))}</td><td>{_e(r.get('from'))}</td>"
        "</tr>"
        for r in c.sources
    ]
    body = _table(columns, rows) if rows else "<p>暂无证据 No evidence.</p>"
    return _h2("二、线索来源", "Where the lead came from") + body


def _assessments(c: DossierContent) -> str:
    columns = [
        ("时间", "At", 20),
        ("环节", "Step", 22),
        ("意见", "Assessment", 40),
        ("检察官", "By", 18),
    ]
    rows = [
        f"<tr><td>{_e(a.get('at'))}</td><td>{_e(a.get('step'))}</td><td>{_e(a.get('note'))}</td>"
        f"<td>{_e(a.get('by'))}</td></tr>"
        for a in c.assessments
    ]
    body = _table(columns, rows) if rows else "<p>尚未审查 Not yet assessed.</p>"
    return _h2("三、初步调查与审查意见", "Prosecutors' assessments") + body


def _handling(c: DossierContent) -> str:
    return (
        _h2("四、办案情况", "Case handling")
        + _kv(list(c.handling))
        + "<h3>责任主体 Responsible party and agency</h3>"
        + _kv(list(c.parties))
    )


def _scores(c: DossierContent) -> str:
    top = max((abs(float(s.get("points") or 0)) for s in c.score_entries), default=0.0) or 1.0
    rows = []
    for s in c.score_entries:
        points = float(s.get("points") or 0)
        width = round(abs(points) / top * 100, 1)
        neg = ' class="neg"' if points < 0 else ""
        rows.append(
            f"<tr><td>{_e(s.get('label') or s.get('name'))}</td><td class='num'>"
            f"{_e(s.get('value'))}</td><td class='num'>{_e(s.get('weight'))}</td>"
            f"<td class='num'>{points:.1f}</td><td><div class='bar'><div{neg} "
            f"style='width:{width}%'></div></div></td><td>{_e(s.get('reason'))}</td></tr>"
        )
    columns = [
        ("指标", "Factor", 18),
        ("取值", "Value", 10),
        ("权重", "Weight", 9),
        ("得分", "Points", 9),
        ("", "", 20),
        ("理由", "Reason", 34),
    ]
    total = f'<p>综合评分 Total score: <span class="total">{c.score_total:.1f}</span></p>'
    hours = [h for s in c.score_entries for h in s.get("details") or []]
    return _h2("六、评分明细", "Score breakdown") + total + _table(columns, rows) + _air(hours)


def _air(hours: list[dict[str, Any]]) -> str:
    """The station hours behind the air signal (who was upwind), if any."""
    if not hours:
        return ""
    columns = [
        ("站点", "Station", 10),
        ("时间 (UTC)", "Hour start", 22),
        ("PM10", "PM10", 9),
        ("区域基线", "Baseline", 10),
        ("局地超出", "Excess", 10),
        ("风向°", "Wind from", 9),
        ("风速 m/s", "Speed", 9),
        ("距离 km", "Distance", 10),
        ("传输 h", "Travel", 11),
    ]
    rows = [
        f"<tr><td>{_e(h['station'])}</td><td>{_e(h['at'])}</td><td class='num'>{h['pm10']}</td>"
        f"<td class='num'>{h['baseline']}</td><td class='num'>{h['excess']}</td>"
        f"<td class='num'>{h['wind_dir']}</td><td class='num'>{h['wind_speed']}</td>"
        f"<td class='num'>{h['distance_m'] / 1000:.1f}</td>"
        f"<td class='num'>{h['travel_h']}</td></tr>"
        for h in hours
    ]
    return "<h3>大气归因：上风向证据小时 Air attribution: upwind evidence hours</h3>" + _table(
        columns, rows
    )


NEEDS_REVIEW_BADGE = "条文编号待核实 (article numbering needs review)"


def _version(basis: dict[str, Any]) -> str:
    """The edition quoted, its period in force and the conduct date that picked it."""
    if not basis.get("code"):
        return ""
    return (
        f'<p class="version">{_e(basis.get("source"))} · 施行 in force '
        f"{_e(basis.get('effective_from'))} – {escape(basis.get('effective_to') or '今 now')} · "
        f"行为日期 conduct date {_e(basis.get('conduct_date'))}</p>"
        + (f'<p class="version">{_e(basis["timing_note"])}</p>' if basis.get("timing_note") else "")
    )


def _legal(c: DossierContent) -> str:
    parts = [_h2("七、法律依据", "Legal bases")]
    if not c.legal_bases:
        parts.append("<p>暂无 None recorded.</p>")
    for basis in c.legal_bases:
        if basis.get("kind") == "no_basis":
            parts.append(f'<div class="basis none"><p>{_e(basis.get("note"))}</p></div>')
            continue
        missing = [str(m) for m in basis.get("missing") or []]
        status = (
            '<p class="missing">待补充要件 Missing elements: '
            + "；".join(escape(m) for m in missing)
            + "</p>"
            if missing
            else '<p class="complete">要件齐备 All elements present</p>'
        )
        review = (
            f' <span class="review">{escape(NEEDS_REVIEW_BADGE)}</span>'
            if basis.get("needs_review")
            else ""
        )
        parts.append(
            f'<div class="basis"><strong>{_e(basis.get("law"))} {_e(basis.get("article"))}'
            f"</strong>{review}{_version(basis)}<blockquote>{_e(basis.get('text'))}</blockquote>"
            f"{status}</div>"
        )
    if c.findings:
        columns = [
            ("要件", "Element", 30),
            ("认定", "Finding", 10),
            ("依据", "Rests on", 34),
            ("证据", "Evidence", 8),
            ("认定人、时间", "By, at", 18),
        ]
        rows = [
            f"<tr><td>{_e(f.get('element'))}</td>"
            f"<td>{'已证明 proven' if f.get('proven') else '未证明 not proven'}</td>"
            f"<td>{_e(f.get('note'))}</td><td>{_e(f.get('evidence'))}</td>"
            f"<td>{_e(f.get('by'))} {_e(f.get('at'))}</td></tr>"
            for f in c.findings
        ]
        parts.append("<h3>调查认定 Findings of the investigation</h3>" + _table(columns, rows))
    return "".join(parts)


def _evidence(c: DossierContent) -> str:
    archive: dict[Any, str] = {f.name: path for path, f in numbered_files(c)}
    columns = [
        ("序号", "No.", 6),
        ("类型", "Kind", 9),
        ("观测时间", "Observed at", 15),
        ("位置", "Location", 14),
        ("来源", "Source", 10),
        ("标记", "Flags", 8),
        ("文件", "File", 16),
        ("SHA-256", "at intake", 22),
    ]
    rows = [
        f"<tr><td class='num'>{_e(e.get('n'))}</td><td>{_e(e.get('kind'))}</td>"
        f"<td>{_e(e.get('taken_at'))}</td><td>{_e(e.get('location'))}</td>"
        f"<td>{_e(e.get('source'))}</td><td>{_e(e.get('flags'))}</td>"
        f"<td class='file'>{_e(archive.get(e.get('file_name'), e.get('file_name')))}</td>"
        f"<td class='hash'>{_e(e.get('sha256'))}</td></tr>"
        for e in c.evidence
    ]
    return _h2("九、证据清单", "Evidence") + _table(columns, rows) + _custody(c)


def _custody(c: DossierContent) -> str:
    """Where each original's write-once copy is kept (S3 Object Lock), when archived."""
    if not c.custody:
        return ""
    columns = [
        ("序号", "No.", 6),
        ("存储位置", "Bucket / key", 40),
        ("版本", "Version", 22),
        ("锁定", "Lock", 12),
        ("保存至", "Retained until", 20),
    ]
    rows = [
        f"<tr><td class='num'>{_e(k.get('n'))}</td>"
        f"<td class='hash'>s3://{_e(k.get('bucket'))}/{_e(k.get('key'))}</td>"
        f"<td class='hash'>{_e(k.get('version_id'))}</td><td>{_e(k.get('lock_mode'))}</td>"
        f"<td>{_e(k.get('retain_until'))}</td></tr>"
        for k in c.custody
    ]
    note = (
        "<p>原始文件另存于对象存储，合规模式锁定（任何人在保存期内不能删除、覆盖或缩短保存期），"
        "上传时由存储服务核验 SHA-256。 Each original is also kept in object storage under a "
        "COMPLIANCE lock (nobody can delete or overwrite it, or shorten its retention, before it "
        "ends); the store checked its SHA-256 on upload.</p>"
    )
    return "<h3>存证副本 Write-once archive copies</h3>" + note + _table(columns, rows)


def _imagery(c: DossierContent, src: Callable[[str], str]) -> str:
    """Change detections and re-checks: facts, then each before/after pair side by side."""
    if not c.figures and not c.imagery:
        return ""
    pairs = "".join(
        '<div class="pair">'
        + "".join(
            f'<figure><img src="{escape(src(f.name))}" alt="{escape(f.caption)}">'
            f"<figcaption>{escape(f.caption)}</figcaption></figure>"
            for f in pair
        )
        + "</div>"
        for pair in c.figures
    )
    return _h2("九之一、影像证据", "Imagery: change and re-checks") + _kv(list(c.imagery)) + pairs


def _timeline(c: DossierContent) -> str:
    columns = [
        ("时间", "At", 17),
        ("操作人", "Actor", 13),
        ("操作", "Action", 12),
        ("说明", "Note", 28),
        ("日志哈希", "Entry hash", 30),
    ]
    rows = [
        f"<tr><td>{_e(t.get('at'))}</td><td>{_e(t.get('actor'))}</td>"
        f"<td>{_e(t.get('action'))}</td><td>{_e(t.get('note'))}</td>"
        f"<td class='hash'>{_e(t.get('entry_hash'))}</td></tr>"
        for t in c.timeline
    ]
    return _h2("十、处理记录", "Timeline (tamper-evident log)") + _table(columns, rows)


def _verify(key_fingerprint: str | None) -> str:
    key = f"<code>{escape(key_fingerprint)}</code>" if key_fingerprint else "见 manifest"
    return (
        _h2("十一、如何核验", "How to verify") + '<div class="verify">'
        "<p>本卷宗 ZIP 文件中的每个文件（含本页、PDF、地图和全部原始证据）均列于 "
        "<code>manifest.json</code>，并附 SHA-256 哈希值和大小；该清单由检察机关以 Ed25519 "
        "私钥签名（<code>manifest.sig</code>），公钥为 <code>public_key.pem</code>。"
        f"核验命令：<code>{escape(VERIFY_COMMAND)}</code>。</p>"
        "<p>Every file in this dossier ZIP (this page, the PDF, the map and each original "
        "evidence file) is listed in <code>manifest.json</code> with its SHA-256 and size, and "
        "the manifest is signed with Ed25519 (<code>manifest.sig</code>, base64; key in "
        f"<code>public_key.pem</code>). Verify with <code>{escape(VERIFY_COMMAND)}</code>; "
        "it names any file that was changed, removed or added.</p>"
        "<p>不依赖本系统的核验方法 Independent check: <code>sha256sum</code> 每个文件并与 "
        "manifest.json 比对；<code>base64 -d manifest.sig &gt; sig.bin &amp;&amp; openssl "
        "pkeyutl -verify -pubin -inkey public_key.pem -rawin -in manifest.json -sigfile "
        "sig.bin</code>。请将公钥指纹（原始 32 字节公钥的 SHA-256）"
        f"{key} 与检察机关公布的指纹核对 (compare the key fingerprint with the published one)."
        "</p></div>"
    )


def render_html(
    content: DossierContent,
    map_png_name: str,
    key_fingerprint: str | None = None,
    figure_src: Callable[[str], str] | None = None,
) -> str:
    """The complete dossier page; `map_png_name` is the map's `src` (e.g. "map.png") and
    `figure_src` gives a figure's `src` from its archive name (default: the name)."""
    c = content
    page_footer = (
        f'@page {{ @bottom-center {{ content: "线索卷宗 Lead file #{int(c.lead_id)} · 第 "'
        ' counter(page) " / " counter(pages) " 页"; } }'
    )
    figure = (
        _h2("五、位置图", "Map") + f'<figure><img src="{escape(map_png_name)}" alt="位置图 map">'
        "<figcaption>保护区、证据点（编号同证据清单）与线索位置；WGS-84，比例尺以米计。"
        " Protection zones, numbered evidence points and the lead; WGS-84, scale in metres."
        "</figcaption></figure>"
    )
    geocode = _h2("八、地理编码", "Geocoding") + _kv(list(c.geocode_summary))
    body = "".join(
        [
            "<header><h1>线索卷宗<small>Lead file</small></h1>",
            f'<p class="lead-title">{_e(c.title)}</p>',
            f'<p class="sub">{_e(c.organisation)} · 线索 Lead #{c.lead_id} · '
            f"{_e(c.category_label)} · {_e(c.status_label)}</p></header>",
            _summary(c, key_fingerprint),
            _sources(c),
            _assessments(c),
            _handling(c),
            figure,
            _scores(c),
            _legal(c),
            geocode,
            _evidence(c),
            _imagery(c, figure_src or (lambda name: name)),
            _timeline(c),
            _verify(key_fingerprint),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>线索卷宗 Lead file #{c.lead_id} {_e(c.title)}</title>"
        f'<meta name="author" content="{_e(c.organisation)}">'
        f'<meta name="generator" content="EcoLeads"><style>{CSS}{page_footer}</style>'
        f"</head><body>{body}</body></html>\n"
    )
