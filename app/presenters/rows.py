"""Build a response schema from a row: fields named as the row's attributes are copied."""

from collections.abc import Collection
from typing import Any, TypeVar

from pydantic import BaseModel

Schema = TypeVar("Schema", bound=BaseModel)


def from_row(
    schema: type[Schema], row: object, *, unset: Collection[str] = (), **given: Any
) -> Schema:
    """Return `schema` with `given` fields as passed, those in `unset` left unset (an answer
    that excludes unset fields leaves them out), and every other field read off `row`."""
    copied = {
        name: getattr(row, name)
        for name in schema.model_fields
        if name not in given and name not in unset
    }
    return schema.model_validate({**copied, **given})
