"""The FastAPI application."""

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.base import RequestResponseEndpoint

import app.jobs.kinds  # noqa: F401  (registers the job kinds)
from app.api import (
    air,
    air_maps,
    auth,
    change_detections,
    docs,
    geocode,
    health,
    imagery,
    jobs,
    layers,
    leads,
    ogc,
    organisations,
    referrals,
    reports,
    subscriptions,
    suggestions,
    ui,
)
from app.auth import check_routes
from app.db import anchor_of, make_engine, make_sessionmaker
from app.dossier.keys import check_key_location
from app.errors import install_error_handlers
from app.http.body_limit import BodyLimitMiddleware
from app.http.logging import configure_logging
from app.http.security_headers import install_security_headers
from app.jobs.worker import make_runner
from app.services.audit_anchor import attach_anchor
from app.services.files.archived_store import check_evidence_store
from app.services.files.archiving import start_archiver
from app.services.files.evidence_gc import sweep_evidence
from app.services.files.evidence_store import LocalEvidenceStore
from app.services.files.scratch import sweep_scratch
from app.services.files.uploads import prune_uploads
from app.services.job_runner import JobRunner, attach_runner
from app.services.jobs import pending_inputs
from app.services.reports.placing import place_waiting_reports_now
from app.services.webhooks.dispatcher import start_dispatcher
from app.settings import Settings, get_settings

log = logging.getLogger("ecoleads")


def _start_runner(
    settings: Settings, sessions: sessionmaker[Session], write_sessions: sessionmaker[Session]
) -> JobRunner:
    with sessions() as s:
        keep = pending_inputs(s)
    prune_uploads(settings.uploads_dir, keep, grace_s=settings.upload_prune_grace_s)
    with sessions() as s:
        swept = sweep_evidence(
            s, store=LocalEvidenceStore(settings.evidence_dir), grace_s=settings.evidence_gc_grace_s
        )
    if swept.removed:
        log.warning("evidence files no row references removed", extra={"files": swept.removed})
    sweep_scratch(settings.scratch_dir)  # temporary rasters of jobs killed mid-run
    place_waiting_reports_now(write_sessions, settings)  # answered before a stop, not placed
    # Workers (here or in `ecoleads worker` processes) recover jobs cut off by a restart.
    runner = make_runner(settings, sessions, write_sessions)
    attach_runner(sessions, runner)
    attach_runner(write_sessions, runner)
    return runner


def _time_left(app: FastAPI, settings: Settings) -> float:
    """What is left of the shutdown timeout since the stop was asked for (app/http/server.py)."""
    since = getattr(app.state, "stopping_since", None)
    spent = 0.0 if since is None else time.monotonic() - since
    return max(1.0, settings.shutdown_timeout_s - spent)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application: routers, problem-details errors, the job runner and the
    webhook dispatcher."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)
    check_key_location(settings.dossier_key_path, settings.resolved_database_url)
    if unreachable := check_evidence_store(settings):
        log.warning("starting without the evidence archive: %s", unreachable)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        runner = _start_runner(settings, app.state.sessions, app.state.write_sessions)
        dispatcher = start_dispatcher(settings, app.state.sessions, app.state.write_sessions)
        archiver = start_archiver(settings, app.state.sessions, app.state.write_sessions)
        log.info(
            "service started", extra={"database": settings.resolved_database_url.split("@")[-1]}
        )
        try:
            yield
        finally:
            attach_runner(app.state.sessions, None)
            attach_runner(app.state.write_sessions, None)
            runner.shutdown(timeout=_time_left(app, settings))
            if dispatcher is not None:
                dispatcher.stop()
            if archiver is not None:
                archiver.stop()
            engine.dispose()

    app = FastAPI(
        title="EcoLeads",
        version="0.1.0",
        summary="Evidence-backed leads for environmental public-interest litigation",
        lifespan=lifespan,
        docs_url=None,  # our own /docs (app/api/docs.py): vendored Swagger UI, no inline script
        redoc_url=None,
    )
    engine = make_engine(settings.resolved_database_url, settings)
    app.state.settings = settings
    app.state.sessions = make_sessionmaker(engine)
    app.state.write_sessions = make_sessionmaker(engine, write=True)
    for factory in (app.state.sessions, app.state.write_sessions):
        attach_anchor(factory, anchor_of(settings))
    install_error_handlers(app)
    # GeoJSON for the map compresses ~5x; clients that send no Accept-Encoding get it plain.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.json_body_max_bytes)
    install_security_headers(app, settings.tile_url)

    @app.middleware("http")
    async def server_timing(request: Request, call_next: RequestResponseEndpoint) -> Response:
        """Report the server's own time for the request (Server-Timing, W3C)."""
        start = time.perf_counter()
        response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.1f}"
        return response

    for module in (
        health,
        auth,
        reports,
        leads,
        suggestions,
        air,
        air_maps,
        imagery,
        change_detections,
        layers,
        geocode,
        jobs,
        organisations,
        referrals,
        subscriptions,
        ogc,
        ui,
        docs,
    ):
        app.include_router(module.router)

    app.mount("/static", StaticFiles(directory=ui.STATIC), name="static")
    check_routes(app)
    return app
