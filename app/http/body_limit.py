"""A cap on the size of request bodies that are not multipart uploads (pure ASGI middleware).

JSON and form bodies are read whole into memory and parsed, so a 50 MB body costs the
service far more than it costs the client. Such bodies are refused with a 413 problem:
up front when Content-Length says so, else as soon as the streamed (chunked) bytes pass
the limit. Multipart uploads are left to the routes, which apply their own larger limits
(upload_max_bytes, photo_max_bytes) while streaming to disk.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import problem


class BodyTooLarge(Exception):
    """Raised into the application when a streamed body passes the limit."""


class BodyLimitMiddleware:
    """Answer 413 to non-multipart request bodies larger than `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, refusing a body over the limit."""
        if scope["type"] != "http" or _is_multipart(scope):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send, f"{declared:,} bytes")
            return
        received = 0
        over = False
        started = False

        async def counted() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    over = True
                    raise BodyTooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if over:
                return  # whatever the app answers to the cut-off body, the answer is 413
            started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except BodyTooLarge:
            pass
        except Exception:
            if not over:
                raise
        if over and not started:
            await self._refuse(scope, receive, send, f"more than {self.max_bytes:,} bytes")

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, size: str) -> None:
        response = problem(
            413,
            "Payload too large",
            f"request body of {size} is over the limit of {self.max_bytes:,} bytes "
            "for requests that are not file uploads",
            "payload-too-large",
            scope.get("path", ""),
        )
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value)
    return None


def _is_multipart(scope: Scope) -> bool:
    kind = _header(scope, b"content-type") or b""
    return kind.lower().lstrip().startswith(b"multipart/form-data")


def _content_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
