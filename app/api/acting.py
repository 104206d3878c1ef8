"""Call a use case as the caller, with a request body's fields as its arguments."""

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.auth import Principal

Result = TypeVar("Result")


def act(
    use_case: Callable[..., Result],
    session: Session,
    caller: Principal,
    body: BaseModel,
    **more: Any,
) -> Result:
    """Return `use_case` applied as the caller; the body's fields (named as the use case's
    parameters) and `more` (ids from the path, settings) are its arguments."""
    return use_case(session, user=caller.user, **body.model_dump(), **more)
