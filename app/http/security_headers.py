"""Security headers on every response: a strict Content-Security-Policy and its companions.

The map UI and /docs load only same-origin scripts and styles (vendored Leaflet and Swagger
UI, our own modules), with no inline script, inline event handler or style attribute in
markup; styles set from JavaScript through the CSSOM (element.style) are not affected by
style-src. Images may also come from data:/blob: URLs (Leaflet's CSS icons, photos fetched
with the bearer token and shown as object URLs) and, when a deployment configures a raster
base map (ECOLEADS_TILE_URL), from that tile server's origin.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# MDN / OWASP Secure Headers Project recommendations, adapted to what the UI needs.
BASE_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def tile_source(tile_url: str | None) -> str | None:
    """The CSP source of a tile URL template's origin ({s}.host → *.host); None if same-origin.

    Raises ValueError when the template's host cannot be written as a CSP host source.
    """
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    if not parts.scheme and not parts.netloc:
        return None  # a path on our own origin, e.g. /tiles/{z}/{x}/{y}.png
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"ECOLEADS_TILE_URL must be an http(s) URL template, not {tile_url!r}")
    first, _, rest = parts.netloc.rpartition("@")[2].partition(".")
    if "{" in first:
        first = "*"  # subdomain placeholder such as {s}: CSP allows a leading wildcard only
    if "{" in rest or "}" in rest or (not rest and first == "*"):
        raise ValueError(
            f"ECOLEADS_TILE_URL host {parts.netloc!r} has a placeholder that a "
            "Content-Security-Policy cannot express (only a leading {s}. subdomain can be)"
        )
    host = f"{first}.{rest}" if rest else first
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str | None = None) -> str:
    """The Content-Security-Policy header value, allowing the tile server's images."""
    policy = {k: list(v) for k, v in BASE_POLICY.items()}
    source = tile_source(tile_url)
    if source:
        policy["img-src"].append(source)
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


def security_headers(tile_url: str | None = None) -> list[tuple[str, str]]:
    """Every header this module adds, in order."""
    return [
        ("Content-Security-Policy", content_security_policy(tile_url)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]


class SecurityHeadersMiddleware:
    """Pure ASGI middleware adding the headers to each HTTP response (a route may override)."""

    def __init__(self, app: ASGIApp, headers: list[tuple[str, str]]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on and add the headers to its response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(app: FastAPI, tile_url: str | None) -> None:
    """Wrap the whole middleware stack, so 500 problem responses get the headers too.

    Starlette puts ServerErrorMiddleware (which answers unhandled errors) outside every
    middleware added with add_middleware; wrapping the built stack is the only way around it.
    """
    headers = security_headers(tile_url)  # a bad tile URL fails here, at start-up
    build: Callable[[], ASGIApp] = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return SecurityHeadersMiddleware(build(), headers)

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
