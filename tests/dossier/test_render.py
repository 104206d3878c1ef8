"""HTML, PDF and map: Chinese readable, every hash shown, the map drawn to scale."""

import dataclasses
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from app.dossier import (
    DossierError,
    MapFeature,
    build_dossier,
    fonts,
    render_html,
    render_map,
    render_pdf,
)
from app.dossier.mapgeom import GEOD, Frame
from rules.legal_seed import NOT_DESIGNATED

from .sample import CATEGORY, TITLE
from .test_manifest import members


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        pytest.fail(f"{tool} not found: install the Debian package poppler-utils")
    return path


def test_html_is_complete_and_self_contained(content):
    html = render_html(content, "map.png", "ab" * 32)
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html
    assert "线索卷宗" in html and "Lead file" in html
    assert TITLE in html and CATEGORY in html
    assert '<img src="map.png"' in html
    for item in content.evidence:
        assert item["sha256"] in html
    for entry in content.timeline:
        assert entry["entry_hash"] in html
    assert "ecoleads dossier verify FILE.zip" in html
    assert "建设单位身份" in html  # a missing legal element
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)
    assert "<link" not in html and "<script" not in html


def test_html_escapes_what_it_is_given(content):
    hostile = dataclasses.replace(content, title='<script>alert("x")</script>')
    html = render_html(hostile, "map.png")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_pdf_has_readable_chinese(content, tmp_path, artifacts):
    pdf = render_pdf(content, render_map(content.map_features), "ab" * 32)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "dossier.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        [poppler("pdftoppm"), "-r", "60", "-png", str(path), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages
    for page in pages:
        with Image.open(page) as img:
            assert img.format == "PNG" and img.width > 400
    shutil.copy(pages[0], artifacts / "dossier-page1.png")
    text = subprocess.run(
        [poppler("pdftotext"), str(path), "-"], check=True, timeout=60, capture_output=True
    ).stdout.decode("utf-8")
    assert "线索卷宗" in text
    assert CATEGORY in text
    assert content.evidence[0]["sha256"] in re.sub(r"\s", "", text)
    fonts_out = subprocess.run(
        [poppler("pdffonts"), str(path)], check=True, timeout=60, capture_output=True
    ).stdout.decode()
    assert "Noto-Sans-CJK-SC" in fonts_out


def test_legal_versions_review_badge_and_no_basis_note(content, tmp_path):
    """A basis whose numbering needs review carries the badge, its edition, period and
    conduct date; a "no basis" note stands in for an article; in the HTML and the PDF text."""
    review = {
        "kind": "basis",
        "code": "mrl-licence",
        "law": "中华人民共和国矿产资源法",
        "article": "采矿权及无证开采罚则",
        "text": "开采矿产资源应当依法取得采矿权",
        "source": "矿产资源法（2024年修订，2025-07-01施行）",
        "effective_from": "2025-07-01",
        "effective_to": None,
        "needs_review": True,
        "conduct_date": "2026-03-05",
        "missing": [],
    }
    note = {"kind": "no_basis", "code": "appcl-77-119", "note": NOT_DESIGNATED, "missing": []}
    legal = dataclasses.replace(content, legal_bases=[note, review])
    html = render_html(legal, "map.png")
    assert "条文编号待核实 (article numbering needs review)" in html
    assert "矿产资源法（2024年修订，2025-07-01施行）" in html and "2026-03-05" in html
    assert "未落入省级政府划定的禁烧区" in html
    path = tmp_path / "legal.pdf"
    path.write_bytes(render_pdf(legal, render_map(legal.map_features), "ab" * 32))
    text = re.sub(
        r"\s",
        "",
        subprocess.run(
            [poppler("pdftotext"), str(path), "-"], check=True, timeout=60, capture_output=True
        ).stdout.decode("utf-8"),
    )
    assert "条文编号待核实" in text and "未落入省级政府划定的禁烧区" in text


def test_map(content, artifacts):
    png = render_map(content.map_features)
    (artifacts / "map.png").write_bytes(png)
    frame = Frame(content.map_features, 1200, 900, 0.08, 1)

    def colour_at(lon: float, lat: float) -> tuple[int, int, int]:
        x, y = frame.xy(lon, lat)
        r, g, b = rgb.getpixel((int(x), int(y)))  # type: ignore[misc]
        return r, g, b

    with Image.open(io.BytesIO(png)) as img:
        assert img.size == (1200, 900)
        rgb = img.convert("RGB")
        r, g, b = colour_at(115.61, 40.31)  # inside zone I only
        assert r > 200 and g < 190 and b < 190  # red tint
        r, g, b = colour_at(115.58, 40.28)  # inside zone II only
        assert r > 230 and 150 < g < 220 and b < 180  # orange tint
        assert colour_at(115.66, 40.33)[2] > 150  # the reservoir is blue


def test_map_scale_is_geodesic(content):
    frame = Frame(content.map_features, 1200, 900, 0.08, 1)
    x0, _ = frame.xy(115.6, 40.35)
    x1, _ = frame.xy(115.7, 40.35)
    metres = GEOD.inv(115.6, 40.35, 115.7, 40.35)[2]  # about 8.5 km
    assert metres / (x1 - x0) == pytest.approx(frame.metres_per_px, rel=1e-3)


def test_map_of_a_single_point_and_of_nothing():
    point = MapFeature({"type": "Point", "coordinates": [115.65, 40.35]}, "1", "evidence")
    for features in ([point], []):
        with Image.open(io.BytesIO(render_map(features, 600, 400))) as img:
            assert img.size == (600, 400)


def test_unknown_style_is_refused():
    with pytest.raises(ValueError, match="unknown map style"):
        MapFeature({"type": "Point", "coordinates": [0, 0]}, "", "zone_III")


def test_original_that_differs_from_its_intake_hash_is_refused(content, keys):
    changed = dataclasses.replace(
        content,
        files=[
            dataclasses.replace(content.files[0], data=content.files[0].data + b"\0"),
            content.files[1],
        ],
    )
    with pytest.raises(DossierError, match="evidence 1"):
        build_dossier(changed, keys[0])


def test_dossier_html_in_zip_names_the_archived_files(dossier):
    html = members(dossier)["dossier.html"].decode("utf-8")
    assert "evidence/1_IMG_20240512_101500.jpg" in html
    assert "evidence/2_无人机航拍_01.jpg" in html


def test_missing_font_names_the_debian_package(monkeypatch):
    monkeypatch.setattr(fonts, "REGULAR", Path("/nonexistent/NotoSansCJK-Regular.ttc"))
    with pytest.raises(fonts.MissingFontError, match="fonts-noto-cjk"):
        fonts.font_path()
