"""Serve the application under uvicorn: a bounded graceful stop, and forwarded headers
believed only from the configured proxies."""

import logging
import os
import threading
import time
from types import FrameType

import uvicorn
from starlette.datastructures import State

from app.main import create_app
from app.settings import Settings

log = logging.getLogger("ecoleads")


class _Server(uvicorn.Server):
    """uvicorn's server, noting when the stop was asked for so that the application's own
    shutdown (job threads) spends only what is left of the timeout."""

    def __init__(self, config: uvicorn.Config, state: State) -> None:
        super().__init__(config)
        self.state = state

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Note the first stop signal's time, then stop as uvicorn does."""
        if getattr(self.state, "stopping_since", None) is None:
            self.state.stopping_since = time.monotonic()
        super().handle_exit(sig, frame)


def serve(settings: Settings) -> None:
    """Serve on settings.host:port until SIGTERM or SIGINT; stop within
    settings.shutdown_timeout_s."""
    app = create_app(settings)
    trusted = settings.trusted_proxies.strip()
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_graceful_shutdown=max(1, int(settings.shutdown_timeout_s / 2)),
        # uvicorn believes X-Forwarded-* from 127.0.0.1 unless told otherwise: a local
        # client could then pose as any address (and dodge per-address sign-in limits).
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted or "",
    )
    server = _Server(config, app.state)
    server.run()
    _end_stragglers(app.state, settings.shutdown_timeout_s)


def _end_stragglers(state: State, timeout_s: float) -> None:
    """Give request threads still waiting on the database what is left of the timeout, then
    end the process: their transactions roll back, and the stop stays within its bound
    (Python would otherwise wait for each lock wait to time out)."""
    since = getattr(state, "stopping_since", None) or time.monotonic()
    others = [
        t
        for t in threading.enumerate()
        if t is not threading.main_thread() and not t.daemon and t.is_alive()
    ]
    for t in others:
        t.join(max(0.0, since + timeout_s - time.monotonic()))
    left = [t for t in others if t.is_alive()]
    if left:
        log.warning(
            "stopping with requests still waiting on the database; they roll back",
            extra={"threads": len(left)},
        )
        logging.shutdown()
        os._exit(0)
