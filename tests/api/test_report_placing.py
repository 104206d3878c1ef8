"""Reports are placed in leads after the answer: a placement that fails leaves them
waiting, and the next one places every waiting report in one batch."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from app.db import make_engine, make_sessionmaker
from app.services.accounts.auth import create_user
from app.services.accounts.tokens import issue_token
from app.services.files.evidence_store import LocalEvidenceStore
from app.services.reports.intake import PhotoUpload, ReportInput, create_report
from app.services.reports.placing import place_waiting_reports_now
from app.settings import Settings
from models import AuditEntry, EvidenceItem
from tests.api.helpers import waiting_reports
from tests.api.test_concurrency import photo
from tests.api.test_reports_api import ZJK
from tests.conftest import Backend, clear_activity, make_settings


def _answered(db: Backend, settings: Settings, n: int) -> None:
    """Take in a report as the API does before it answers (not placed yet)."""
    with db.sessions.begin() as s:
        user = create_user(
            s,
            role="volunteer",
            org_code="130700",
            username=f"placing-{n}",
            password="a-long-password-2026",
            display_name=f"志愿者 {n}",
        )
        _, token = issue_token(s, user=user, kind="session", ttl=timedelta(minutes=5))
        create_report(
            s,
            user=user,
            token=token,
            settings=settings,
            store=LocalEvidenceStore(settings.evidence_dir),
            inp=ReportInput(
                category="waste_dumping",
                description="倾倒垃圾",
                photos=[PhotoUpload("p.jpg", photo(500 + n))],
                lon=ZJK[0],
                lat=ZJK[1],
            ),
        )


def test_a_failed_placement_leaves_reports_waiting_for_the_next(
    demo: Backend, tmp_path: Path
) -> None:
    settings = make_settings(demo, tmp_path)
    for n in range(3):
        _answered(demo, settings, n)
    assert waiting_reports(demo.engine) == 3
    unreachable = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/nowhere")
    place_waiting_reports_now(make_sessionmaker(unreachable), settings)  # logged, not raised
    unreachable.dispose()
    assert waiting_reports(demo.engine) == 3
    place_waiting_reports_now(demo.sessions, settings)
    assert waiting_reports(demo.engine) == 0
    with demo.sessions() as s:
        leads = s.scalars(select(EvidenceItem.lead_id).where(EvidenceItem.report_id.is_not(None)))
        assert len(set(leads)) == 1  # one place, one category, one batch: one lead
        actions = s.execute(
            select(AuditEntry.action, func.count()).group_by(AuditEntry.action)
        ).all()
    assert dict(actions) == {"create": 1, "attach": 3, "score": 1}
    clear_activity(demo)
