"""Partner schemas: referrals, receipts and progress, joint handling, sharing agreements."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import ID_MAX
from app.schemas.labels import Label


class ReferralCreate(BaseModel):
    """Refer a lead: to a partner procuratorate (jurisdiction, cooperation: `to_org`), or to a
    body outside the platform (agency, criminal_clue: `receiver`)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["jurisdiction", "cooperation", "agency", "criminal_clue"] = Field(
        "jurisdiction",
        description="移送管辖, 协作, 移送行政机关 or 移送犯罪线索 (a criminal clue to the police)",
    )
    to_org: str | None = Field(
        None, max_length=32, description="the partner procuratorate (jurisdiction, cooperation)"
    )
    receiver: str | None = Field(
        None, max_length=200, description="the agency or police body (agency, criminal_clue)"
    )
    basis: str = Field(min_length=1, max_length=2000, description="legal or factual ground")
    note: str | None = Field(None, max_length=4000)
    grants_originals: bool = Field(
        False, description="let the partner download the lead's original photos"
    )


class OrgRef(BaseModel):
    """An organisation by code and name."""

    code: str
    name: str


class ReferralRead(BaseModel):
    """A referral and where it stands."""

    id: int
    lead_id: int
    kind: str
    kind_label: Label
    from_org: OrgRef
    to_org: OrgRef | None = Field(
        description="the receiving procuratorate; none for a body outside the platform"
    )
    receiver: str | None = Field(description="who receives it (the procuratorate or the body)")
    basis: str
    note: str | None
    grants_originals: bool
    status: str
    receipt_due_at: datetime
    received_at: datetime | None
    receipt_note: str | None
    overdue: bool
    progress: list[dict[str, Any]]
    outcome: str | None
    concluded_at: datetime | None
    created_at: datetime


class ReceiptCreate(BaseModel):
    """Acknowledge a referral."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=4000)


class ProgressCreate(BaseModel):
    """Report progress; an outcome concludes the referral, `declined` ends it."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=4000)
    outcome: str | None = Field(None, max_length=4000)
    declined: bool = False


class HandlerCreate(BaseModel):
    """Name the lead organisation or a co-handling organisation of a lead."""

    model_config = ConfigDict(extra="forbid")

    org: str = Field(max_length=32)
    role: Literal["lead", "co"] = "co"


class HandlerRead(BaseModel):
    """A handling organisation of a lead."""

    org: OrgRef
    role: str
    added_at: datetime


class BasinRef(BaseModel):
    """A feature of a layer of kind basin."""

    model_config = ConfigDict(extra="forbid")

    layer: str = Field(max_length=63)
    feature_id: int = Field(ge=1, le=ID_MAX)


class ShareCreate(BaseModel):
    """Share the leads of an area with a partner: its jurisdiction plus a buffer, or a basin."""

    model_config = ConfigDict(extra="forbid")

    org: str = Field(max_length=32)
    jurisdiction_buffer_m: float | None = Field(None, ge=0, le=200_000)
    basin: BasinRef | None = None
    note: str | None = Field(None, max_length=2000)


class ShareRead(BaseModel):
    """A sharing agreement."""

    id: int
    org: str
    area_kind: str
    buffer_m: float | None
    layer_feature_id: int | None
    granted_at: datetime
    revoked_at: datetime | None
    note: str | None
