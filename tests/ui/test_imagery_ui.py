"""Imagery in the real UI: footprints and tiles on the map, a lead's before/after maps."""

from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Browser, Locator, expect

from tests.ui.conftest import LiveServer
from tests.ui.test_map_ui import CSP_LISTENER, TIMEOUT, csp_violations, sign_in

DEMO_AREA = [40.2805, 115.562]  # the illustrative scenes near Guanting reservoir
# Whether a container holds a tile <img> that decoded to 256 px with a pixel not transparent.
PAINTED_TILE = """(root) => [...root.querySelectorAll("img")].some((img) => {
  if (!img.complete || img.naturalWidth !== 256) return false;
  const c = document.createElement("canvas");
  c.width = c.height = 256;
  const ctx = c.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const alpha = ctx.getImageData(0, 0, 256, 256).data.filter((_, i) => i % 4 === 3);
  return alpha.some((a) => a > 0);
})"""


def wait_painted(box: Locator) -> None:
    """Wait until a tile of the container shows image pixels."""
    box.page.wait_for_function(
        f"(root) => ({PAINTED_TILE})(root)", arg=box.element_handle(), timeout=TIMEOUT
    )


def test_imagery_layer_and_before_after(
    browser: Browser, live: LiveServer, artifacts: Path
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.add_init_script(CSP_LISTENER)
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, live)
    token = page.evaluate("sessionStorage.getItem('ecoleads.token')")

    # Footprints of the three demo scenes, then the newest one's tiles (zoomed in, NDVI).
    page.get_by_test_id("layer-imagery").check()
    page.evaluate(f"window.ecoleads.map.setView({DEMO_AREA}, 15, {{animate: false}})")
    expect(page.get_by_test_id("map")).to_have_attribute("data-imagery", "3", timeout=TIMEOUT)
    wait_painted(page.locator(".leaflet-imagery-pane"))
    show = page.get_by_test_id("imagery-show")
    assert show.locator("option").all_inner_texts() == ["按影像默认显示", "NDVI 植被指数"]
    image = page.get_by_test_id("imagery-image")
    assert image.locator("option").count() == 4  # newest in view, then each scene
    expect(image.locator("option").nth(1)).to_contain_text("示意")
    tiles = [u for u in requests if "/tiles/WebMercatorQuad/" in u]
    assert tiles and all(u.endswith("?index=ndvi") for u in tiles)
    expect(page.locator(".legend")).to_contain_text("影像覆盖范围")
    page.screenshot(path=str(artifacts / "imagery-map.png"))

    # The change-detection lead: before/after maps with tiles, dates, figures, re-check.
    leads = page.evaluate(
        """(t) => fetch("/api/v1/leads?category=land_disturbance",
                        {headers: {Authorization: `Bearer ${t}`}}).then((r) => r.json())""",
        token,
    )
    assert len(leads) == 1
    page.locator(f"[data-testid=lead-item][data-lead-id='{leads[0]['id']}']").click()
    section = page.get_by_test_id("detail-before-after")
    expect(section).to_be_visible(timeout=TIMEOUT)
    expect(section.get_by_test_id("ba-illustrative")).to_contain_text("示意")
    for which, day in (("before", "2016-08-04"), ("after", "2017-08-04")):
        wait_painted(section.get_by_test_id(f"ba-{which}"))
        expect(section.locator("figure", has=page.get_by_test_id(f"ba-{which}"))).to_contain_text(
            day
        )
    expect(section.locator(".ba-map path")).to_have_count(2)  # the outlines
    expect(section).to_contain_text("0.51 ha")
    expect(section).to_contain_text("ΔNDVI -0.257")
    expect(section).to_contain_text("2017-10-08 影像：已恢复")
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "imagery-before-after.png"))

    # English labels; the section is rebuilt and loads again.
    page.get_by_test_id("lang-toggle").click()
    expect(section).to_contain_text("Illustrative")
    expect(section).to_contain_text("Before · 2016-08-04")
    wait_painted(section.get_by_test_id("ba-after"))

    assert not csp_violations(page), csp_violations(page)
    assert not errors, errors
    hosts = {urlparse(u).hostname for u in requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, f"requests left loopback: {hosts}"
    assert not [u for u in requests if token in u], "the token must never be in a URL"
    page.close()
