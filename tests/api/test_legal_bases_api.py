"""Legal bases in the database and on leads, on both backends: seeding new versions without
overwriting, and a straw-burning fire outside any designated no-burn area."""

import io
import json
import threading
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from app.main import create_app
from app.services.leads.legal import as_row, legal_rows, seed_legal_bases
from models import LegalBasis
from rules.legal import row_digest
from rules.legal_seed import NOT_DESIGNATED, SEED
from tests.api.helpers import wait_for_job
from tests.conftest import (
    Backend,
    bearer,
    clear_activity,
    login_as,
    make_settings,
    remigrate,
)

# One MODIS detection (a real FIRMS row of tests/data/firms/, 2022-05-28 05:38 UTC).
FIRE = (115.90462, 40.39423)
FIRMS = (
    "latitude,longitude,brightness,scan,track,acq_date,acq_time,satellite,confidence,version,"
    "bright_t31,frp,daynight\n"
    f"{FIRE[1]},{FIRE[0]},339.63,1.12,1.06,2022-05-28,0538,A,86,6.1NRT,310.61,29.69,D\n"
)


def square(lon: float, lat: float, half: float) -> dict[str, object]:
    """A square polygon feature around (lon, lat), `half` degrees each way."""
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {
        "type": "Feature",
        "properties": {"name": "test", "code": "T"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def layer(client: TestClient, kind: str, feature: dict[str, object], **form: str) -> None:
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    r = client.post(
        "/api/v1/layers",
        files={"file": (f"{kind}.geojson", data)},
        data={"name": kind, "kind": kind, **form},
    )
    assert r.status_code == 201, r.text


def test_seeding_adds_missing_versions_and_never_overwrites(db: Backend) -> None:
    """Rule: every seed row whose (code, effective_from) is missing is inserted; edited rows
    stay as users left them; pre-versioning rows without a code stay but are not matched."""
    with db.sessions.begin() as s:
        s.add(
            LegalBasis(
                category="waste_dumping",
                law="旧种子 (old seed)",
                article="第一条",
                text="未编码的旧行",
                elements=[],
                active=True,
            )
        )
        s.flush()
        assert seed_legal_bases(s) == len(SEED)
        edited = s.scalars(select(LegalBasis).where(LegalBasis.code == "wppcl-65")).all()
        for row in edited:
            row.text = "用户修改的条文"
        retired = s.scalars(
            select(LegalBasis).where(
                LegalBasis.code == "mrl-licence", LegalBasis.effective_from == date(2025, 7, 1)
            )
        ).all()
        assert len(retired) == 1
        s.execute(delete(LegalBasis).where(LegalBasis.id == retired[0].id))
        s.flush()
        assert seed_legal_bases(s) == 1  # the deleted 2024 version comes back, nothing else
        rows = legal_rows(s)
        assert len(rows) == len(SEED)
        assert all(r.text == "用户修改的条文" for r in rows if r.code == "wppcl-65")
        assert not any(r.law.startswith("旧种子") for r in rows)
        total = s.scalar(select(func.count()).select_from(LegalBasis))
        assert total == len(SEED) + 1  # the uncoded row is still there


def test_two_processes_meeting_a_new_seed_write_it_once(db: Backend) -> None:
    """A second sync that read the table before the first one committed waits for it, reads
    again and writes nothing: the seed is stored once (before, PostgreSQL stored it twice)."""
    with db.sessions.begin() as s:
        s.execute(delete(LegalBasis))
    first = db.sessions()
    assert seed_legal_bases(first) == len(SEED)  # not committed yet: holds the lock
    written: list[int] = []

    def second() -> None:
        with db.sessions.begin() as s:
            written.append(seed_legal_bases(s))

    racer = threading.Thread(target=second)
    try:
        racer.start()
        racer.join(timeout=1.0)
        assert racer.is_alive()  # waiting for the first sync
        first.commit()
    finally:
        first.close()
        racer.join(timeout=30)
    assert written == [0]
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(LegalBasis)) == len(SEED)


def fire_near_a_source_zone(client: TestClient) -> dict[str, Any]:
    """Import FIRE (one FIRMS detection) on cropland with a level-II source zone about 3 km
    east (near, within 5 km, not around it); return the finished import job."""
    layer(client, "cropland", square(*FIRE, 0.01))
    layer(client, "water_source_zone", square(FIRE[0] + 0.045, FIRE[1], 0.01), level="II")
    r = client.post(
        "/api/v1/air/imports",
        files=[("files", ("firms.csv", FIRMS.encode()))],
        data={"format": "firms"},
    )
    assert r.status_code == 202, r.text
    job = wait_for_job(client, r.json()["id"])
    assert job["status"] == "succeeded", job
    return job


def test_a_fire_on_cropland_near_a_water_source_cites_no_article(client: TestClient) -> None:
    """Rule: 大气污染防治法 art. 77 bans open burning only in areas the provincial government
    designates; a fire on cropland merely near a water-source zone is evidence to look at but
    has no article: the lead says so, in the API and the dossier."""
    job = fire_near_a_source_zone(client)
    assert job["result"]["rules"]["cropland_near_water_source"] == 1
    lead = client.get(f"/api/v1/leads/{job['result']['leads'][0]}").json()
    assert lead["category"] == "straw_burning"
    (only,) = lead["legal_bases"]
    assert only["kind"] == "no_basis" and only["note"] == NOT_DESIGNATED
    assert only["code"] == "appcl-77-119" and only["conduct_date"] == "2022-05-28"
    assert only["law"] == only["article"] == ""
    dossier = client.get(f"/api/v1/leads/{lead['id']}/dossier")
    assert dossier.status_code == 200
    html = zipfile.ZipFile(io.BytesIO(dossier.content)).read("dossier.html").decode()
    assert "未落入省级政府划定的禁烧区，暂无适用条文" in html
    assert "第七十七条" not in html


def test_unedited_rows_follow_corrections_of_the_seed(db: Backend) -> None:
    """Rule: a basis version nobody edited follows the seed when the seed corrects it (a
    deployment gets corrected law); an edited or deactivated one stays as users left it."""
    with db.sessions.begin() as s:
        seed_legal_bases(s)
        # As an older seed had written these: another text, its digest recorded.
        for code, text in (("wppcl-64", "旧种子的条文"), ("wl-39", "旧种子的条文"),
                           ("wl-36", "旧种子的条文")):  # fmt: skip
            for b in s.scalars(select(LegalBasis).where(LegalBasis.code == code)):
                b.text = text
                b.seed_digest = row_digest(as_row(b))
        for b in s.scalars(select(LegalBasis).where(LegalBasis.code == "wl-39")):
            b.text = "用户修改的条文"  # then edited by a user
        for b in s.scalars(select(LegalBasis).where(LegalBasis.code == "wl-36")):
            b.active = False  # or retired
        s.flush()
        written = seed_legal_bases(s)
        texts = {b.code: b.text for b in s.scalars(select(LegalBasis))}
    current = {r.code: r.text for r in SEED}
    assert written == sum(1 for r in SEED if r.code == "wppcl-64")
    assert texts["wppcl-64"] == current["wppcl-64"]
    assert texts["wl-39"] == "用户修改的条文" and texts["wl-36"] == "旧种子的条文"
    with db.sessions.begin() as s:
        assert seed_legal_bases(s) == 0  # in step: nothing more to write


def test_the_migration_records_the_digest_of_every_coded_row(db: Backend) -> None:
    with db.sessions.begin() as s:
        seed_legal_bases(s)
    remigrate(db, "20261203_case_paths")
    with db.sessions() as s:
        stored = list(s.scalars(select(LegalBasis)))
    assert len(stored) == len(SEED)
    assert all(b.seed_digest == row_digest(as_row(b)) for b in stored)


def test_open_leads_are_rematched_when_the_seed_corrects_a_basis(
    demo: Backend, tmp_path: Path
) -> None:
    """Rule: after an upgrade corrects the law, `ecoleads migrate` (legal-update) re-matches
    the open leads, logged; the construction-waste lead in a level-I zone then shows the
    substance element of 法释〔2023〕7号 art. 1(1) unproven: no crime threshold on photos."""
    spot = (115.6436, 40.3214)  # in the demo's level-I zone at Guanting
    db = demo
    with TestClient(create_app(make_settings(db, tmp_path))) as client:
        client.headers.update(bearer(login_as(db, "admin")))
        _rematched(client, db, spot)
    clear_activity(db)


def _rematched(client: TestClient, db: Backend, spot: tuple[float, float]) -> None:
    from app.services.leads.legal_update import ACTOR, update_legal
    from models import AuditEntry, Lead
    from tests.api.test_concurrency import photo

    r = client.post(
        "/api/v1/reports",
        headers=bearer(login_as(db, "volunteer")),
        files=[("photos", ("p.jpg", photo(3)))],
        data={"category": "waste_dumping", "description": "建筑垃圾", "lon": spot[0],
              "lat": spot[1]},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    with db.sessions.begin() as s:
        (lead,) = s.scalars(select(Lead))
        stale = [b for b in lead.legal_bases if b["code"] != "spc-env-1"]
        lead.legal_bases = stale  # as matched before the seed had the row
        for b in s.scalars(select(LegalBasis).where(LegalBasis.code == "spc-env-1")):
            b.text = "旧种子的条文"
            b.seed_digest = row_digest(as_row(b))
    with db.sessions.begin() as s:
        written, changed = update_legal(s)
    assert written > 0 and changed == 1
    detail = client.get(f"/api/v1/leads/{lead.id}").json()
    (crime,) = [b for b in detail["legal_bases"] if b["code"] == "spc-env-1"]
    assert "重点保护区域" in crime["text"]
    assert {e["code"]: e["proven"] for e in crime["elements"]}["hazardous_substance"] is False
    with db.sessions() as s:
        actors = s.scalars(select(AuditEntry.actor).where(AuditEntry.lead_id == lead.id)).all()
    assert ACTOR in actors
    with db.sessions.begin() as s:
        assert update_legal(s) == (0, 0)  # in step: nothing to do
