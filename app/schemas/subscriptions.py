"""Subscription and webhook delivery schemas."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.schemas.common import ID_MAX
from app.schemas.geojson import Geometry

Event = Literal[
    "lead.created", "lead.referred", "referral.receipted", "exceedance", "change_detected"
]


class LayerFeatureArea(BaseModel):
    """An area named by a layer feature (the feature's geometry at subscription time)."""

    model_config = ConfigDict(extra="forbid")

    layer: str = Field(max_length=100)
    feature_id: int = Field(ge=1, le=ID_MAX)


class SubscriptionCreate(BaseModel):
    """An endpoint to receive events, optionally only those in an area."""

    url: str = Field(max_length=2000, examples=["https://hooks.example.org/ecoleads"])
    events: list[Event] = Field(min_length=1)
    area: LayerFeatureArea | Geometry | None = Field(
        default=None, description="a GeoJSON geometry (WGS-84) or a layer feature"
    )

    @field_validator("area", mode="before")
    @classmethod
    def _layer_feature_is_checked(cls, value: Any) -> Any:
        """An area naming a layer is a layer feature, with its bounds (never a geometry)."""
        if isinstance(value, dict) and "layer" in value:
            return LayerFeatureArea.model_validate(value)
        return value

    def area_dict(self) -> dict[str, Any] | None:
        """The area as the service takes it."""
        if isinstance(self.area, LayerFeatureArea):
            return self.area.model_dump()
        return self.area


class SubscriptionRead(BaseModel):
    """A subscription (never its secret)."""

    id: int
    org_id: int
    url: str
    events: list[str]
    area: Geometry | None
    active: bool
    disabled_reason: str | None
    created_at: datetime


class SubscriptionCreated(SubscriptionRead):
    """A new subscription with its signing secret, shown this once."""

    secret: str = Field(description="whsec_…: verifies webhook-signature; shown only now")


class DeliveryRead(BaseModel):
    """One event's delivery to a subscription and its last attempt."""

    id: int
    message_id: str
    event: str
    status: str = Field(description="pending, delivered, failed or cancelled")
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    log: list[dict[str, Any]]
