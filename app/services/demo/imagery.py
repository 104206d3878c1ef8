"""Load the demo's illustrative imagery (demo/imagery/, see demo/build_imagery.py): three
real Sentinel-2 NDVI scenes placed over the demo area, a change detection between the
one-year pair, and a re-check of the resulting lead on the later scene."""

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.demo.base import DEMO_DIR, DEMO_PROSECUTOR
from app.services.files.archived_store import evidence_store
from app.services.files.uploads import sha256_file
from app.services.imagery.change import ChangeRequest, detect
from app.services.imagery.ingest import ImageUpload, import_image
from app.services.imagery.rechecks import lead_polygons, recheck
from app.settings import Settings
from geo.imagery.acquired import parse_acquired
from models import ChangeDetection, EvidenceItem, Image, User

IMAGERY_DIR = DEMO_DIR / "imagery"
# A loss of 0.2 NDVI over at least 0.05 ha (five 10 m pixels) counts as change.
THRESHOLD, MIN_AREA_M2 = 0.2, 500.0


def _image(session: Session, path: Path, acquired: str, settings: Settings, uid: int) -> Image:
    found = session.scalar(select(Image).where(Image.original_sha256 == sha256_file(path)))
    if found is not None:
        return found
    return import_image(
        session,
        upload=ImageUpload(
            path=path,
            name=path.name,
            sensor="sentinel2",
            acquired=parse_acquired(acquired),
            title=f"示意 NDVI {acquired[:10]} (illustrative)",
            illustrative=True,
        ),
        store=evidence_store(settings),
        settings=settings,
        user_id=uid,
    )


def load_demo_imagery(session: Session, *, settings: Settings) -> list[str]:
    """Import the demo scenes, detect change and re-check once; return what was done."""
    user = session.scalar(select(User).where(User.username == DEMO_PROSECUTOR[0]))
    if user is None:
        return []
    done = []
    entries = json.loads((IMAGERY_DIR / "imagery.json").read_text(encoding="utf-8"))
    images = {
        e["role"]: _image(session, IMAGERY_DIR / e["file"], e["acquired"], settings, user.id)
        for e in entries
    }
    before, after, later = images["before"], images["after"], images["recheck"]
    store = evidence_store(settings)
    detection = session.scalar(
        select(ChangeDetection).where(
            ChangeDetection.before_id == before.id, ChangeDetection.after_id == after.id
        )
    )
    if detection is None:
        detection = detect(
            session,
            req=ChangeRequest(before.id, after.id, "ndvi", THRESHOLD, MIN_AREA_M2),
            store=store,
            settings=settings,
            user_id=user.id,
        )
        done.append(f"change detection {detection.id}: {detection.summary['polygons']} areas")
        lead_ids = sorted(
            {
                i.lead_id
                for i in session.scalars(
                    select(EvidenceItem).where(
                        EvidenceItem.id.in_(detection.summary.get("evidence", []))
                    )
                )
                if i.lead_id is not None
            }
        )
        for lead_id in lead_ids[:1]:
            if lead_polygons(session, lead_id):
                recheck(
                    session,
                    user=user,
                    lead_id=lead_id,
                    after_id=later.id,
                    store=store,
                    settings=settings,
                )
                done.append(f"re-check of lead {lead_id}")
    return done
