"""The dossier as PDF: the dossier HTML printed by WeasyPrint (Pango + HarfBuzz).

Why WeasyPrint: it prints the very HTML that goes into the ZIP, so the two cannot drift
apart, and through Pango it uses Debian's Noto Sans CJK (CFF-flavoured OpenType, which
ReportLab cannot embed). It embeds a subset of the font with a ToUnicode map, so the Chinese
text can be searched and copied (`pdftotext` gets it back).

Needs the Debian packages in `REQUIRED_DEBIAN_PACKAGES`; `TEST_DEBIAN_PACKAGES` are only
for the tests (pdftoppm/pdftotext).
"""

import base64
from types import ModuleType

from PIL import ImageFile

from app.dossier.document import render_html
from app.dossier.fonts import font_path
from app.dossier.model import DossierContent

REQUIRED_DEBIAN_PACKAGES = (
    "fonts-noto-cjk",  # Noto Sans CJK SC, for the PDF and the map
    "libpango-1.0-0",  # WeasyPrint's text layout
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",  # font subsetting (WeasyPrint warns that it will require it)
)
TEST_DEBIAN_PACKAGES = ("poppler-utils",)


class PdfDependencyError(RuntimeError):
    """A system library WeasyPrint needs is missing."""


def _weasyprint() -> ModuleType:
    try:
        import weasyprint  # loads Pango through cffi: only when printing
    except OSError as exc:
        raise PdfDependencyError(
            f"WeasyPrint cannot load its system libraries ({exc}): install the Debian "
            f"packages {' '.join(REQUIRED_DEBIAN_PACKAGES)}"
        ) from exc
    # WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES when imported; our PDFs embed only
    # our own map PNG, and evidence photos must never be padded: switch it back off.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return weasyprint


def render_pdf(
    content: DossierContent, map_png: bytes, key_fingerprint: str | None = None
) -> bytes:
    """Print the dossier (with `map_png` inlined as the map) to PDF bytes.

    Nothing is fetched: the only resource the page refers to is the map, given as a data:
    URI, and the URL fetcher refuses every other scheme (file:, http:, ...).
    """
    font_path(), font_path(bold=True)  # fail early, naming fonts-noto-cjk
    weasyprint = _weasyprint()
    figures = {f.name: f.data for pair in content.figures for f in pair}

    def figure_src(name: str) -> str:
        return "data:image/png;base64," + base64.b64encode(figures[name]).decode("ascii")

    src = "data:image/png;base64," + base64.b64encode(map_png).decode("ascii")
    html = render_html(content, src, key_fingerprint, figure_src)
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    return pdf
