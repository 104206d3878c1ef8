"""Assemble a dossier: HTML, PDF, map and the original files, in a signed ZIP."""

import hashlib

from app.dossier.document import render_html
from app.dossier.manifest import fingerprint, pack, public_key_of
from app.dossier.mapfig import render_map
from app.dossier.model import DossierContent, numbered_files
from app.dossier.pdf import render_pdf

HTML_NAME = "dossier.html"
PDF_NAME = "dossier.pdf"
MAP_NAME = "map.png"


class DossierError(ValueError):
    """The content cannot make a sound dossier (e.g. a file differs from its intake hash)."""


def _check_originals(content: DossierContent) -> None:
    """Every original file must still hash to the SHA-256 recorded for it at intake."""
    actual = {f.name: hashlib.sha256(f.data).hexdigest() for f in content.files}
    wrong = [
        f"evidence {e.get('n')} ({name})"
        for e in content.evidence
        if (name := e.get("file_name")) in actual
        and e.get("sha256")
        and str(e["sha256"]).lower() != actual[name]
    ]
    if wrong:
        raise DossierError(f"file differs from its intake SHA-256: {', '.join(wrong)}")


def build_dossier(content: DossierContent, private_key_pem: bytes) -> bytes:
    """The dossier ZIP: dossier.html, dossier.pdf, map.png, evidence/<n>_<name> for each
    original file, all listed with SHA-256 and size in manifest.json, signed with Ed25519
    (`private_key_pem`, PKCS#8 PEM) in manifest.sig, with the public key in public_key.pem.
    """
    key_print = fingerprint(public_key_of(private_key_pem))
    _check_originals(content)
    originals = numbered_files(content)
    names = [name for name, _ in originals]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise DossierError(f"two original files would share the archive name {duplicates}")
    map_png = render_map(content.map_features)
    files = {
        HTML_NAME: render_html(content, MAP_NAME, key_print).encode("utf-8"),
        PDF_NAME: render_pdf(content, map_png, key_print),
        MAP_NAME: map_png,
        **{name: f.data for name, f in originals},
        **{f.name: f.data for pair in content.figures for f in pair},
    }
    meta = {
        "lead_id": content.lead_id,
        "title": content.title,
        "organisation": content.organisation,
        "generated_at": content.generated_at.isoformat(),
        "generated_by": content.generated_by,
    }
    return pack(files, meta, private_key_pem)
