"""Service settings: the only module that reads the environment (prefix ECOLEADS_)."""

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rules.working_days import NonWorkingDays


class Settings(BaseSettings):
    """All tunables of the service; every field can be set as ECOLEADS_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="ECOLEADS_", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default sqlite:///<data_dir>/db/ecoleads.db"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    # SIGTERM stops the service within this many seconds: requests under way may finish
    # (then they are cancelled), running jobs go back to the queue if they have not ended.
    shutdown_timeout_s: float = Field(default=20.0, gt=0)
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or
    # networks, comma-separated; "*" for any). Default: none, the peer's address is the
    # client's (sign-in throttling counts per address).
    trusted_proxies: str = ""
    log_level: str = "INFO"
    log_json: bool = True
    # Uploads at most this large are imported inside the request; larger ones run as a job.
    sync_import_max_bytes: int = 2 * 1024 * 1024
    upload_max_bytes: int = 512 * 1024 * 1024
    # Batch geocoding: at most this many points answer inline, more run as a job.
    sync_batch_max_points: int = 1000
    batch_max_points: int = 100_000
    # Request bodies other than multipart uploads (JSON, forms) are refused above this (bytes);
    # uploads have their own limits (upload_max_bytes, photo_max_bytes).
    json_body_max_bytes: int = 2 * 1024 * 1024
    # A GeoJSON geometry posted to geocode may hold at most this many vertices (positions).
    geometry_max_vertices: int = 10_000
    # Partner procuratorates within this distance of a geocoded item are flagged (metres).
    partner_distance_m: float = 10_000.0
    # Nearest water bodies and water-source zones are searched this far (metres).
    nearest_max_m: float = 50_000.0
    # Identity: login sessions and the organisation volunteers join by default.
    session_ttl_s: int = 12 * 3600
    api_token_max_days: int = 366
    default_org_code: str = "130700"
    # Failed sign-ins allowed per account name (as typed) and per client address within the
    # window, then 429 until the oldest counted failure leaves it (OWASP authentication
    # cheat sheet: throttle by account and by source; 0 turns a limit off).
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    login_failure_window_s: int = 15 * 60
    # Volunteers' reports: photo limits, location and time checks, abuse limits.
    photo_max_bytes: int = 20 * 1024 * 1024
    photo_max_pixels: int = 40_000_000
    photo_display_px: int = 1600
    photo_thumb_px: int = 320
    report_max_photos: int = 9
    # All photos of one report together (pixels): nine 36-megapixel photos are refused.
    report_max_total_pixels: int = 120_000_000
    location_disagreement_m: float = 500.0
    capture_max_age_h: float = 72.0
    # EXIF times without an offset are read in this zone (China Standard Time).
    local_utc_offset_h: float = 8.0
    reports_per_minute_per_token: int = 6
    reports_per_day_per_volunteer: int = 50
    # Evidence files that no row references and nobody has stored for this long (s) are
    # swept at start-up and by `ecoleads evidence gc` (longer than any request can run).
    evidence_gc_grace_s: float = 900.0
    # Evidence originals are also kept in S3-compatible object storage when this is set
    # (s3://bucket or s3://bucket/prefix; a versioned bucket with Object Lock). Credentials,
    # endpoint and region come from the standard AWS_* variables (AWS_ENDPOINT_URL,
    # AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION). Intake stages each original on
    # local disk; the archiver copies committed originals there under COMPLIANCE retention,
    # checks the copy, and then drops the staged copy (reads fall back to the archive).
    evidence_store: str | None = Field(
        default=None, pattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[\w./-]*)?$"
    )
    # Years of COMPLIANCE retention of each archived original (nobody can shorten it).
    evidence_retention_days: int = Field(default=3650, ge=1)
    # The archiver looks for originals to copy this often (s); after a failure it waits
    # twice as long each time, up to evidence_archive_max_wait_s.
    evidence_archive_poll_s: float = Field(default=30.0, gt=0)
    evidence_archive_max_wait_s: float = Field(default=900.0, gt=0)
    # Keep the staged local copy after the archive copy is checked (default: drop it).
    evidence_keep_staged: bool = False
    # A period (reply, notice, referral receipt) ending on a non-working day ends on the next
    # working day: weekends and public holidays of the shipped China calendar with its 调休
    # working days (rules/working_days.py), plus these holidays, minus these working days.
    holidays: list[date] = Field(default_factory=list)
    workdays: list[date] = Field(default_factory=list)
    # A partner organisation acknowledges a referral within this many days (回执期限).
    referral_receipt_days: int = Field(default=7, ge=1, le=90)
    # Imagery: the largest declared raster (pixels per band; 20,000 × 20,000).
    imagery_max_pixels: int = 400_000_000
    # The server's secret keys (the dossier signing key): default <data dir>/keys/, kept out
    # of the SQLite database's directory (start-up refuses a key inside it).
    keys_dir: Path | None = None
    # Path of the Ed25519 key that signs dossiers; default <keys dir>/dossier_ed25519.pem.
    signing_key: Path | None = None
    # Air: the regional baseline of a station is the median of the others this close (m);
    # single hours above this PM10 are listed as screening exceedances (µg/m³).
    air_baseline_radius_m: float = 100_000.0
    air_hourly_screen_pm10: float = 150.0
    # Fire hotspots become straw-burning evidence from this confidence class up, inside a
    # no-burn area or on cropland within this distance of a water-source zone (m).
    hotspot_min_confidence: str = "nominal"
    hotspot_cropland_water_m: float = 5_000.0
    # The map UI: an optional XYZ raster base map ({z}/{x}/{y}) where a deployment has one
    # (default: none, the base map is drawn from our own layers), and the first view.
    tile_url: str | None = None
    tile_attribution: str = ""
    map_center_lat: float = 40.6
    map_center_lon: float = 115.3
    map_zoom: int = 8
    # Database connections: the pool matches the request thread pool (40 threads); a request
    # that finds no connection within the timeout (s), a PostgreSQL statement that waits
    # longer than the lock timeout (s) for a lock (a row, the audit chain), or a SQLite writer
    # that waits longer than the busy timeout (ms) for the write lock, is answered 503 with
    # Retry-After and changes nothing.
    db_pool_size: int = 10
    db_pool_overflow: int = 30
    db_pool_timeout_s: float = 10.0
    db_lock_timeout_s: float = Field(default=10.0, gt=0)
    sqlite_busy_timeout_ms: int = 10_000
    # At most this many photo decodes run at once (CPU and memory bound); a report that waits
    # longer than the timeout (s) for a slot is answered 503 with Retry-After.
    decode_slots: int = 2
    decode_wait_s: float = 20.0
    # Jobs live in the database (a durable queue). "thread": the service runs job_workers
    # worker threads itself; "external": it only enqueues, and `ecoleads worker` processes
    # (any number, sharing the database) run the jobs.
    job_runner: Literal["thread", "external"] = "thread"
    job_workers: int = Field(default=1, ge=1)
    # An idle worker looks for queued jobs this often (s); in the service it is also woken at
    # once when a request commits a job.
    job_poll_s: float = Field(default=1.0, gt=0)
    # A running job's worker records a heartbeat this often (s); a job with no heartbeat for
    # the timeout (s) was cut off (kill -9, power loss) and is run again, up to max_attempts
    # claims in all, then failed as interrupted. Clocks of worker hosts must agree (NTP).
    job_heartbeat_s: float = Field(default=5.0, gt=0)
    job_heartbeat_timeout_s: float = Field(default=30.0, gt=0)
    job_max_attempts: int = Field(default=3, ge=1)
    # Upload directories no pending job refers to are removed at start-up once this old (s):
    # younger ones may belong to a request still running in another service process.
    upload_prune_grace_s: float = 3600.0
    # Webhooks (app/services/webhooks/): the hosts subscriptions may send to, as host names
    # ("hooks.example.org", "*.example.org"), IP addresses or CIDRs; empty: no webhooks at
    # all. A resolved private, loopback or link-local address is refused unless listed here
    # as an address or CIDR; plain http only to a host listed exactly.
    webhook_allowed_hosts: list[str] = Field(default_factory=list)
    # Deliver from this process (dispatcher threads beside the job runner, and in
    # `ecoleads worker`); any number of processes may share the outbox.
    webhook_dispatcher: bool = True
    webhook_dispatchers: int = Field(default=1, ge=1)
    webhook_poll_s: float = Field(default=1.0, gt=0)
    webhook_timeout_s: float = Field(default=10.0, gt=0)
    # Waits (s) after the 1st, 2nd, … failed attempt (the last repeats), and the attempts
    # before a delivery is failed (Standard Webhooks suggests backoff over about a day).
    webhook_backoff_s: list[float] = Field(
        default_factory=lambda: [5.0, 30.0, 120.0, 600.0, 3600.0, 21600.0]
    )
    webhook_max_attempts: int = Field(default=8, ge=1)
    # An import emits `exceedance` events only for its newest local days (bounded work).
    webhook_exceedance_days: int = Field(default=7, ge=1)

    @field_validator("evidence_store", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        """ECOLEADS_EVIDENCE_STORE= (empty) means no object store, as unset does."""
        return None if value == "" else value

    @property
    def resolved_database_url(self) -> str:
        """Return the configured URL, or the embedded SpatiaLite file <data_dir>/db/ecoleads.db.

        A database left at the old default <data_dir>/ecoleads.db is still used (never a new
        empty one beside it); the service then refuses to start until it is moved, since the
        keys directory <data_dir>/keys/ lies inside that database's directory.
        """
        if self.database_url:
            return self.database_url
        path = self.data_dir / "db" / "ecoleads.db"
        legacy = self.data_dir / "ecoleads.db"
        if legacy.exists() and not path.exists():
            path = legacy
        return f"sqlite:///{path.resolve()}"

    @property
    def uploads_dir(self) -> Path:
        """Directory where uploaded files wait for their job."""
        return self.data_dir / "uploads"

    @property
    def evidence_dir(self) -> Path:
        """Directory of the local evidence store."""
        return self.data_dir / "evidence"

    @property
    def dossier_key_path(self) -> Path:
        """The server's Ed25519 signing key for dossiers (generated on first use)."""
        return self.signing_key or self.resolved_keys_dir / "dossier_ed25519.pem"

    @property
    def resolved_keys_dir(self) -> Path:
        """Directory of the server's secret keys (mode 0700)."""
        return self.keys_dir or self.data_dir / "keys"

    @property
    def audit_anchor_path(self) -> Path:
        """The signed head of the audit chain, kept beside the key, outside the database."""
        return self.dossier_key_path.parent / "audit-head.json"

    @property
    def scratch_dir(self) -> Path:
        """Scratch files of running jobs (change masks); each job cleans up its own."""
        return self.data_dir / "scratch"

    @property
    def results_dir(self) -> Path:
        """Directory where job results (e.g. batch geocode CSVs) are written."""
        return self.data_dir / "results"

    def non_working_days(self) -> NonWorkingDays:
        """The calendar that periods roll over (rules/working_days.py), with this
        deployment's own holidays and working days."""
        return _calendar(tuple(self.holidays), tuple(self.workdays))


@lru_cache
def _calendar(holidays: tuple[date, ...], workdays: tuple[date, ...]) -> NonWorkingDays:
    return NonWorkingDays(holidays, workdays)


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings."""
    return Settings()
