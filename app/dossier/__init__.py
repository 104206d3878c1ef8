"""Lead files (dossiers) a court can verify: HTML, PDF, map and originals in a signed ZIP.

Pure: plain dataclasses and bytes in, bytes out; no database, no web framework.
"""

from app.dossier.build import DossierError, build_dossier
from app.dossier.document import render_html
from app.dossier.manifest import (
    VerifyResult,
    build_manifest,
    fingerprint,
    generate_key,
    pack,
    sign,
    verify,
)
from app.dossier.mapfig import render_map
from app.dossier.model import DossierContent, DossierFigure, DossierFile, MapFeature
from app.dossier.pdf import REQUIRED_DEBIAN_PACKAGES, TEST_DEBIAN_PACKAGES, render_pdf

__all__ = [
    "REQUIRED_DEBIAN_PACKAGES",
    "TEST_DEBIAN_PACKAGES",
    "DossierContent",
    "DossierError",
    "DossierFigure",
    "DossierFile",
    "MapFeature",
    "VerifyResult",
    "build_dossier",
    "build_manifest",
    "fingerprint",
    "generate_key",
    "pack",
    "render_html",
    "render_map",
    "render_pdf",
    "sign",
    "verify",
]
