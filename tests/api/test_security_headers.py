"""Security headers on every kind of response, and /docs served without outside scripts."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.http.security_headers import content_security_policy, tile_source
from app.main import create_app
from tests.conftest import Backend, make_settings

EXPECTED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


def directives(csp: str) -> dict[str, list[str]]:
    """A CSP header as {directive: [sources]}."""
    out = {}
    for part in csp.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def assert_secure(headers: object) -> None:
    h = dict(headers)  # type: ignore[call-overload]
    for name, value in EXPECTED.items():
        assert h.get(name) == value, (name, h.get(name))
    csp = directives(h["content-security-policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in h["content-security-policy"]
    assert "'unsafe-eval'" not in h["content-security-policy"]


def test_headers_on_page_api_static_and_problems(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert_secure(page.headers)
    assert_secure(client.get("/api/v1/ui/config").headers)
    assert_secure(client.get("/static/js/main.js").headers)
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert_secure(missing.headers)
    invalid = client.get("/api/v1/leads", params={"min_score": "not a number"})
    assert invalid.status_code == 422
    assert_secure(invalid.headers)
    anonymous = client.get("/api/v1/leads", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    assert_secure(anonymous.headers)


def test_headers_on_an_unexpected_500(db: Backend, tmp_path: Path) -> None:
    app = create_app(make_settings(db, tmp_path))

    def boom() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500
    assert_secure(r.headers)


def test_tile_server_origin_allowed_for_images(db: Backend, tmp_path: Path) -> None:
    settings = make_settings(
        db, tmp_path, tile_url="https://{s}.tiles.example.org:8443/osm/{z}/{x}/{y}.png"
    )
    with TestClient(create_app(settings)) as c:
        csp = directives(c.get("/").headers["content-security-policy"])
    assert csp["img-src"] == ["'self'", "data:", "blob:", "https://*.tiles.example.org:8443"]
    assert csp["script-src"] == ["'self'"] and csp["connect-src"] == ["'self'"]


@pytest.mark.parametrize(
    ("url", "source"),
    [
        (None, None),
        ("/tiles/{z}/{x}/{y}.png", None),
        ("https://tile.example.com/{z}/{x}/{y}.png", "https://tile.example.com"),
        ("http://{s}.example.com/{z}/{x}/{y}.png", "http://*.example.com"),
        ("http://10.0.0.5:8080/{z}/{x}/{y}.png", "http://10.0.0.5:8080"),
    ],
)
def test_tile_source(url: str | None, source: str | None) -> None:
    assert tile_source(url) == source


@pytest.mark.parametrize(
    "url", ["ftp://x.example/{z}", "https://tiles.{s}.example/{z}", "https://{s}/"]
)
def test_tile_source_refuses_what_csp_cannot_express(url: str) -> None:
    with pytest.raises(ValueError, match="ECOLEADS_TILE_URL"):
        content_security_policy(url)


SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
REF = re.compile(r"""(?:src|href)="([^"]+)\"""")


def test_docs_served_from_our_own_files(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    assert_secure(r.headers)
    scripts = SCRIPT.findall(r.text)
    assert scripts, "the page loads Swagger UI"
    for attrs, body in scripts:
        assert body.strip() == "", "no inline script"
        assert re.search(r'\bsrc="/static/', attrs), attrs
    assert not re.search(r"\son[a-z]+=", r.text), "no inline event handler"
    assert "style=" not in r.text
    refs = REF.findall(r.text)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in refs
    assert "/static/vendor/swagger-ui/swagger-ui.css" in refs
    for ref in refs:
        assert ref.startswith("/"), f"outside reference {ref}"
        assert client.get(ref).status_code == 200, ref
    assert client.get("/openapi.json").json()["info"]["title"] == "EcoLeads"
    assert client.get("/redoc").status_code == 404


def test_map_page_has_no_inline_script_or_style(client: TestClient) -> None:
    html = client.get("/").text
    for _attrs, body in SCRIPT.findall(html):
        assert body.strip() == ""
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r"\sstyle=", html)
    assert "<style" not in html
