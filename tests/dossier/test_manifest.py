"""The signed ZIP: what it holds, and that verify names every change."""

import base64
import hashlib
import io
import json
import zipfile

from typer.testing import CliRunner

from app.cli.dossier import dossier_cli
from app.dossier import build_manifest, generate_key, pack, sign, verify
from app.dossier.manifest import fingerprint

PHOTO_1 = "evidence/1_IMG_20240512_101500.jpg"
PHOTO_2 = "evidence/2_无人机航拍_01.jpg"


def members(zip_bytes: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rewrite(zip_bytes: bytes, change: dict[str, bytes | None]) -> bytes:
    """The same ZIP with members replaced (bytes), removed (None) or added."""
    files = members(zip_bytes)
    for name, data in change.items():
        if data is None:
            del files[name]
        else:
            files[name] = data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_zip_holds_every_part(dossier, content):
    files = members(dossier)
    assert set(files) == {
        "dossier.html",
        "dossier.pdf",
        "map.png",
        PHOTO_1,
        PHOTO_2,
        "manifest.json",
        "manifest.sig",
        "public_key.pem",
    }
    assert files[PHOTO_1] == content.files[0].data  # originals unchanged, byte for byte
    assert files[PHOTO_2] == content.files[1].data
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "ecoleads-dossier/1"
    assert manifest["meta"]["lead_id"] == 42
    listed = {e["name"]: e for e in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json", "manifest.sig", "public_key.pem"}
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(files[name]).hexdigest()
        assert entry["size"] == len(files[name])


def test_verify_passes(dossier, keys):
    result = verify(dossier)
    assert result.ok, result.problems
    assert result.problems == []
    assert result.fingerprint == fingerprint(keys[1])
    assert verify(dossier, trusted_public_key_pem=keys[1]).ok


def test_one_changed_byte_names_exactly_that_file(dossier):
    data = bytearray(members(dossier)[PHOTO_2])
    data[len(data) // 2] ^= 0x01
    result = verify(rewrite(dossier, {PHOTO_2: bytes(data)}))
    assert not result.ok
    assert result.problems == [f"hash mismatch: {PHOTO_2}"]


def test_removed_and_extra_files_are_named(dossier):
    assert verify(rewrite(dossier, {PHOTO_1: None})).problems == [f"missing: {PHOTO_1}"]
    extra = verify(rewrite(dossier, {"evidence/3_extra.jpg": b"not listed"}))
    assert extra.problems == ["not in manifest: evidence/3_extra.jpg"]
    both = verify(rewrite(dossier, {"map.png": None, "notes.txt": b"x"}))
    assert both.problems == ["missing: map.png", "not in manifest: notes.txt"]


def test_edited_manifest_breaks_the_signature(dossier):
    manifest = json.loads(members(dossier)["manifest.json"])
    manifest["meta"]["title"] = "另一条线索"
    edited = json.dumps(manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    result = verify(rewrite(dossier, {"manifest.json": edited.encode()}))
    assert not result.ok
    assert len(result.problems) == 1 and result.problems[0].startswith("bad signature")


def test_wrong_trusted_key_fails(dossier):
    _, other_public = generate_key()
    result = verify(dossier, trusted_public_key_pem=other_public)
    assert not result.ok
    assert "public_key.pem is not the trusted key" in result.problems
    assert any(p.startswith("bad signature") for p in result.problems)


def test_resigned_forgery_is_caught_only_by_the_trusted_key(dossier, keys):
    """Someone who swaps a photo and re-signs with their own key makes a self-consistent ZIP:
    the fingerprint differs, and checking against the published key catches it."""
    files = members(dossier)
    forged_files = {n: d for n, d in files.items() if not n.startswith("manifest")}
    forged_files.pop("public_key.pem")
    forged_files[PHOTO_1] = b"a different photo"
    meta = json.loads(files["manifest.json"])["meta"]
    forger_private, _ = generate_key()
    forged = pack(forged_files, meta, forger_private)
    assert verify(forged).ok
    assert verify(forged).fingerprint != fingerprint(keys[1])
    assert not verify(forged, trusted_public_key_pem=keys[1]).ok


def test_manifest_is_canonical():
    files = {"b.txt": b"2", "a/证据.jpg": b"1"}
    meta = {"title": "线索卷宗", "lead_id": 7}
    first = build_manifest(files, meta)
    again = build_manifest(dict(reversed(files.items())), dict(reversed(meta.items())))
    assert first == again
    assert first == (
        '{"files":[{"name":"a/证据.jpg","sha256":"'
        + hashlib.sha256(b"1").hexdigest()
        + '","size":1},{"name":"b.txt","sha256":"'
        + hashlib.sha256(b"2").hexdigest()
        + '","size":1}],"format":"ecoleads-dossier/1","meta":{"lead_id":7,"title":"线索卷宗"}}'
    ).encode("utf-8")


def test_signature_is_raw_ed25519_and_pack_is_reproducible(keys):
    manifest = build_manifest({"a": b"1"}, {})
    signature = sign(manifest, keys[0])
    assert len(signature) == 64
    zipped = pack({"a": b"1"}, {}, keys[0])
    assert zipped == pack({"a": b"1"}, {}, keys[0])
    assert base64.b64decode(members(zipped)["manifest.sig"]) == signature


def test_not_a_zip():
    result = verify(b"PK not really")
    assert not result.ok and result.problems[0].startswith("not a ZIP file")


def test_cli_verify(dossier, keys, tmp_path):
    good, bad, key = tmp_path / "good.zip", tmp_path / "bad.zip", tmp_path / "key.pem"
    good.write_bytes(dossier)
    bad.write_bytes(rewrite(dossier, {PHOTO_1: None}))
    key.write_bytes(keys[1])
    runner = CliRunner()
    ok = runner.invoke(dossier_cli, ["verify", str(good), "--trusted-key", str(key)])
    assert ok.exit_code == 0, ok.output
    assert "OK" in ok.output
    failed = runner.invoke(dossier_cli, ["verify", str(bad)])
    assert failed.exit_code == 1
    assert f"missing: {PHOTO_1}" in failed.output
