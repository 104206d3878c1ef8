"""Bounds shared by request schemas and route parameters."""

from typing import Annotated

from pydantic import Field

# The largest signed 64-bit integer: PostgreSQL BIGINT and SQLite INTEGER stop here, and
# the drivers raise OverflowError (a 500) for anything larger, so requests are refused first.
DB_INT_MAX = 2**63 - 1

DbInt = Annotated[int, Field(ge=1, le=DB_INT_MAX, description="a database id")]
