"""Build a response schema from a row: fields named as the row's attributes are copied."""

from typing import Any, TypeVar

from pydantic import BaseModel

Schema = TypeVar("Schema", bound=BaseModel)


def from_row(schema: type[Schema], row: object, **given: Any) -> Schema:
    """Return `schema` with `given` fields as passed and every other field read off `row`."""
    copied = {name: getattr(row, name) for name in schema.model_fields if name not in given}
    return schema.model_validate({**copied, **given})
