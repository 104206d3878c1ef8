"""Routes whose input holds no control characters and whose database transaction ends
before the response is serialised.

FastAPI runs a sync endpoint in the thread pool, then validates its answer in the pool again
(another token), and only then leaves the function-scoped dependencies, where the session
would commit. A request holding a lock (a lead's row, the audit chain, SQLite's write lock)
would thus wait for a free thread before releasing it, while every thread may be waiting for
that very lock: the service wedges. Here the endpoint's own thread commits and closes the
request's session as soon as the endpoint returns, so no request holds a lock while it waits
for anything but its own database work. The session dependency (app/db.py) still rolls back
on error and closes it.

Why this rather than async endpoints: every endpoint does blocking database and CPU work,
which belongs in the thread pool anyway; one wrapper keeps the routers as they are.
"""

import dataclasses
import functools
import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import Request, UploadFile
from fastapi.routing import APIRoute
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel
from pydantic_settings import BaseSettings
from sqlalchemy.orm import Session

from app.errors import Invalid

# C0 controls and DEL, but tab, line feed and carriage return (text may have lines). PostgreSQL
# cannot store NUL in text at all; none of them belongs in a name, a note or a query value.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refuse_control_characters(value: Any, where: str) -> None:
    """Raise Invalid naming the first input text (a parameter, a body field, a file name)
    that holds a control character."""
    if isinstance(value, str):
        found = CONTROL.search(value)
        if found:
            raise Invalid(f"{where}: control character U+{ord(found.group()):04X} in text")
        return
    for part, at in _parts(value, where):
        refuse_control_characters(part, at)


def _parts(value: Any, where: str) -> Iterator[tuple[Any, str]]:
    """The inputs inside a value, each with where it is (none for plain scalars)."""
    if isinstance(value, BaseModel) and not isinstance(value, BaseSettings):
        yield from ((getattr(value, n), f"{where}.{n}") for n in type(value).model_fields)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        yield from ((getattr(value, f.name), f"{where}.{f.name}") for f in fields)
    elif isinstance(value, list | tuple | set | frozenset):
        yield from ((item, f"{where}[{n}]") for n, item in enumerate(value))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key, where
            yield item, f"{where}.{key}"
    elif isinstance(value, UploadFile):
        yield value.filename, f"{where} (file name)"
    elif isinstance(value, OAuth2PasswordRequestForm):
        yield value.username, "username"
    elif isinstance(value, Request):  # what an endpoint may read itself
        yield dict(value.path_params), "path"
        yield dict(value.query_params), "query"


def _ending_transaction(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a sync endpoint: refuse control characters in its inputs, then run it and commit
    and close its session(s) in the same thread call."""

    @functools.wraps(endpoint)
    def run(**values: Any) -> Any:
        for name, value in values.items():
            refuse_control_characters(value, name)
        result = endpoint(**values)
        for value in values.values():
            if isinstance(value, Session):
                value.commit()
                value.close()
        return result

    return run


class TransactionRoute(APIRoute):
    """An API route whose sync endpoint ends the request's transaction before its answer is
    validated and sent (see the module docstring)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if inspect.isgeneratorfunction(endpoint) or inspect.isasyncgenfunction(endpoint):
            raise TypeError(f"{path}: a streaming endpoint would outlive its transaction")
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _ending_transaction(endpoint)
        super().__init__(path, endpoint, **kwargs)
