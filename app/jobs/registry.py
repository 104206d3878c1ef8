"""Job kinds: each kind is a function run with its own session and a progress reporter."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.settings import Settings


@dataclass
class JobContext:
    """What a job handler gets: its session, settings, and a way to report progress."""

    session: Session
    settings: Settings
    job_id: str
    report: Callable[[float, str], None]


JobHandler = Callable[[JobContext, dict[str, Any]], dict[str, Any]]
JOB_KINDS: dict[str, JobHandler] = {}


def job_kind(name: str) -> Callable[[JobHandler], JobHandler]:
    """Register a function as the handler of a job kind."""

    def register(fn: JobHandler) -> JobHandler:
        JOB_KINDS[name] = fn
        return fn

    return register
