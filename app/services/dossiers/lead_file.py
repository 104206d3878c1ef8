"""Use case: assemble a lead's file (dossier) from the database and sign it."""

from datetime import datetime
from pathlib import Path
from typing import Any

import shapely
from geoalchemy2.shape import to_shape
from shapely.geometry import mapping
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.dossier import DossierContent, DossierFile, MapFeature, build_dossier
from app.dossier.keys import load_or_create_key
from app.services import audit
from app.services.dossiers.case_sections import (
    assessments,
    channel,
    display_names,
    handling,
    item_place,
    parties,
    sources,
)
from app.services.files.evidence_store import EvidenceStore, evidence_key
from app.services.imagery.dossier import imagery_part
from app.services.leads.findings import findings_of
from app.services.leads.steps import current_bases
from app.services.leads.workflow import lead_to_act_on
from app.services.places.geocode import widened
from app.services.reports.queries import MEDIA_TYPES
from models import (
    ArchivedOriginal,
    EvidenceItem,
    LayerFeature,
    LeadFinding,
    Organisation,
    ReportPhoto,
    User,
)
from models.base import utcnow
from models.spatial import BBoxFilter
from rules.categories import CATEGORIES
from rules.legal import ELEMENTS
from rules.workflow import STATUS_LABELS

ZONE_STYLES = {
    ("water_source_zone", "I"): "zone_I",
    ("water_source_zone", "II"): "zone_II",
    ("water_source_zone", "quasi"): "zone_quasi",
    ("wetland", None): "wetland",
    ("ecological_redline", None): "redline",
}


def signing_key(path: Path) -> bytes:
    """Return the server's Ed25519 private key (PEM), generating it (mode 0600) on first use."""
    return load_or_create_key(path)


def _map_features(
    session: Session, lead_id: int, lead_geom: Any, items: list[EvidenceItem]
) -> list[MapFeature]:
    """The lead, its evidence and the protected zones around it (current layer versions)."""
    from app.services.places.layers import current_version_ids
    from models import Layer, LayerVersion

    shape = to_shape(lead_geom)
    window = widened(shape.bounds, 3000)
    rows = session.execute(
        select(LayerFeature, Layer.kind)
        .join(LayerVersion, LayerFeature.layer_version_id == LayerVersion.id)
        .join(Layer, LayerVersion.layer_id == Layer.id)
        .where(
            LayerFeature.layer_version_id.in_(current_version_ids(session)),
            Layer.kind.in_(("water_source_zone", "wetland", "ecological_redline", "water_body")),
            BBoxFilter(LayerFeature.id, LayerFeature.geom, window),
        )
    ).all()
    features = []
    for f, kind in rows:
        style = ZONE_STYLES.get((kind, f.level)) or ZONE_STYLES.get((kind, None)) or "water"
        # Clipped to the window: a river crossing the map must not zoom it out to the basin.
        part = shapely.clip_by_rect(to_shape(f.geom), *window)
        if not part.is_empty:
            features.append(MapFeature(mapping(part), f.name or kind, style))
    # A lead merged into another keeps its place but may have no evidence left.
    features.append(MapFeature(mapping(shape), f"线索 #{lead_id}", "lead"))
    for n, item in enumerate(items, start=1):
        features.append(MapFeature(mapping(to_shape(item.geom).centroid), str(n), "evidence"))
    return features


def make_dossier(
    session: Session, *, user: User, lead_id: int, store: EvidenceStore, key_path: Path
) -> bytes:
    """Build the signed ZIP of a lead and log that it was generated."""
    lead = lead_to_act_on(session, user=user, lead_id=lead_id)
    items = list(
        session.scalars(
            select(EvidenceItem).where(EvidenceItem.lead_id == lead.id).order_by(EvidenceItem.id)
        )
    )
    files, evidence = [], []
    for n, item in enumerate(items, start=1):
        photos = session.scalars(
            select(ReportPhoto)
            .where(ReportPhoto.report_id == item.report_id)
            .order_by(ReportPhoto.position)
        ).all()
        for p in photos:
            name = f"report{item.report_id}_photo{p.position}.{p.format}"
            data = store.get(evidence_key("originals", p.sha256))
            files.append(DossierFile(name, data, MEDIA_TYPES[p.format], "原始照片 original photo"))
            point = to_shape(item.geom).centroid
            evidence.append(
                {
                    "n": n,
                    "kind": item.kind,
                    "taken_at": _when(p.taken_at or item.observed_at, item.provenance),
                    "location": f"{point.y:.6f} N, {point.x:.6f} E "
                    f"({item.provenance.get('location_source')})",
                    "source": item.source,
                    "sha256": p.sha256,
                    "flags": ", ".join(item.provenance.get("flags", [])),
                    "file_name": name,
                }
            )
    imagery = imagery_part(session, lead_id=lead.id, items=items, store=store)
    files += imagery.files
    listed = {int(str(e["n"])) for e in [*evidence, *imagery.rows]}
    others = [_other_row(n, i) for n, i in enumerate(items, start=1) if n not in listed]
    evidence = sorted([*evidence, *imagery.rows, *others], key=lambda e: int(str(e["n"])))
    audit.append_by(
        session,
        user,
        "export",
        lead_id=lead.id,
        change={"dossier": True, "files": [f.name for f in files]},
    )
    org = session.get(Organisation, lead.org_id) if lead.org_id else None
    zh = CATEGORIES[lead.category].zh
    geocode = lead.geocode
    summary = [
        ("行政区划 Division", " / ".join(a["name"] or "" for a in geocode.get("admin", []))),
        (
            "保护区 Zones",
            "; ".join(
                f"{z['kind_title']} {z['level'] or ''} {z['name'] or ''}"
                for z in geocode.get("zones", [])
            )
            or "—",
        ),
        (
            "责任检察院 Responsible",
            ", ".join(o["name"] for o in geocode.get("responsible_organisations", [])) or "—",
        ),
    ]
    found = findings_of(session, lead_id=lead.id)
    content = DossierContent(
        lead_id=lead.id,
        title=f"{zh}线索 #{lead.id}",
        category_label=zh,
        status_label=STATUS_LABELS[lead.status][0],
        organisation=org.name if org else "—",
        created_at=lead.created_at,
        generated_at=utcnow(),
        generated_by=user.display_name,
        score_total=lead.score,
        score_entries=[{**e, "label": e["name"]} for e in lead.score_breakdown],
        legal_bases=current_bases(session, lead),
        findings=_findings(session, found, {item.id: n for n, item in enumerate(items, 1)}),
        sources=sources(session, items),
        assessments=assessments(session, lead.id),
        handling=handling(session, lead),
        parties=parties(session, lead, found),
        geocode_summary=summary,
        timeline=[
            {
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "note": str(e.change.get("note", "")),
                "entry_hash": e.hash,
            }
            for e in audit.history(session, lead_id=lead.id)
        ],
        evidence=evidence,
        custody=_custody(session, evidence),
        map_features=_map_features(session, lead.id, lead.geom, items),
        files=files,
        figures=imagery.figures,
        imagery=imagery.facts,
    )
    return build_dossier(content, signing_key(key_path))


def _custody(session: Session, evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The archive copy of each original the evidence list names (by its number)."""
    numbers: dict[str, Any] = {}
    for e in evidence:
        if e.get("sha256"):
            numbers.setdefault(str(e["sha256"]), e["n"])
    copies = session.scalars(
        select(ArchivedOriginal).where(ArchivedOriginal.sha256.in_(list(numbers)))
    )
    rows = [
        {
            "n": numbers[c.sha256],
            "sha256": c.sha256,
            "bucket": c.bucket,
            "key": c.object_key,
            "version_id": c.version_id,
            "lock_mode": c.lock_mode,
            "retain_until": c.retain_until.strftime("%Y-%m-%d %H:%M UTC"),
        }
        for c in copies
    ]
    return sorted(rows, key=lambda r: (int(r["n"]), r["sha256"]))


def _findings(
    session: Session, found: list[LeadFinding], numbers: dict[int, int]
) -> list[dict[str, Any]]:
    """The findings as the dossier lists them, evidence by its number in the file."""
    names = display_names(session, {f.created_by_id for f in found})
    return [
        {
            "element": ELEMENTS[f.element][0] if f.element in ELEMENTS else f.element,
            "proven": f.proven,
            "note": f.note,
            "evidence": "、".join(str(numbers.get(i, i)) for i in f.evidence_ids) or "—",
            "by": names.get(f.created_by_id, f"user:{f.created_by_id}"),
            "at": f.created_at,
        }
        for f in found
    ]


def _other_row(n: int, item: EvidenceItem) -> dict[str, Any]:
    """An item without files in the dossier (a fire hotspot, …): its record and where the
    record came from (a FIRMS file's SHA-256 and line)."""
    p = item.provenance
    facts = [
        f"源文件第{p['line']}行 line {p['line']}" if "line" in p else "",
        f"置信度 confidence {p['confidence']}" if "confidence" in p else "",
        f"FRP {p['frp_mw']} MW" if p.get("frp_mw") is not None else "",
        f"规则 rule {p['rule']}" if p.get("rule") else "",
    ]
    return {
        "n": n,
        "kind": f"{channel(item)} ({item.kind})",
        "taken_at": item.observed_at,
        "location": item_place(item),
        "source": item.source,
        "sha256": p.get("file_sha256"),
        "flags": "; ".join(f for f in facts if f),
        "file_name": None,
    }


def _when(at: datetime, provenance: dict[str, Any]) -> datetime | str:
    """A photo's measured time, and the reporter's claim beside it when they gave another."""
    claimed = provenance.get("claimed_at")
    if not claimed:
        return at
    return f"{at.isoformat(sep=' ', timespec='seconds')}（据举报人陈述：{claimed}）"


def now_stamp() -> str:
    """Return a compact UTC timestamp for file names."""
    return utcnow().strftime("%Y%m%dT%H%M%SZ")
