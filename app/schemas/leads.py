"""Lead schemas: the summary as listed, the full lead, weights, suggestions, map features."""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import Day, DbInt
from app.schemas.geojson import Geometry, PointGeometry
from app.schemas.labels import Label


class LeadSummary(BaseModel):
    """A lead as listed (and as every workflow operation answers)."""

    id: int
    category: str
    category_label: Label
    status: str
    status_label: Label
    score: float
    org_id: int | None
    assignee_id: int | None
    lon: float = Field(description="a point on the lead's geometry (WGS-84)")
    lat: float
    first_evidence_at: datetime | None
    last_evidence_at: datetime | None
    path: str | None = Field(
        description="the case path chosen at filing: administrative, civil or criminal_incidental "
        "(None before)"
    )
    allowed_transitions: list[str]


class ScoreEntry(BaseModel):
    """One signal of the score with its explanation (stored with the lead)."""

    model_config = ConfigDict(extra="allow")

    name: str
    value: float
    weight: float
    points: float
    reason: str
    applicable: bool
    details: list[dict[str, Any]] | None = Field(
        default=None, description="the evidence behind the value (present only when there is some)"
    )


class LegalElement(BaseModel):
    """An element a legal basis needs, and whether the evidence proves it."""

    model_config = ConfigDict(extra="allow")

    code: str
    zh: str
    en: str
    proven: bool


class LegalBasisRead(BaseModel):
    """A legal basis suggested for the lead (zone-specific first), in the version in force on
    the conduct date; or, with kind "no_basis", the note saying why no article applies."""

    model_config = ConfigDict(extra="allow")

    kind: Literal["basis", "no_basis"] = "basis"
    code: str | None = Field(default=None, description="stable code of the basis, e.g. wppcl-65")
    law: str
    article: str
    text: str
    zone: str | None = Field(description="kind/level of the zone it needs, if any")
    source: str | None = Field(default=None, description="the instrument and edition quoted")
    effective_from: date | None = Field(default=None, description="that edition in force from")
    effective_to: date | None = Field(default=None, description="in force until (None: still)")
    needs_review: bool = Field(
        default=False, description="the current article numbering could not be confirmed"
    )
    conduct_date: date | None = Field(
        default=None,
        description="the CST day that picked the version: the earliest evidence's; for harm "
        "that lasts, today while it persists (criminal rows keep the first day); for the "
        "procedure rows, the day of the step (程序从新)",
    )
    conduct_start: date | None = Field(
        default=None, description="when a continuing violation began, if not conduct_date"
    )
    timing_note: str | None = Field(
        default=None, description="why the version's day is not the conduct's first day"
    )
    note: str | None = Field(default=None, description="with kind no_basis: why no article")
    elements: list[LegalElement]
    missing: list[str] = Field(description="Chinese names of the elements not yet proven")


class EvidenceRead(BaseModel):
    """An evidence item of a lead with its provenance."""

    id: int
    kind: str
    category: str
    observed_at: str = Field(description="ISO 8601, UTC")
    source: str | None
    report_id: int | None
    provenance: dict[str, Any]
    lon: float = Field(description="centroid (WGS-84)")
    lat: float


class SuggestionRead(BaseModel):
    """A procuratorial suggestion issued on the lead, its service, reply and follow-ups."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    agency: str
    agency_level: str | None = Field(None, description="national … township (办案规则 art. 13)")
    issued_at: datetime
    urgent: bool
    served_at: datetime | None
    due_at: datetime
    replied_at: datetime | None
    reply_note: str | None
    complied: bool | None
    follow_ups: list[dict[str, Any]] | None


class TimelineEntry(BaseModel):
    """An audit-log entry of the lead (hash-chained)."""

    at: datetime
    actor: str
    action: str
    change: dict[str, Any]
    hash: str


class NextStepRead(BaseModel):
    """A step the caller may take on the lead, and from when."""

    to: str
    label: Label
    possible_from: date | None = Field(
        description="the day (China Standard Time) from which it is possible, when it waits "
        "for a period to end"
    )
    ready: bool = Field(description="whether it is possible now")
    reason: str | None = Field(description="why not yet")


class FindingCreate(BaseModel):
    """What investigation found on one evidence element of a lead."""

    model_config = ConfigDict(extra="forbid")

    element: str = Field(
        max_length=40, examples=["responsible_party"], description="an element code"
    )
    proven: bool
    note: str = Field(min_length=1, max_length=5000, description="what the finding rests on")
    evidence_ids: list[DbInt] = Field(default_factory=list, max_length=1000)


class FindingRead(BaseModel):
    """A recorded finding (the newest per element counts)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    element: str
    proven: bool
    note: str
    evidence_ids: list[int]
    created_by_id: int
    created_at: datetime


class LeadRead(LeadSummary):
    """A lead with its geometry, evidence, score, legal bases and timeline."""

    geometry: Geometry
    consultation: dict[str, Any] | None = Field(
        description="the pre-suggestion consultation (磋商): on, note, by"
    )
    notice_start: datetime | None = Field(description="civil path: the notice's publication")
    notice_end: datetime | None = Field(description="civil path: the end of the 30-day notice")
    notice_plaintiff: str | None = Field(
        description="civil path: the organisation that sued (its suit supported)"
    )
    next_steps: list[NextStepRead]
    score_breakdown: list[ScoreEntry]
    weights_version: int | None
    merged_into_id: int | None
    legal_bases: list[LegalBasisRead]
    geocode: dict[str, Any] = Field(description="where the lead lies (empty until geocoded)")
    evidence: list[EvidenceRead]
    suggestions: list[SuggestionRead]
    findings: list[FindingRead] = Field(description="what investigation found, oldest first")
    may_act: bool = Field(description="whether the caller may act on this lead (its workflow)")
    timeline: list[TimelineEntry]


class WeightsRead(BaseModel):
    """A version of the scoring weights."""

    version: int
    weights: dict[str, float]
    note: str | None
    created_at: datetime


class OverdueSuggestion(BaseModel):
    """A suggestion whose agency has not replied in time (on a lead still open)."""

    id: int
    lead_id: int
    agency: str
    issued_at: datetime
    due_at: datetime
    urgent: bool


class LeadFeature(BaseModel):
    """A lead as a GeoJSON feature (properties: the summary)."""

    type: Literal["Feature"]
    id: int
    geometry: Geometry
    properties: LeadSummary


class LeadCollection(BaseModel):
    """A page of leads as GeoJSON (`format=geojson`)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    type: Literal["FeatureCollection"]
    number_matched: int = Field(alias="numberMatched", description="all matches")
    number_returned: int = Field(alias="numberReturned")
    features: list[LeadFeature]


class MapLeadProperties(BaseModel):
    """A lead on the map (`kind` lead)."""

    kind: Literal["lead"]
    id: int
    score: float
    category: str
    status: str
    evidence: int = Field(description="evidence items")


class MapClusterProperties(BaseModel):
    """A grid cell of leads on the map (`kind` cluster)."""

    kind: Literal["cluster"]
    count: int
    max_score: float
    mean_score: float
    bbox: list[float] = Field(description="west, south, east, north of the cell's leads")


class MapFeature(BaseModel):
    """A lead or a cluster at its (mean) position."""

    type: Literal["Feature"]
    geometry: PointGeometry
    properties: MapLeadProperties | MapClusterProperties


class LeadMap(BaseModel):
    """The leads of a map view, one by one (`mode` leads) or in clusters."""

    type: Literal["FeatureCollection"]
    mode: Literal["leads", "clusters"]
    total: int
    cell_degrees: float | None = Field(
        default=None, description="cluster cell size (clusters only)"
    )
    features: list[MapFeature]


class ServiceRequest(BaseModel):
    """The day (China Standard Time) the agency received the suggestion."""

    model_config = ConfigDict(extra="forbid")

    served_on: Day


class ReplyRequest(BaseModel):
    """The agency's written reply."""

    model_config = ConfigDict(extra="forbid")

    replied_on: Day
    content: str = Field(min_length=1, max_length=10_000)
    complied: bool = Field(description="whether the agency says it has acted as suggested")


class FollowUpRequest(BaseModel):
    """A follow-up review (跟进监督): did the agency really act?"""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=5000)
    remedied: bool
