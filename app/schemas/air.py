"""Air-quality schemas: stations, hourly readings, GB 3095 statistics, imports."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.air_standards import DustDays, EditionUsed, IndicativeLabel
from app.schemas.geojson import PointGeometry

Day = str  # ISO 8601 calendar day, e.g. "2017-02-01"


class StationRead(BaseModel):
    """A monitoring station (WGS-84)."""

    code: str
    name: str
    city: str | None
    kind: str
    area_class: int = Field(
        description="GB 3095-2012 area class: 1 一类区 (grade I limits), 2 二类区 (grade II)"
    )
    org_id: int | None
    lon: float
    lat: float


class StationUpdate(BaseModel):
    """A change to a station: its GB 3095-2012 area class."""

    area_class: Literal[1, 2] = Field(
        description="1 一类区 (nature reserves, scenic areas, other areas needing special "
        "protection: grade I limits), 2 二类区 (grade II)"
    )


class DayMean(BaseModel):
    """A station's GB 3095-2012 daily PM10 mean; only `date` when it has no data that day."""

    date: Day | None
    pollutant: str | None = None
    mean: float | None = None
    hours: int | None = Field(default=None, description="hourly values in the day")
    coverage: float | None = Field(default=None, description="hours / 24")
    valid: bool | None = Field(default=None, description=">= 20 hourly values (GB 3095-2012 表4)")
    standard: str | None = Field(default=None, description="GB 3095 edition applied that day")
    note: str | None = Field(default=None, description="why it is not the edition in force")


class StationDay(StationRead):
    """A station with the day's PM10 mean."""

    pm10_day: DayMean


class StationsRead(BaseModel):
    """Stations with a day's PM10 mean, and the days with data (`format=json`)."""

    day: Day | None
    first_day: Day | None
    last_day: Day | None
    edition: EditionUsed | None = Field(default=None, description="standards of the day")
    stations: list[StationDay]


class StationProperties(BaseModel):
    """A station's properties in GeoJSON (its position is the geometry)."""

    code: str
    name: str
    city: str | None
    kind: str
    area_class: int
    org_id: int | None
    pm10_day: DayMean


class StationFeature(BaseModel):
    """A station as a GeoJSON feature."""

    type: Literal["Feature"]
    geometry: PointGeometry
    properties: StationProperties


class StationCollection(BaseModel):
    """Stations as GeoJSON (`format=geojson`), with the days with data."""

    type: Literal["FeatureCollection"]
    day: Day | None
    first_day: Day | None
    last_day: Day | None
    edition: EditionUsed | None = Field(default=None, description="standards of the day")
    features: list[StationFeature]


class HourValues(BaseModel):
    """An hour's values as read, one per geo.air.quality.VALUE_COLUMNS (null: missing).

    Concentrations µg/m³ (CO mg/m³); wind from-direction °, speed m/s; temperature and
    dew point °C; pressure hPa; relative humidity %; rain mm in the hour.
    """

    pm10: float | None
    pm25: float | None
    so2: float | None
    no2: float | None
    co: float | None
    o3: float | None
    o3_8h: float | None
    wind_dir: float | None
    wind_speed: float | None
    temp: float | None
    pres: float | None
    dewpoint: float | None
    humidity: float | None
    rain: float | None


class HourReading(BaseModel):
    """An hour: values as read, flags, regional baseline, local excess, PM10 IAQI."""

    at: str = Field(description="UTC start of the hour, ISO 8601")
    values: HourValues
    out_of_range: list[str]
    missing: list[str]
    pm10_baseline: float | None
    pm10_excess: float | None
    pm10_iaqi: float | None = Field(
        description="indicative: the hour's PM10 on the 24-hour breakpoints (see pm10_iaqi_label)"
    )
    pm10_iaqi_indicative: bool
    iaqi_standard: str = Field(description="HJ 633 edition whose breakpoints are applied")
    iaqi_in_force: bool = Field(
        description="whether that HJ 633 edition was in force that day (before 2016 the "
        "index was the API: the IAQI is for reference only)"
    )
    note: str | None = Field(description="why it is not the edition in force")


class ReadingsRead(BaseModel):
    """A station's hours; their PM10 IAQI is indicative (HJ 633 has no 1-hour PM IAQI)."""

    station: StationRead
    hours: list[HourReading]
    units: str
    pm10_iaqi_label: IndicativeLabel


class DailyStat(BaseModel):
    """A local day's mean with its coverage and validity (and IAQI where HJ 633 has one)."""

    date: Day
    mean: float | None
    hours: int
    coverage: float | None
    valid: bool
    standard: str = Field(description="GB 3095 edition applied that day")
    note: str | None = Field(description="why it is not the edition in force")
    iaqi: float | None = Field(default=None, description="HJ 633 IAQI (24-hour tables only)")
    iaqi_standard: str | None = Field(default=None, description="HJ 633 edition applied")
    iaqi_in_force: bool | None = Field(
        default=None, description="whether that HJ 633 edition was in force that day"
    )


class PeriodStat(BaseModel):
    """A month's or year's mean of valid days, judged by GB 3095-2012 表4."""

    period: str
    mean: float | None
    valid_days: int
    days_in_period: int
    coverage: float | None
    valid: bool
    rule: str
    standard: str = Field(description="GB 3095 edition applied (in force on the last day)")
    note: str | None


class StationSummary(BaseModel):
    """Days, valid days and exceedance days of a station."""

    station_code: str
    valid_days: int
    exceedance_days: int
    exceedance_rate: float | None
    days_total: int


class StatisticsRead(BaseModel):
    """Means of a station: `days` (with `summary`) for period day, else `periods`."""

    station: str
    pollutant: str
    period: Literal["day", "month", "year"]
    from_: Day = Field(alias="from")
    to: Day
    rule: str
    area_class: int = Field(description="the station's GB 3095-2012 area class")
    grade: str = Field(description="grade of the area class, applied to the summary")
    editions: list[EditionUsed]
    days: list[DailyStat] | None = None
    summary: list[StationSummary] | None = None
    periods: list[PeriodStat] | None = None

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class DailyLimit(BaseModel):
    """The daily limit applied."""

    grade: str | None
    value: float | None = Field(description="null when the editions of the days differ")
    source: str


class HourlyLimit(BaseModel):
    """The hourly screening threshold applied."""

    value: float
    note: str


class DailyExceedance(BaseModel):
    """A valid daily mean above the daily limit."""

    station_code: str
    date: Day
    mean: float | None
    limit: float
    grade: str | None = Field(description="grade of the limit (null: a limit was given)")
    ratio: float | None
    hours: int
    coverage: float | None
    standard: str = Field(description="GB 3095 edition applied that day")
    note: str | None
    station_name: str | None


class HourlyExceedance(BaseModel):
    """An hourly value above the screening threshold, with its day's coverage."""

    station: str
    station_name: str | None
    at: str = Field(description="UTC start of the hour, ISO 8601")
    value: float
    limit: float
    day_hours: int | None
    day_coverage: float | None


class ExceedancesRead(BaseModel):
    """Exceedances over an area, each with the completeness of its day."""

    pollutant: str
    from_: Day = Field(alias="from")
    to: Day
    stations: int
    daily_limit: DailyLimit
    editions: list[EditionUsed]
    dust_days: DustDays = Field(description="left out of the daily statistics, not the hours")
    hourly_limit: HourlyLimit
    daily_exceedances: list[DailyExceedance]
    daily_exceedances_total: int
    hourly_exceedances: list[HourlyExceedance]
    hourly_exceedances_total: int
    by_station: list[StationSummary]

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class AirImportRead(BaseModel):
    """An import of readings or hotspots with its quality report."""

    id: int
    format: str
    files: list[dict[str, Any]] = Field(description="name and SHA-256 of each file read")
    rows_read: int
    rows_stored: int
    actor: str
    created_at: str = Field(description="ISO 8601")
    report: dict[str, Any] = Field(
        description="rejected rows, duplicates, missing and out-of-range values, stations"
    )
