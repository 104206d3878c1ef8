"""Bounds shared by request schemas and route parameters."""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from geo.instants import check_day, check_instant

# The largest id (or row offset) a request may name: 2**31 - 1, the top of the id columns
# (sa.Integer: PostgreSQL INTEGER is 32-bit; SQLite's is 64-bit). Beyond it the drivers
# raise (psycopg NumericValueOutOfRange, SQLite OverflowError above 2**63): a 500. It is
# also exact as the double the OpenAPI document states bounds in.
ID_MAX = 2**31 - 1

DbInt = Annotated[int, Field(ge=1, le=ID_MAX, description="a database id")]

# Every instant and day a request names passes geo.instants' range check (a 422 outside).
Instant = Annotated[datetime, AfterValidator(check_instant)]
Day = Annotated[date, AfterValidator(check_day)]
