"""A prosecutor's session in the real UI: sign in, map, filter, lead, workflow, lead file."""

import io
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
from playwright.sync_api import Browser, Page, Request, expect
from sqlalchemy import select, update

from app.dossier.manifest import verify
from app.services.demo.base import DEMO_PROSECUTOR
from geo.air.bands import PM10_BANDS
from models import Lead
from rules.categories import CATEGORIES
from rules.workflow import STATUS_LABELS
from tests.api.helpers import wait_placed
from tests.conftest import Backend, bearer, login_as
from tests.ui.conftest import LiveServer

TIMEOUT = 20_000  # ms
# Collects the page's Content-Security-Policy violations (the event does not reach the console
# when the blocked thing is a style attribute, so listen for it in the page itself).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""


def csp_violations(page: Page) -> list[str]:
    """The violations the page has reported so far."""
    return list(page.evaluate("window.__cspViolations || []"))


def sign_in(page: Page, live: LiveServer, who: tuple[str, str] = DEMO_PROSECUTOR) -> None:
    """Open the UI and sign in (as the demo prosecutor unless told whom)."""
    page.goto(live.url + "/")
    form = page.get_by_test_id("login-form")
    form.locator("[name=username]").fill(who[0])
    form.locator("[name=password]").fill(who[1])
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("map")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)


def test_a_prosecutors_session(
    browser: Browser, live: LiveServer, artifacts: Path, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.add_init_script(CSP_LISTENER)
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )

    wrong = page
    wrong.goto(live.url + "/")
    wrong.get_by_test_id("login-form").locator("[name=username]").fill(DEMO_PROSECUTOR[0])
    wrong.get_by_test_id("login-form").locator("[name=password]").fill("not-the-password")
    wrong.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).not_to_be_empty(timeout=TIMEOUT)

    sign_in(page, live)
    assert int(page.get_by_test_id("map").get_attribute("data-features") or 0) > 0
    expect(page.get_by_test_id("lead-item").first).to_be_visible(timeout=TIMEOUT)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_test_id("layer-water_source_zone").check()
    page.wait_for_timeout(800)  # let the canvas draw the zones
    page.screenshot(path=str(artifacts / "map.png"))
    csp = page.evaluate("() => fetch('/').then((r) => r.headers.get('content-security-policy'))")
    assert "script-src 'self';" in csp and "'unsafe-inline'" not in csp
    assert not csp_violations(page), csp_violations(page)

    # Filter: only waste dumping; the filter lands in the URL and the list follows it.
    page.get_by_test_id("filter-category").select_option("waste_dumping")
    page.wait_for_function(
        "() => new URL(location.href).searchParams.get('category') === 'waste_dumping'"
    )
    expect(page.get_by_test_id("lead-item").first).to_be_visible(timeout=TIMEOUT)
    items = page.get_by_test_id("lead-item")
    ids = [items.nth(i).get_attribute("data-lead-id") for i in range(items.count())]
    assert ids and all(ids)
    shared = parse_qs(urlparse(page.url).query)
    assert shared["category"] == ["waste_dumping"]

    # Open the first lead: photos, breakdown, legal bases, geocode, timeline.
    items.first.click()
    detail = page.get_by_test_id("lead-detail")
    expect(detail).to_be_visible(timeout=TIMEOUT)
    lead_id = detail.get_attribute("data-lead-id")
    assert lead_id == ids[0]
    expect(detail).to_have_attribute("data-status", "new")
    expect(page.get_by_test_id("detail-photos").locator("img").first).to_be_visible(timeout=TIMEOUT)
    assert page.get_by_test_id("score-bar").count() >= 6
    expect(page.get_by_test_id("detail-legal")).to_contain_text("水污染防治法")
    expect(page.get_by_test_id("detail-geocode")).to_contain_text("怀来县")
    page.screenshot(path=str(artifacts / "lead-detail.png"))

    # Two workflow steps: accept (triaged), then investigating with a note.
    page.get_by_test_id("action-accept").click()
    expect(detail).to_have_attribute("data-status", "triaged", timeout=TIMEOUT)
    expect(page.get_by_test_id("toast")).to_have_attribute("data-kind", "ok")
    page.get_by_test_id("action-transition").select_option("investigating")
    page.get_by_test_id("action-note").fill("已派员现场核查")
    page.get_by_test_id("action-submit").click()
    expect(detail).to_have_attribute("data-status", "investigating", timeout=TIMEOUT)
    expect(page.get_by_test_id("detail-timeline")).to_contain_text("已派员现场核查")

    # The lead file: a signed ZIP whose every file matches its manifest.
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_test_id("action-dossier").click()
    path = tmp_path / "lead.zip"
    dl.value.save_as(path)
    assert dl.value.suggested_filename == f"lead-{lead_id}.zip"
    data = path.read_bytes()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert {"dossier.pdf", "dossier.html", "manifest.json", "map.png"} <= set(names)
    assert verify(data, None).ok

    # English on request, then sign out.
    page.get_by_test_id("lang-toggle").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert not csp_violations(page), csp_violations(page)
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-form")).to_be_visible(timeout=TIMEOUT)

    hosts = {urlparse(u).hostname for u in requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, f"requests left loopback: {hosts}"
    assert not errors, errors
    context.close()


def test_overdue_panel_and_air_layers(browser: Browser, live: LiveServer) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.add_init_script(CSP_LISTENER)
    failed: list[Request] = []
    errors: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r))
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, live)
    page.get_by_test_id("overdue-toggle").click()
    expect(page.get_by_test_id("overdue-panel")).to_be_visible(timeout=TIMEOUT)
    for key in ("stations", "hotspots"):
        page.get_by_test_id(f"layer-{key}").check()
    page.wait_for_timeout(500)
    assert page.get_by_test_id("station-day").count() == 1
    # The day's standard is named (the demo readings are of 2013-2017: GB 3095-2012).
    expect(page.get_by_test_id("station-standard")).to_have_text(
        "适用标准 GB 3095-2012", timeout=TIMEOUT
    )
    assert not [r.url for r in failed if "/api/" in r.url]
    # The lists and the PM10 bands are the server's (GET /api/v1/ui/config).
    legend = page.locator(".legend")
    for band in PM10_BANDS:
        expect(legend).to_contain_text(band.zh)
    expect(legend).to_contain_text("51–150 良")
    category = page.get_by_test_id("filter-category").locator("option")
    assert category.count() == len(CATEGORIES) + 1
    status = page.get_by_test_id("filter-status")
    assert status.locator("option").count() == len(STATUS_LABELS) + 1
    assert status.locator("option[value=case_filed]").inner_text() == STATUS_LABELS["case_filed"][0]
    assert not errors, errors
    assert not csp_violations(page), csp_violations(page)
    page.close()


def test_api_docs_render_offline_under_the_csp(browser: Browser, live: LiveServer) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.add_init_script(CSP_LISTENER)
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live.url + "/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=TIMEOUT)
    assert page.locator(".opblock").count() > 20
    expect(page.locator(".info .title")).to_contain_text("EcoLeads")
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible(timeout=TIMEOUT)
    hosts = {urlparse(u).hostname for u in requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, f"requests left loopback: {hosts}"
    assert not csp_violations(page), csp_violations(page)
    assert not errors, errors
    page.close()


def test_a_basis_needing_review_shows_its_badge(
    browser: Browser, live: LiveServer, backend: Backend
) -> None:
    """A groundwater-extraction lead falls under the 地下水管理条例, whose zone article's
    numbering is not confirmed: the legal section says so beside the row, with its edition."""
    photo = (Path(__file__).parents[1] / "data" / "photos" / "plain.png").read_bytes()
    r = httpx.post(
        f"{live.url}/api/v1/reports",
        headers={**bearer(login_as(backend, "volunteer")), "Idempotency-Key": "groundwater-review"},
        files=[("photos", ("p.png", photo, "image/png"))],
        data={"category": "groundwater_extraction", "description": "抽取地下水", "lat": "40.3214",
              "lon": "115.6436"},
        timeout=30,
    )  # fmt: skip
    assert r.status_code == 201, r.text
    wait_placed(backend.engine)
    page = browser.new_page()
    sign_in(page, live)
    token = page.evaluate("sessionStorage.getItem('ecoleads.token')")
    leads = page.evaluate(
        """(t) => fetch("/api/v1/leads?category=groundwater_extraction",
                        {headers: {Authorization: `Bearer ${t}`}}).then((r) => r.json())""",
        token,
    )
    assert len(leads) == 1
    page.goto(f"{live.url}/?lead={leads[0]['id']}")
    legal = page.get_by_test_id("detail-legal")
    expect(legal).to_contain_text("地下水管理条例", timeout=TIMEOUT)
    badge = legal.get_by_test_id("needs-review")
    expect(badge).to_have_count(1)
    expect(badge).to_have_text("条文编号待核实 (article numbering needs review)")
    expect(legal).to_contain_text("地下水管理条例（国务院令第748号，2021-12-01施行）")
    page.close()


def test_terminated_leads_are_drawn_as_done(
    browser: Browser, live: LiveServer, backend: Backend
) -> None:
    """The map draws a lead as done unless the server lists its status among those still being
    worked on (GET /api/v1/ui/config): a terminated lead (终结审查) is done, a new one is not."""
    with backend.sessions.begin() as s:
        first, second = s.scalars(
            select(Lead.id).where(Lead.status == "new").order_by(Lead.id).limit(2)
        ).all()
        s.execute(update(Lead).where(Lead.id == first).values(status="terminated"))
    try:
        page = browser.new_page()
        sign_in(page, live)
        drawn = page.get_by_test_id("map")
        expect(drawn).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
        assert drawn.get_attribute("data-mode") != "clusters"
        done = set((drawn.get_attribute("data-done-leads") or "").split(","))
        assert str(first) in done and str(second) not in done
        page.close()
    finally:
        with backend.sessions.begin() as s:
            s.execute(update(Lead).where(Lead.id == first).values(status="new"))
