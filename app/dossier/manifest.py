"""Signed manifest and ZIP layout of a dossier, and its verification.

A dossier ZIP holds the files themselves plus:
- `manifest.json`: canonical JSON (sorted keys, UTF-8, no spaces)
  `{"files": [{"name", "sha256", "size"}, ...sorted by name], "format": "ecoleads-dossier/1",
  "meta": {...}}`;
- `manifest.sig`: base64 of the Ed25519 signature of the exact bytes of manifest.json;
- `public_key.pem`: the signer's public key (SubjectPublicKeyInfo PEM).

Anyone can check it without EcoLeads: `sha256sum` each file against manifest.json, and
`base64 -d manifest.sig > sig.bin && openssl pkeyutl -verify -pubin -inkey public_key.pem
-rawin -in manifest.json -sigfile sig.bin`. The key's fingerprint (SHA-256 of the raw 32-byte
public key) is what a court compares with the one the procuratorate publishes.
"""

import base64
import binascii
import hashlib
import io
import json
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = "ecoleads-dossier/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public_key.pem"
RESERVED = frozenset({MANIFEST, SIGNATURE, PUBLIC_KEY})
# Fixed timestamp for ZIP entries: the same files give the same ZIP bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class VerifyResult:
    """Outcome of `verify`: `ok` only when `problems` is empty."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    fingerprint: str | None = None  # SHA-256 of the raw public key that signed the manifest
    meta: dict[str, Any] | None = None


def canonical_json(value: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, UTF-8 (not \\u-escaped), no insignificant spaces."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def build_manifest(files: dict[str, bytes], meta: dict[str, Any]) -> bytes:
    """The manifest listing every file's name, SHA-256 and size; meta must be plain JSON."""
    bad = sorted(RESERVED & files.keys())
    if bad:
        raise ValueError(f"file names reserved for the manifest: {bad}")
    entries = [
        {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in sorted(files.items())
    ]
    return canonical_json({"format": FORMAT, "meta": meta, "files": entries})


def generate_key() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair as (private PKCS#8 PEM, unencrypted; public PEM)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return private, _public_pem(key.public_key())


def _public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _private_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError(f"dossiers are signed with Ed25519 keys, not {type(key).__name__}")
    return key


def _public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise TypeError(f"dossiers are signed with Ed25519 keys, not {type(key).__name__}")
    return key


def fingerprint(public_key_pem: bytes) -> str:
    """SHA-256 (hex) of the raw 32-byte Ed25519 public key."""
    raw = _public_key(public_key_pem).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return hashlib.sha256(raw).hexdigest()


def public_key_of(private_key_pem: bytes) -> bytes:
    """The public PEM belonging to a private key PEM."""
    return _public_pem(_private_key(private_key_pem).public_key())


def sign(manifest: bytes, private_key_pem: bytes) -> bytes:
    """The raw 64-byte Ed25519 signature of `manifest`."""
    return _private_key(private_key_pem).sign(manifest)


def pack(files: dict[str, bytes], meta: dict[str, Any], private_key_pem: bytes) -> bytes:
    """A ZIP of `files`, their signed manifest and the signer's public key."""
    manifest = build_manifest(files, meta)
    signature = base64.b64encode(sign(manifest, private_key_pem)) + b"\n"
    members = {
        **dict(sorted(files.items())),
        MANIFEST: manifest,
        SIGNATURE: signature,
        PUBLIC_KEY: public_key_of(private_key_pem),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return out.getvalue()


def _check_signature(
    zf: zipfile.ZipFile, manifest: bytes, trusted: bytes | None, problems: list[str]
) -> str | None:
    """Check manifest.sig (and the key against `trusted`); return the key's fingerprint."""
    names = set(zf.namelist())
    if PUBLIC_KEY not in names or SIGNATURE not in names:
        problems += [f"missing: {n}" for n in (SIGNATURE, PUBLIC_KEY) if n not in names]
        return None
    try:
        embedded = _public_key(zf.read(PUBLIC_KEY))
        key = _public_key(trusted) if trusted is not None else embedded
    except (ValueError, TypeError) as exc:
        problems.append(f"unusable public key: {exc}")
        return None
    if trusted is not None and _raw(embedded) != _raw(key):
        problems.append(f"{PUBLIC_KEY} is not the trusted key")
    try:
        key.verify(base64.b64decode(zf.read(SIGNATURE), validate=False), manifest)
    except (InvalidSignature, binascii.Error):
        problems.append(f"bad signature: {SIGNATURE} does not match {MANIFEST} and the key")
    return hashlib.sha256(_raw(key)).hexdigest()


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _sha256(zf: zipfile.ZipFile, name: str) -> str | None:
    """SHA-256 of a member, or None when it cannot be read (e.g. a bad CRC)."""
    try:
        return hashlib.sha256(zf.read(name)).hexdigest()
    except (zipfile.BadZipFile, zlib.error, EOFError):
        return None


def verify(zip_bytes: bytes, trusted_public_key_pem: bytes | None = None) -> VerifyResult:
    """Check a dossier ZIP: signature, key, and every file against the manifest.

    Problems are named one per line: "hash mismatch: NAME", "missing: NAME",
    "not in manifest: NAME", "duplicate entry: NAME", "bad signature: ...",
    "public_key.pem is not the trusted key". Without a trusted key, a valid signature only
    shows the ZIP is unchanged since someone signed it: compare `fingerprint` with the
    procuratorate's published one, or pass that key as `trusted_public_key_pem`.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(zip_bytes))
    except zipfile.BadZipFile as exc:
        return VerifyResult(ok=False, problems=[f"not a ZIP file: {exc}"])
    with zf:
        problems: list[str] = []
        counts = Counter(zf.namelist())
        problems += [f"duplicate entry: {n}" for n, c in sorted(counts.items()) if c > 1]
        if MANIFEST not in counts:
            return VerifyResult(ok=False, problems=[*problems, f"missing: {MANIFEST}"])
        manifest_bytes = zf.read(MANIFEST)
        key_print = _check_signature(zf, manifest_bytes, trusted_public_key_pem, problems)
        try:
            manifest = json.loads(manifest_bytes.decode("utf-8"))
            entries = {e["name"]: e for e in manifest["files"]}
            if manifest.get("format") != FORMAT:
                problems.append(f"unknown format {manifest.get('format')!r}, expected {FORMAT}")
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"unreadable {MANIFEST}: {exc}")
            return VerifyResult(ok=False, problems=problems, fingerprint=key_print)
        for name, entry in sorted(entries.items()):
            if name not in counts:
                problems.append(f"missing: {name}")
            elif zf.getinfo(name).file_size != entry["size"]:
                problems.append(f"hash mismatch: {name} (size differs)")
            elif _sha256(zf, name) != entry["sha256"]:
                problems.append(f"hash mismatch: {name}")
        extra = sorted(set(counts) - set(entries) - RESERVED)
        problems += [f"not in manifest: {name}" for name in extra]
    meta = manifest.get("meta") if isinstance(manifest.get("meta"), dict) else None
    return VerifyResult(ok=not problems, problems=problems, fingerprint=key_print, meta=meta)
