"""Capture the docs' screenshots (docs/images/) from a running demo in headless Chromium.

    .venv/bin/ecoleads migrate && .venv/bin/ecoleads demo && .venv/bin/ecoleads serve &
    .venv/bin/python scripts/docs_screenshots.py [--url http://127.0.0.1:8000]

Signs in as the demo prosecutor, switches the page to English, and writes map.png (the map
with the water-source zones on) and lead.png (a lead's score breakdown and legal bases).
Debian's Chromium, driven by Playwright as in tests/ui; images are palette PNGs to stay small.
"""

import argparse
import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from app.services.demo.base import DEMO_PROSECUTOR

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
OUT = Path(__file__).resolve().parents[1] / "docs" / "images"
TIMEOUT = 30_000  # ms
SCROLL_TO_SCORE = """
document.querySelector("[data-testid=score-bar]").closest("section")
  .scrollIntoView({block: "start"})
"""


def save(page: Page, name: str) -> None:
    """Write the page as a 256-colour PNG (screenshots of flat UI quantise well)."""
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    shot.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(OUT / name, optimize=True)


def main() -> int:
    """Sign in, capture the map and a lead's detail."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(args.url + "/")
        form = page.get_by_test_id("login-form")
        form.locator("[name=username]").fill(DEMO_PROSECUTOR[0])
        form.locator("[name=password]").fill(DEMO_PROSECUTOR[1])
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("map")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
        page.get_by_test_id("lang-toggle").click()
        page.get_by_test_id("layer-water_source_zone").check()
        expect(page.get_by_test_id("lead-item").first).to_be_visible(timeout=TIMEOUT)
        page.wait_for_timeout(1500)  # let the canvas draw the zones and leads
        save(page, "map.png")
        page.get_by_test_id("lead-item").first.click()
        expect(page.get_by_test_id("lead-detail")).to_be_visible(timeout=TIMEOUT)
        expect(page.get_by_test_id("score-bar").first).to_be_visible(timeout=TIMEOUT)
        page.wait_for_timeout(1500)  # photos load after the detail opens
        # Scroll the panel to the score breakdown and legal bases (the actions come first).
        page.evaluate(SCROLL_TO_SCORE)
        page.wait_for_timeout(300)
        save(page, "lead.png")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
