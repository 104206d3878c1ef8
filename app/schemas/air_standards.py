"""Schemas of the standards applied to air statistics: editions by date, the indicative label
of hourly PM IAQI, dust-day exclusions and the HJ 663 annual evaluation."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Day = str  # ISO 8601 calendar day


class EditionUsed(BaseModel):
    """The standards in force over some days and the tables applied to them."""

    from_: Day = Field(alias="from")
    to: Day
    standard: str = Field(description="GB 3095 edition whose limits are applied")
    validity_standard: str = Field(description="GB 3095 edition whose validity rules apply")
    iaqi_standard: str = Field(description="HJ 633 edition whose breakpoints are applied")
    iaqi_in_force: bool = Field(description="whether that HJ 633 edition was in force")
    evaluation_standard: str = Field(description="HJ 663 edition whose method is applied")
    in_force: list[str] = Field(description="GB 3095, HJ 633, HJ 663 editions in force")
    confirmed: bool = Field(description="whether the tables applied are those in force")
    note: str | None = Field(description="why they differ (zh, en)")

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class IndicativeLabel(BaseModel):
    """Marks a value the standard does not define (hourly PM IAQI)."""

    indicative: Literal[True]
    zh: str
    en: str


class DustBasis(BaseModel):
    """The rule that lets dust-storm days be left out, and how far it was checked."""

    zh: str
    en: str
    needs_review: bool
    review_note: str


class DustDays(BaseModel):
    """Dust days named by the caller and those actually left out of the data."""

    supplied: list[Day]
    excluded: list[Day]
    excluded_count: int
    basis: DustBasis


class DustCandidate(BaseModel):
    """A day that looks like dust (suggestion only, never excluded automatically)."""

    station_code: str
    date: Day
    pm10: float | None
    pm25: float | None
    ratio: float | None = Field(description="PM2.5 / PM10 of the daily means")
    limit: float = Field(description="PM10 grade II 24-hour limit of the day")


class GradeResult(BaseModel):
    """Whether the annual mean, the 95th percentile and both meet a grade's limits."""

    annual_mean: bool
    p95: bool
    both: bool


class AnnualPollutant(BaseModel):
    """One pollutant's year by HJ 663: mean, 95th percentile of daily means, grades met."""

    pollutant: str
    valid_days: int = Field(description="valid daily means monitored (before exclusions)")
    days_used: int = Field(description="valid daily means in the mean and percentile")
    valid: bool = Field(description="GB 3095-2012 表4 satisfied (324 days, months)")
    rule: str
    annual_mean: float | None
    p95: float | None = Field(description="95th percentile of daily means (HJ 663 formula)")
    limits: dict[str, dict[str, float]] = Field(
        description="'year' and '24h' by grade; empty if the edition sets none (PM2.5 < 2016)"
    )
    meets: dict[str, GradeResult | None] = Field(
        description="by grade; null if not valid or no limit"
    )
    compliant: bool | None = Field(
        description="meets both limits of the station's grade (its area class); null if not judged"
    )


class AnnualRead(BaseModel):
    """A station's annual evaluation with the edition applied and any dust days left out."""

    station: str
    area_class: int = Field(description="the station's GB 3095-2012 area class")
    grade: str = Field(description="grade of the area class (class 1: I, class 2: II)")
    year: int
    standard: str
    evaluation_standard: str
    in_force: list[str]
    note: str | None
    percentile: float
    pollutants: list[AnnualPollutant]
    dust_days: DustDays
    dust_candidates: list[DustCandidate]
