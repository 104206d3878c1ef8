"""Load the demo dataset (demo/manifest.json): layers and organisations, idempotently."""

import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.accounts.organisations import upsert_organisation
from app.services.files.uploads import sha256_file
from app.services.places.layers import get_layer, import_layer
from app.settings import Settings
from geo.layers import ReadOptions
from geo.progress import Progress, no_progress
from models import Layer
from models.base import utcnow

DEMO_DIR = Path(__file__).resolve().parents[3] / "demo"


@dataclass(frozen=True)
class DemoLoaded:
    """What loading the demo did: layers imported and unchanged, organisations upserted."""

    imported: list[str]
    unchanged: list[str]
    organisations: int


def load_demo(
    session: Session, *, root: Path = DEMO_DIR, progress: Progress = no_progress
) -> DemoLoaded:
    """Import every demo layer whose file changed since its last version, then the orgs."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    imported, unchanged = [], []
    entries = manifest["layers"]
    for n, entry in enumerate(entries):
        path = root / entry["file"]
        progress(n / (len(entries) + 1), f"layer {entry['name']}")
        if session.scalar(select(Layer.id).where(Layer.name == entry["name"])) is not None:
            _, versions = get_layer(session, ref=entry["name"])
            if versions and versions[0].source_sha256 == sha256_file(path):
                unchanged.append(entry["name"])
                continue
        import_layer(
            session,
            path=path,
            name=entry["name"],
            kind=entry["kind"],
            title=entry.get("title"),
            filename=path.name,
            options=ReadOptions(
                kind=entry["kind"],
                crs=entry.get("crs"),
                name_field=entry.get("name_field"),
                level_field=entry.get("level_field"),
                code_field=entry.get("code_field"),
            ),
        )
        imported.append(entry["name"])
    progress(len(entries) / (len(entries) + 1), "organisations")
    for org in manifest["organisations"]:
        juris = org.get("jurisdiction") or {}
        upsert_organisation(
            session,
            code=org["code"],
            name=org["name"],
            name_en=org.get("name_en"),
            role=org["role"],
            level=org["level"],
            parent_code=org.get("parent"),
            layer=juris.get("layer"),
            feature_code=juris.get("feature_code"),
        )
    progress(1.0, "demo loaded")
    return DemoLoaded(imported, unchanged, len(manifest["organisations"]))


DEMO_PROSECUTOR = ("demo-prosecutor", "demo-password-2026")
# (category, lon, lat, days ago, description): illustrative reports at real demo places.
DEMO_REPORTS = [
    ("waste_dumping", 115.6436, 40.3214, 2, "官厅水库一级保护区内倾倒建筑垃圾"),
    ("waste_dumping", 115.6442, 40.3219, 1, "同一地点又见新倒的垃圾"),
    ("water_pollution_discharge", 115.1918, 40.3598, 5, "桑干河涿鹿段有管道排出黑水"),
    ("sand_gravel_extraction", 115.1674, 40.3600, 9, "河道里有人夜间采砂"),
    ("wetland_damage", 114.2150, 40.0413, 12, "桑干河湿地边缘被填土"),
    ("straw_burning", 114.9103, 40.6205, 1, "农田焚烧秸秆，浓烟很大"),
    ("construction_dust", 114.8841, 40.7701, 3, "工地未覆盖，扬尘严重"),
]


def _demo_photo(lon: float, lat: float, taken: datetime, seed: int) -> bytes:
    """A small generated JPEG with EXIF GPS and capture time (clearly a demo picture)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 480), (90 + seed * 20 % 120, 120, 100))
    draw = ImageDraw.Draw(img)
    draw.rectangle((40 + seed * 30, 200, 400 + seed * 20, 420), fill=(60, 50, 40))
    draw.text((20, 20), f"EcoLeads demo photo {seed}", fill=(255, 255, 255))
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)

    def dms(v: float) -> tuple[float, float, float]:
        d = int(v)
        m = int((v - d) * 60)
        return float(d), float(m), round(((v - d) * 60 - m) * 60, 4)

    gps.update({1: "N", 2: dms(lat), 3: "E", 4: dms(lon)})
    exif[0x9003] = taken.astimezone(timezone(timedelta(hours=8))).strftime("%Y:%m:%d %H:%M:%S")
    exif[0x9011] = "+08:00"
    exif[0x010F], exif[0x0110] = "EcoLeads", "Demo"
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def load_demo_reports(session: Session, *, settings: Settings) -> int:
    """Create the demo prosecutor and volunteers and submit demo reports (once)."""
    from app.services.accounts.auth import create_user
    from app.services.accounts.tokens import issue_token
    from app.services.files.archived_store import evidence_store
    from app.services.reports.intake import PhotoUpload, ReportInput, create_report
    from app.services.reports.placing import place_waiting_reports
    from models import User

    if session.scalar(select(User.id).where(User.username == DEMO_PROSECUTOR[0])):
        return 0
    create_user(
        session,
        role="prosecutor",
        org_code="130700",
        username=DEMO_PROSECUTOR[0],
        password=DEMO_PROSECUTOR[1],
        display_name="演示检察官 Demo prosecutor",
    )
    store = evidence_store(settings)
    now = utcnow()
    for n, (category, lon, lat, ago, text) in enumerate(DEMO_REPORTS, start=1):
        user = create_user(
            session,
            role="volunteer",
            org_code="130700",
            username=f"demo-volunteer-{n}",
            password="demo-password-2026",
            display_name=f"演示志愿者 {n}",
        )
        _, token = issue_token(session, user=user, kind="session", ttl=timedelta(minutes=5))
        taken = now - timedelta(days=ago, hours=2)
        create_report(
            session,
            user=user,
            token=token,
            settings=settings,
            store=store,
            inp=ReportInput(
                category=category,
                description=text,
                photos=[PhotoUpload(f"demo{n}.jpg", _demo_photo(lon, lat, taken, n))],
                idempotency_key=f"demo-{n}",
            ),
        )
    place_waiting_reports(session, settings=settings)
    return len(DEMO_REPORTS)
