"""Service health: database backend, spatial version, migration revision."""

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.auth import public
from app.deps import SessionDep, SettingsDep
from app.http.routing import TransactionRoute
from app.migrate import alembic_config
from app.schemas.health import ArchiveHealth, DatabaseHealth, HealthRead
from app.services.files.archiving import archive_health
from app.settings import Settings
from models.spatial import backend_name, spatial_version

router = APIRouter(tags=["health"], route_class=TransactionRoute)


@router.get("/health", summary="Service health (public)", dependencies=[Depends(public)])
def health(session: SessionDep, settings: SettingsDep) -> HealthRead:
    """Report the database backend, its spatial version and the migration revision, and the
    evidence archive's state."""
    conn = session.connection()
    current = MigrationContext.configure(conn).get_current_revision()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return HealthRead(
        status="ok" if current == head else "migration-needed",
        database=DatabaseHealth(
            backend=backend_name(conn.dialect.name),
            spatial_version=spatial_version(conn),
            revision=current,
            head=head,
        ),
        evidence_archive=_archive(session, settings),
    )


def _archive(session: Session, settings: Settings) -> ArchiveHealth | None:
    found = archive_health(session, settings)
    return None if found is None else ArchiveHealth(state=found[0], waiting=found[1])
