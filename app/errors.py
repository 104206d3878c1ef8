"""Domain errors and the one table that turns every error into RFC 9457 problem details."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from geo.air.firms import FirmsError
from geo.air.formats import ReadingsError
from geo.crs import CRSError
from geo.layers import LayerFileError
from rules.kinds import KindError
from rules.workflow import TooEarly, TransitionError

log = logging.getLogger("ecoleads.errors")
PROBLEM_TYPE = "https://ecoleads.org/problems/"


class AppError(Exception):
    """An error a client can act on; carries its HTTP status and a short title."""

    status = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(AppError):
    """The resource does not exist."""

    status, title, slug = 404, "Not found", "not-found"


class Unauthorized(AppError):
    """No valid credentials were given; `challenge` is the WWW-Authenticate answer."""

    status, title, slug = 401, "Unauthorized", "unauthorized"

    def __init__(self, message: str, challenge: str = "Bearer") -> None:
        super().__init__(message)
        self.challenge = challenge


class Forbidden(AppError):
    """The caller may not do this."""

    status, title, slug = 403, "Forbidden", "forbidden"


class TooManyRequests(AppError):
    """A rate limit or cap was reached; retry_after says when to try again (seconds)."""

    status, title, slug = 429, "Too many requests", "too-many-requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(AppError):
    """The service is overloaded for now (database busy, no free connection or decode slot);
    retry_after says when to try again (seconds)."""

    status, title, slug = 503, "Service busy", "service-busy"

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# PostgreSQL's SQLSTATEs for a lock not had in time (lock_timeout), a deadlock broken by
# the server and a serialisation failure: the transaction was rolled back, a retry may pass.
RETRYABLE_SQLSTATES = frozenset({"55P03", "40P01", "40001"})


def overload(exc: BaseException) -> Unavailable | None:
    """Return the 503 an overload error means (a writer timed out on a lock, or the pool had
    no connection in time), or None for any other error."""
    if isinstance(exc, PoolTimeout):
        return Unavailable("the service has no free database connection; retry shortly")
    if not isinstance(exc, OperationalError):
        return None
    if getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES or any(
        words in str(exc.orig).lower() for words in ("database is locked", "database is busy")
    ):
        return Unavailable("the database is busy with other writes; retry shortly")
    return None


class Conflict(AppError):
    """The request conflicts with the current state."""

    status, title, slug = 409, "Conflict", "conflict"


class Invalid(AppError):
    """The request is well-formed but its content cannot be accepted."""

    status, title, slug = 422, "Invalid input", "invalid-input"


class TooLarge(AppError):
    """The upload exceeds a configured limit."""

    status, title, slug = 413, "Payload too large", "payload-too-large"


# Errors raised by geo/ (which knows nothing of HTTP) and what they mean to a client.
DOMAIN_ERRORS: dict[type[Exception], tuple[int, str, str]] = {
    LayerFileError: (422, "Layer file refused", "layer-file-refused"),
    KindError: (422, "Invalid layer kind or level", "invalid-kind"),
    CRSError: (422, "Unknown coordinate system", "unknown-crs"),
    TransitionError: (409, "Transition not allowed", "transition-not-allowed"),
    TooEarly: (422, "Step not yet possible", "step-not-yet-possible"),
    ReadingsError: (422, "Readings file refused", "readings-file-refused"),
    FirmsError: (422, "Hotspot file refused", "hotspot-file-refused"),
}


def problem(
    status: int, title: str, detail: str, slug: str, instance: str, **extra: object
) -> JSONResponse:
    """Build an application/problem+json response."""
    body = {
        "type": PROBLEM_TYPE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def describe(exc: Exception) -> tuple[int, str, str, str]:
    """Return (status, title, slug, detail) for a known error; 500 for anything else."""
    exc = overload(exc) or exc
    if isinstance(exc, AppError):
        return exc.status, exc.title, exc.slug, exc.message
    for cls, (status, title, slug) in DOMAIN_ERRORS.items():
        if isinstance(exc, cls):
            return status, title, slug, str(exc)
    return 500, "Internal server error", "internal", "an unexpected error occurred; it was logged"


def problem_for(exc: Exception, path: str) -> JSONResponse:
    """Render any error as problem details (logged when it is the service's fault)."""
    status, title, slug, detail = describe(exc)
    if status == 503:
        log.warning("overloaded", extra={"path": path, "detail": detail})
    elif status >= 500:
        log.exception("unhandled error", extra={"path": path}, exc_info=exc)
    response = problem(status, title, detail, slug, path)
    if isinstance(exc, Unauthorized):
        response.headers["WWW-Authenticate"] = exc.challenge
    busy = overload(exc) or exc
    if isinstance(busy, TooManyRequests | Unavailable):
        response.headers["Retry-After"] = str(busy.retry_after)
    return response


class ErrorsMiddleware:
    """Answer any error that reaches the middleware stack with problem details, and end
    there: Starlette's ServerErrorMiddleware would answer too, but then re-raise into the
    server, which closes the keep-alive connection under the client's next request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI event."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            if started:  # part of the answer is out: nothing truthful can follow
                raise
            await problem_for(exc, scope["path"])(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that render every error as problem details."""

    async def known(request: Request, exc: Exception) -> JSONResponse:
        return problem_for(exc, request.url.path)

    async def http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "HTTP error")
        return problem(
            exc.status_code, title, str(exc.detail), f"http-{exc.status_code}", request.url.path
        )

    async def validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", "")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors)
        return problem(
            422, "Invalid request", detail, "invalid-request", request.url.path, errors=errors
        )

    app.add_exception_handler(AppError, known)
    for cls in DOMAIN_ERRORS:
        app.add_exception_handler(cls, known)
    app.add_exception_handler(StarletteHTTPException, http)
    app.add_exception_handler(RequestValidationError, validation)
    # The innermost middleware (added first): every error the handlers above do not take is
    # answered right outside the router, never re-raised into the server.
    app.add_middleware(ErrorsMiddleware)
