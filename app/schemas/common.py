"""Bounds shared by request schemas and route parameters."""

from typing import Annotated

from pydantic import Field

# The largest id a request may name: 2**53 - 1, the largest integer every JSON client holds
# exactly (RFC 8259 §6; JavaScript's Number.MAX_SAFE_INTEGER) and that the OpenAPI document
# (whose bounds are doubles) states exactly. It is far inside the 64-bit range of PostgreSQL
# BIGINT and SQLite INTEGER, beyond which the drivers raise OverflowError (a 500).
ID_MAX = 2**53 - 1

DbInt = Annotated[int, Field(ge=1, le=ID_MAX, description="a database id")]
