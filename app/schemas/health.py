"""Service health schemas."""

from typing import Literal

from pydantic import BaseModel


class DatabaseHealth(BaseModel):
    """The database backend, its spatial extension and the migration revision."""

    backend: str
    spatial_version: str
    revision: str | None
    head: str | None


class ArchiveHealth(BaseModel):
    """The WORM object store of evidence originals (when one is configured): its state, and
    how many originals wait to be archived (staged on local disk meanwhile)."""

    state: Literal["ok", "unreachable", "misconfigured"]
    waiting: int


class HealthRead(BaseModel):
    """Whether the service is ready (`migration-needed`: the schema is behind the code)."""

    status: Literal["ok", "migration-needed"]
    database: DatabaseHealth
    evidence_archive: ArchiveHealth | None = None
