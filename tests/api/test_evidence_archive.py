"""Evidence originals in WORM object storage (a real SeaweedFS): archived under COMPLIANCE
retention with a checked SHA-256, custody recorded and shown in the dossier, the staged copy
dropped and reads served from the archive; a store that is down never loses a report."""

import hashlib
import io
import os
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.main import create_app
from app.services.files import archived_store, archiving
from app.services.files.archive import ArchiveError
from app.services.files.archived_store import (
    ArchivedEvidenceStore,
    ArchiveMisconfigured,
    evidence_store,
)
from app.services.files.archiving import archive_originals
from app.services.files.evidence_store import evidence_key
from app.settings import Settings
from models import ArchivedOriginal, AuditEntry
from tests.api.test_imagery_api import DATA as IMAGERY
from tests.api.test_imagery_api import imported
from tests.api.test_reports_api import PHOTOS, ZJK, submit
from tests.conftest import Backend, bearer, clear_activity, login_as, make_settings
from tests.objectstore import S3Server, seaweedfs

ORIGINAL = (PHOTOS / "gps_ne.jpg").read_bytes()
SHA = hashlib.sha256(ORIGINAL).hexdigest()


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """One SeaweedFS server for the module."""
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


@pytest.fixture
def aws(s3: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    """The standard AWS_* variables pointing at the server (as a deployment sets them)."""
    for name, value in s3.env.items():
        monkeypatch.setenv(name, value)
    archived_store._archive.cache_clear()
    return s3


def _settings(demo: Backend, tmp_path: Path, bucket: str, **more: object) -> Settings:
    return make_settings(
        demo, tmp_path, evidence_store=f"s3://{bucket}/zjk", evidence_archive_poll_s=3600, **more
    )


def _archive_now(demo: Backend, settings: Settings) -> archived_store.ArchivedEvidenceStore:
    store = evidence_store(settings)
    assert isinstance(store, ArchivedEvidenceStore)
    archive_originals(demo.sessions, demo.sessions, store)
    return store


@pytest.fixture
def volunteer(demo: Backend) -> Iterator[dict[str, str]]:
    yield bearer(login_as(demo, "volunteer"))
    clear_activity(demo)


def test_an_original_is_archived_locked_and_read_back(
    demo: Backend, aws: S3Server, tmp_path: Path, volunteer: dict[str, str]
) -> None:
    bucket = aws.locked_bucket()
    settings = _settings(demo, tmp_path, bucket)
    with TestClient(create_app(settings)) as c:
        c.headers.update(volunteer)
        rep = submit(c, "gps_ne.jpg").json()  # type: ignore[attr-defined]
        store = _archive_now(demo, settings)
        key = evidence_key("originals", SHA)
        assert not store.local.exists(key)  # the staged copy is dropped once checked
        with demo.sessions() as s:
            copy = s.scalars(select(ArchivedOriginal)).one()
            logged = s.scalars(select(AuditEntry).where(AuditEntry.action == "archive")).one()
        assert copy.sha256 == SHA and copy.bytes == len(ORIGINAL)
        assert (copy.bucket, copy.object_key) == (
            bucket,
            f"zjk/originals/sha256/{SHA[:2]}/{SHA[2:4]}/{SHA}",
        )
        assert copy.lock_mode == "COMPLIANCE" and copy.version_id
        expected = datetime.now(UTC) + timedelta(days=3650)
        assert abs(copy.retain_until - expected) < timedelta(minutes=5)
        assert logged.change["version_id"] == copy.version_id and logged.actor == "system:archive"
        # Nobody, the service's own credentials included, can delete, overwrite or unlock it.
        client = aws.client()
        refused = [
            lambda: client.delete_object(
                Bucket=bucket, Key=copy.object_key, VersionId=copy.version_id
            ),
            lambda: client.delete_object(
                Bucket=bucket,
                Key=copy.object_key,
                VersionId=copy.version_id,
                BypassGovernanceRetention=True,
            ),
            lambda: client.put_object_retention(
                Bucket=bucket,
                Key=copy.object_key,
                VersionId=copy.version_id,
                Retention={"Mode": "COMPLIANCE", "RetainUntilDate": datetime.now(UTC)},
            ),
            lambda: client.put_object(
                Bucket=bucket, Key=copy.object_key, Body=b"forged", IfNoneMatch="*"
            ),
        ]
        for attempt in refused:
            with pytest.raises(ClientError):
                attempt()
        # Reads come from the archive now: the prosecutor downloads the very bytes.
        pro = bearer(login_as(demo, "prosecutor"))
        got = c.get(rep["photos"][0]["url"], params={"original": True}, headers=pro)
        assert got.status_code == 200 and got.content == ORIGINAL
        lead_id = c.get("/api/v1/leads", headers=pro).json()[0]["id"]
        dossier = zipfile.ZipFile(
            io.BytesIO(c.get(f"/api/v1/leads/{lead_id}/dossier", headers=pro).content)
        )
        html = dossier.read("dossier.html").decode()
        assert copy.version_id in html and copy.object_key in html and "COMPLIANCE" in html
        assert ORIGINAL in [
            dossier.read(n) for n in dossier.namelist() if n.startswith("evidence/")
        ]
        # The same photo sent again is staged again; the next pass drops that copy too.
        c.headers.update(bearer(login_as(demo, "volunteer")))
        assert submit(c, "gps_ne.jpg").status_code == 201  # type: ignore[attr-defined]
        assert store.local.exists(key)
        again = archive_originals(demo.sessions, demo.sessions, store, since_photo=1)
        assert (again.archived, again.dropped) == ([], 1) and not store.local.exists(key)
        assert (
            c.get(rep["photos"][0]["url"], params={"original": True}, headers=pro).content
            == ORIGINAL
        )
        with demo.sessions() as s:
            assert len(s.scalars(select(ArchivedOriginal)).all()) == 1


def test_a_report_is_taken_while_the_store_is_down_and_archived_later(
    demo: Backend,
    aws: S3Server,
    tmp_path: Path,
    volunteer: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bucket = aws.locked_bucket()
    settings = _settings(demo, tmp_path, bucket)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    archived_store._archive.cache_clear()
    with TestClient(create_app(settings)) as c:
        c.headers.update(volunteer)
        r = submit(c, "gps_ne.jpg")
        assert r.status_code == 201  # type: ignore[attr-defined]
        with pytest.raises(ArchiveError):
            _archive_now(demo, settings)
        store = evidence_store(settings)
        assert store.local.exists(evidence_key("originals", SHA))  # type: ignore[attr-defined]
        with demo.sessions() as s:
            assert s.scalars(select(ArchivedOriginal)).all() == []
        pro = bearer(login_as(demo, "prosecutor"))
        url = r.json()["photos"][0]["url"]  # type: ignore[attr-defined]
        assert c.get(url, params={"original": True}, headers=pro).content == ORIGINAL
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws.endpoint)
    archived_store._archive.cache_clear()
    store = _archive_now(demo, settings)
    assert not store.local.exists(evidence_key("originals", SHA))
    with demo.sessions() as s:
        assert s.scalars(select(ArchivedOriginal.sha256)).all() == [SHA]


def test_a_staged_copy_that_does_not_match_its_hash_is_refused(
    demo: Backend, aws: S3Server, tmp_path: Path, volunteer: dict[str, str]
) -> None:
    bucket = aws.locked_bucket()
    settings = _settings(demo, tmp_path, bucket, evidence_keep_staged=True)
    with TestClient(create_app(settings)) as c:
        c.headers.update(volunteer)
        submit(c, "gps_ne.jpg")
    staged = settings.evidence_dir / evidence_key("originals", SHA)
    staged.chmod(0o644)
    staged.write_bytes(ORIGINAL[:-1] + b"\x00")  # the disk lost a byte
    with pytest.raises(ArchiveError, match="refused"):  # BadDigest (SeaweedFS: a 500)
        _archive_now(demo, settings)
    versions = aws.client().list_object_versions(Bucket=bucket)
    assert versions.get("Versions", []) == []  # nothing stored under the original's key
    with demo.sessions() as s:
        assert s.scalars(select(ArchivedOriginal)).all() == []
    assert staged.exists()


def test_the_service_archives_on_its_own(
    demo: Backend, aws: S3Server, tmp_path: Path, volunteer: dict[str, str]
) -> None:
    bucket = aws.locked_bucket()
    settings = make_settings(
        demo, tmp_path, evidence_store=f"s3://{bucket}", evidence_archive_poll_s=0.2
    )
    with TestClient(create_app(settings)) as c:
        c.headers.update(volunteer)
        submit(c, "gps_ne.jpg")
        deadline = time.monotonic() + 30
        while True:
            with demo.sessions() as s:
                done = s.scalars(select(ArchivedOriginal.object_key)).all()
            if done or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert done == [f"originals/sha256/{SHA[:2]}/{SHA[2:4]}/{SHA}"]
    assert not (settings.evidence_dir / evidence_key("originals", SHA)).exists()


def test_imagery_originals_are_archived_and_streamed_back(
    demo: Backend, aws: S3Server, tmp_path: Path, volunteer: dict[str, str]
) -> None:
    photo = IMAGERY / "IMG_2168_small.jpg"
    settings = _settings(demo, tmp_path, aws.locked_bucket())
    with TestClient(create_app(settings)) as c:
        c.headers.update(bearer(login_as(demo, "admin")))
        image_id = imported(c, photo, sensor="drone", category="waste_dumping")
        store = _archive_now(demo, settings)
        assert store.local.files() == [  # the display copy stays; the original is archived
            k for k in store.local.files() if not k.startswith("image/")
        ]
        got = c.get(f"/api/v1/imagery/{image_id}/original")
        assert got.status_code == 200 and got.content == photo.read_bytes()
        assert "IMG_2168_small.jpg" in got.headers["content-disposition"]


def test_the_cli_archives_with_a_progress_bar_and_fails_in_one_line(
    demo: Backend, aws: S3Server, tmp_path: Path, volunteer: dict[str, str]
) -> None:
    bucket = aws.locked_bucket()
    with TestClient(create_app(_settings(demo, tmp_path, bucket))) as c:
        c.headers.update(volunteer)
        submit(c, "gps_ne.jpg")
    env = {**aws.env, "ECOLEADS_EVIDENCE_STORE": f"s3://{bucket}"}
    down = run_cli(demo, tmp_path, env | {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert down.returncode == 1 and down.stderr.strip().splitlines()[-1].startswith("error: ")
    done = run_cli(demo, tmp_path, env)
    assert done.returncode == 0, done.stderr
    assert "1 originals archived, 1 staged copies dropped, 0 missing" in done.stderr
    assert "archiving originals" in done.stderr  # the progress bar
    none = run_cli(demo, tmp_path, {"ECOLEADS_EVIDENCE_STORE": ""} | aws.env)
    assert none.returncode == 2 and "ECOLEADS_EVIDENCE_STORE" in none.stderr


def run_cli(
    db: Backend, tmp_path: Path, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """`ecoleads evidence archive` (or other arguments) with these variables set."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *(args or ("evidence", "archive"))],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "ECOLEADS_DATABASE_URL": db.url,
            "ECOLEADS_DATA_DIR": str(tmp_path),
            **env,
        },
        cwd=Path(__file__).parents[2],
        timeout=120,
        check=False,
    )


def test_a_misconfigured_bucket_is_refused_at_start_in_one_line(
    demo: Backend, aws: S3Server, tmp_path: Path
) -> None:
    client = aws.client()
    plain = f"plain-{uuid.uuid4().hex[:8]}"
    client.create_bucket(Bucket=plain)
    versioned = f"versioned-{uuid.uuid4().hex[:8]}"
    client.create_bucket(Bucket=versioned)
    client.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Enabled"})
    for bucket, why in [
        ("no-such-bucket-2026", "does not exist"),
        (plain, "is not versioned"),
        (versioned, "has no Object Lock"),
    ]:
        with pytest.raises(ArchiveMisconfigured, match=why):
            create_app(_settings(demo, tmp_path, bucket))
    served = run_cli(
        demo,
        tmp_path,
        {**aws.env, "ECOLEADS_EVIDENCE_STORE": "s3://no-such-bucket-2026"},
        "serve",
    )
    assert served.returncode == 2
    assert served.stderr.strip().splitlines() == [
        "error: refusing to start: ECOLEADS_EVIDENCE_STORE=s3://no-such-bucket-2026: "
        "s3://no-such-bucket-2026 does not exist"
    ]


def test_health_reports_the_archive_and_a_store_down_at_start_degrades(
    demo: Backend,
    aws: S3Server,
    tmp_path: Path,
    volunteer: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bucket = aws.locked_bucket()
    settings = _settings(demo, tmp_path, bucket)
    with TestClient(create_app(settings)) as c:
        assert c.get("/health").json()["evidence_archive"] == {"state": "ok", "waiting": 0}
        c.headers.update(volunteer)
        submit(c, "gps_ne.jpg")
        archiving._health.clear()
        assert c.get("/health").json()["evidence_archive"] == {"state": "ok", "waiting": 1}
        _archive_now(demo, settings)
        archiving._health.clear()
        assert c.get("/health").json()["evidence_archive"] == {"state": "ok", "waiting": 0}
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    archived_store._archive.cache_clear()
    archiving._health.clear()
    with TestClient(create_app(settings)) as c:  # starts: intake stages until the store is back
        health = c.get("/health")
        assert health.status_code == 200
        assert health.json()["evidence_archive"] == {"state": "unreachable", "waiting": 0}
        c.headers.update(bearer(login_as(demo, "volunteer")))
        assert submit(c, "plain.png", lon=ZJK[0], lat=ZJK[1]).status_code == 201  # type: ignore[attr-defined]


def test_fixity_audit_checks_every_recorded_version(
    demo: Backend, aws: S3Server, tmp_path: Path, volunteer: dict[str, str]
) -> None:
    bucket = aws.locked_bucket()
    settings = _settings(demo, tmp_path, bucket)
    with TestClient(create_app(settings)) as c:
        c.headers.update(volunteer)
        submit(c, "gps_ne.jpg")
        submit(c, "plain.png", lon=ZJK[0], lat=ZJK[1])
    _archive_now(demo, settings)
    env = {**aws.env, "ECOLEADS_EVIDENCE_STORE": f"s3://{bucket}/zjk"}
    good = run_cli(demo, tmp_path, env, "evidence", "verify")
    assert good.returncode == 0, good.stderr
    assert "2 archived originals checked, 0 problems, 0 originals waiting" in good.stderr
    with demo.sessions.begin() as s:  # a custody record that names a version nobody stored
        s.scalars(
            select(ArchivedOriginal).where(ArchivedOriginal.sha256 == SHA)
        ).one().version_id = "forged"
    bad = run_cli(demo, tmp_path, env, "evidence", "verify")
    assert bad.returncode == 1
    assert bad.stdout.startswith(f"{SHA}: cannot read the archived copy")
