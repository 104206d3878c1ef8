"""What a lead file (dossier) contains: plain dataclasses, filled by the caller.

Nothing here touches the database: the service layer copies a lead, its evidence, its
audit-log entries and its geocoding result into a `DossierContent`, and the rest of
`app.dossier` turns that into HTML, PDF, a map and a signed ZIP.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MAP_STYLES = (
    "zone_I",
    "zone_II",
    "zone_quasi",
    "wetland",
    "redline",
    "water",
    "admin",
    "evidence",
    "lead",
)


@dataclass(frozen=True)
class DossierFile:
    """One original evidence file, byte for byte as it was received at intake."""

    name: str
    data: bytes
    media_type: str
    description: str = ""


@dataclass(frozen=True)
class MapFeature:
    """A GeoJSON geometry (WGS-84 lon/lat) drawn on the dossier map in one of `MAP_STYLES`.

    For style "evidence" a short label (up to 3 characters, e.g. the evidence number "2")
    is drawn inside the numbered circle; a longer label is written beside it.
    """

    geometry: dict[str, Any]
    label: str
    style: str

    def __post_init__(self) -> None:
        if self.style not in MAP_STYLES:
            raise ValueError(f"unknown map style {self.style!r}; expected one of {MAP_STYLES}")


@dataclass(frozen=True)
class DossierFigure:
    """A figure made for the dossier (e.g. an image before and after a change): shown in the
    page and the PDF, and kept in the ZIP under `name` (listed in the manifest)."""

    name: str  # archive path, e.g. "figures/change_12_before.png"
    data: bytes  # PNG
    caption: str


@dataclass
class DossierContent:
    """Everything a dossier shows.

    - score_entries: dicts with name, label, value, weight, points, reason
    - legal_bases: dicts with law, article, text, missing (list of unmet elements), the
      version (code, source, effective_from/to, needs_review, conduct_date); or kind
      "no_basis" with a note instead
    - geocode_summary: (label, value) rows
    - findings: dicts with element (its Chinese name), proven, note, evidence (item numbers),
      by, at: what investigation found on the elements
    - sources: dicts with channel, count, first, last, from: where the lead came from
    - assessments: dicts with at, step, note, by: the prosecutors' notes on each step
    - handling: (label, value) rows: path, suggestions, notice, supported suit, referrals
    - parties: (label, value) rows: the responsible party and the agency with the duty
    - timeline: dicts with at, actor, action, note, entry_hash (the audit-log chain)
    - evidence: dicts with n, kind, taken_at, location, source, sha256, flags, file_name;
      `file_name` links an item to the original in `files` with that name; every evidence
      item has at least one row (n is its number)
    - custody: dicts with n, sha256, bucket, key, version_id, lock_mode, retain_until: the
      write-once archive copy of each original that has one
    - figures: pairs of images (before, after) shown side by side under "imagery"
    - imagery: (label, value) rows describing change detections and re-checks
    """

    lead_id: int
    title: str
    category_label: str
    status_label: str
    organisation: str
    created_at: datetime
    generated_at: datetime
    generated_by: str
    score_total: float
    score_entries: list[dict[str, Any]] = field(default_factory=list)
    legal_bases: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    assessments: list[dict[str, Any]] = field(default_factory=list)
    handling: list[tuple[str, Any]] = field(default_factory=list)
    parties: list[tuple[str, Any]] = field(default_factory=list)
    geocode_summary: list[tuple[str, str]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    custody: list[dict[str, Any]] = field(default_factory=list)
    map_features: list[MapFeature] = field(default_factory=list)
    files: list[DossierFile] = field(default_factory=list)
    figures: list[tuple[DossierFigure, DossierFigure]] = field(default_factory=list)
    imagery: list[tuple[str, str]] = field(default_factory=list)


def evidence_archive_name(n: int, name: str) -> str:
    """Where an original file goes in the dossier ZIP: `evidence/<n>_<name>`.

    Only the file name's last path component is kept, so a name cannot escape the folder.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    if base in {".", ".."}:
        base = "file"
    return f"evidence/{n}_{base}"


def numbered_files(content: DossierContent) -> list[tuple[str, DossierFile]]:
    """Each original file with its archive name, numbered like its evidence item.

    A file takes the number `n` of the evidence item whose `file_name` is its name;
    a file that no item names takes its 1-based position in `content.files`.
    """
    numbers = {e.get("file_name"): e.get("n") for e in content.evidence}
    out = []
    for position, file in enumerate(content.files, start=1):
        n = numbers.get(file.name)
        out.append((evidence_archive_name(int(n) if n is not None else position, file.name), file))
    return out
