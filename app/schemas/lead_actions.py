"""Requests that act on leads: a workflow step, an assignment, a merge or split, and a new
version of the scoring weights."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.schemas.common import Day, DbInt


class TransitionRequest(BaseModel):
    """Move a lead to another state."""

    to: str = Field(examples=["triaged"])
    note: str = Field(min_length=1, max_length=5000)
    agency: str | None = Field(None, description="for suggestion_issued: the agency addressed")
    agency_level: Literal["national", "provincial", "city", "county", "township"] | None = Field(
        None,
        description="for suggestion_issued: the agency's level; a procuratorate at another "
        "level gets the jurisdiction note of 办案规则 art. 13",
    )
    urgent: bool = Field(False, description="for suggestion_issued: 15-day reply period")
    served_on: Day | None = Field(
        None, description="for suggestion_issued: the day the agency received it (default today)"
    )
    path: str | None = Field(
        None,
        description="for case_filed: the case path: administrative, civil or criminal_incidental",
        examples=["administrative"],
    )
    on: Day | None = Field(
        None,
        description="for consultation: the day of the consultation; for public_notice: the day "
        "the notice was published (default today, China Standard Time)",
    )
    plaintiff: str | None = Field(
        None,
        max_length=200,
        description="for support_suit: the organisation entitled to sue that sued",
    )


class AssignRequest(BaseModel):
    """Assign a lead to a prosecutor."""

    assignee_id: DbInt
    note: str = Field("", max_length=5000)


class MergeRequest(BaseModel):
    """Merge `source` into `target`."""

    target: DbInt
    source: DbInt
    note: str = Field(min_length=1, max_length=5000)


class SplitRequest(BaseModel):
    """Split evidence out of a lead into a new one."""

    evidence_ids: list[DbInt] = Field(min_length=1, max_length=10_000)
    note: str = Field(min_length=1, max_length=5000)


class WeightsRequest(BaseModel):
    """A new version of the scoring weights."""

    weights: dict[str, Annotated[float, Field(allow_inf_nan=False)]]
    note: str = Field("", max_length=5000)
