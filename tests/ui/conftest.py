"""Browser tests: the real UI served by uvicorn on loopback, driven in headless Chromium.

Chromium is Debian's (/usr/bin/chromium, installed by `make test`); Playwright's Python
package drives it without downloading a browser.
"""

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Playwright, sync_playwright

from app.main import create_app
from app.services.demo.air import load_demo_air
from app.services.demo.base import load_demo, load_demo_reports
from app.services.demo.imagery import load_demo_imagery
from app.services.demo.partners import load_demo_partners
from tests.conftest import Backend, make_settings, wipe

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ui"


@dataclass
class LiveServer:
    """The service on a free loopback port, in a thread of the test process."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo dataset (imagery and partners included) on this backend, served for real over
    HTTP."""
    data_dir = tmp_path_factory.mktemp("ui")
    settings = make_settings(backend, data_dir)
    with backend.sessions.begin() as s:
        load_demo(s)
        load_demo_reports(s, settings=settings)
        load_demo_air(s, settings=settings)
        load_demo_imagery(s, settings=settings)
        load_demo_partners(s, settings=settings)
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", server, thread)
    server.should_exit = True
    thread.join(timeout=30)
    wipe(backend)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver (no browser download: Debian's Chromium is used)."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Headless Chromium without GPU, as on the machines we run on."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield b
    b.close()


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots are kept (test-artifacts/ui, ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
