"""Referrals in the real UI: a prosecutor refers a lead to the Beijing partner; the partner
signs in, sees only the leads shared with it, and acknowledges the referral (回执)."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import (
    APIResponse,
    Browser,
    BrowserContext,
    Page,
    Request,
    Response,
    expect,
)
from sqlalchemy import select, update

from app.services.demo.partners import DEMO_PARTNER, PARTNER_ORG, SHARE_ORG
from models import Referral
from models.base import utcnow
from tests.conftest import Backend
from tests.ui.conftest import LiveServer
from tests.ui.test_map_ui import CSP_LISTENER, TIMEOUT, csp_violations, sign_in


class Watched:
    """A page with what must not happen on it: page errors, failed API calls, requests that
    leave loopback, CSP violations."""

    def __init__(self, context: BrowserContext) -> None:
        self.page = context.new_page()
        self.page.add_init_script(CSP_LISTENER)
        self.hosts: set[str | None] = set()
        self.errors: list[str] = []
        self.page.on("request", self._request)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("response", self._response)

    def _request(self, r: Request) -> None:
        if not r.url.startswith(("data:", "blob:")):
            self.hosts.add(urlparse(r.url).hostname)

    def _response(self, r: Response) -> None:
        if "/api/" in r.url and r.status >= 400:
            self.errors.append(f"{r.status} {r.request.method} {r.url}")

    def check(self) -> None:
        assert self.hosts == {"127.0.0.1"}, f"requests left loopback: {self.hosts}"
        assert not self.errors, self.errors
        assert not csp_violations(self.page), csp_violations(self.page)


def get(page: Page, live: LiveServer, path: str) -> APIResponse:
    """An API GET with the page's bearer token."""
    bearer = page.evaluate("sessionStorage.getItem('ecoleads.token')")
    return page.request.get(live.url + path, headers={"Authorization": f"Bearer {bearer}"})


def test_refer_then_the_partner_acknowledges(
    browser: Browser, live: LiveServer, backend: Backend, artifacts: Path
) -> None:
    # The demo's referral is past its receipt date: it shows as overdue to both sides.
    with backend.sessions.begin() as s:
        demo_lead = s.scalar(select(Referral.lead_id))
        s.execute(update(Referral).values(receipt_due_at=utcnow() - timedelta(days=2)))

    # The prosecutor: the overdue receipt opens its lead; then refer another lead to Beijing.
    pro_ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    pro = Watched(pro_ctx)
    page = pro.page
    sign_in(page, live)
    page.get_by_test_id("overdue-toggle").click()
    overdue = page.locator("[data-testid=overdue-item][data-kind=referral]")
    expect(overdue).to_have_count(1, timeout=TIMEOUT)
    overdue.click()
    detail = page.get_by_test_id("lead-detail")
    expect(detail).to_have_attribute("data-lead-id", str(demo_lead), timeout=TIMEOUT)
    expect(page.get_by_test_id("referral-overdue")).to_be_visible(timeout=TIMEOUT)
    page.get_by_test_id("detail-close").click()

    item = page.locator(f"[data-testid=lead-item]:not([data-lead-id='{demo_lead}'])").first
    lead_id = item.get_attribute("data-lead-id")
    item.click()
    expect(detail).to_have_attribute("data-lead-id", str(lead_id), timeout=TIMEOUT)
    form = page.get_by_test_id("refer-form")
    expect(form).to_be_visible(timeout=TIMEOUT)
    page.get_by_test_id("refer-org").select_option(PARTNER_ORG)
    page.get_by_test_id("refer-submit").click()  # no basis yet: refused in the page
    expect(page.get_by_test_id("toast")).to_have_attribute("data-kind", "error")
    page.get_by_test_id("refer-basis").fill("下游饮用水源地位于北京市辖区（跨区划移送）")
    page.get_by_test_id("refer-originals").check()
    page.get_by_test_id("refer-submit").click()
    referral = page.get_by_test_id("referral")
    expect(referral).to_have_attribute("data-status", "sent", timeout=TIMEOUT)
    expect(referral.get_by_test_id("referral-status")).to_have_text("已移送")
    expect(referral).to_contain_text("北京市人民检察院")
    expect(page.get_by_test_id("toast")).to_have_attribute("data-kind", "ok")
    expect(page.get_by_test_id("detail-timeline")).to_contain_text("移送")
    page.get_by_test_id("joint-org").select_option(SHARE_ORG)  # Yanqing, under Beijing
    page.get_by_test_id("joint-add").click()
    handler = page.locator(f"[data-testid=handlers] [data-org='{SHARE_ORG}']")
    expect(handler).to_have_attribute("data-role", "co", timeout=TIMEOUT)
    # A criminal clue goes to the police, outside the platform: the sender records its receipt.
    page.get_by_test_id("refer-kind").select_option("criminal_clue")
    expect(page.get_by_test_id("refer-org")).to_be_hidden()
    page.get_by_test_id("refer-receiver").fill("怀来县公安局")
    page.get_by_test_id("refer-basis").fill("现场发现疑似危险废物，涉嫌污染环境罪")
    page.get_by_test_id("refer-submit").click()
    clue = page.locator("[data-testid=referral]", has_text="怀来县公安局")
    kind = clue.get_by_test_id("referral-kind")
    expect(kind).to_have_text("移送犯罪线索（公安机关）", timeout=TIMEOUT)
    clue.get_by_test_id("answer-note").fill("公安局已受理")
    clue.get_by_test_id("referral-receipt").click()
    expect(clue).to_have_attribute("data-status", "received", timeout=TIMEOUT)
    page.get_by_test_id("detail-referrals").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "referral-sent.png"))
    own_total = int(page.get_by_test_id("lead-count").inner_text())
    pro.check()
    pro_ctx.close()

    # The partner: only the shared leads, read-only; it acknowledges the new referral.
    partner_ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    partner = Watched(partner_ctx)
    page = partner.page
    sign_in(page, live, DEMO_PARTNER)
    shared = int(get(page, live, "/api/v1/leads").headers["x-total-count"])
    expect(page.get_by_test_id("lead-count")).to_have_text(str(shared), timeout=TIMEOUT)
    assert 2 <= shared < own_total
    assert page.get_by_test_id("layer-imagery").count() == 0
    expect(page.get_by_test_id("filter-assignee")).to_be_hidden()
    expect(page.locator("#user-org")).to_have_text("北京市人民检察院")
    expect(page.get_by_test_id("overdue-toggle").locator(".badge-count")).to_have_text("1")

    page.locator(f"[data-testid=lead-item][data-lead-id='{lead_id}']").click()
    detail = page.get_by_test_id("lead-detail")
    expect(detail).to_have_attribute("data-status", "new", timeout=TIMEOUT)
    referral = page.get_by_test_id("referral")
    expect(referral).to_have_attribute("data-status", "sent", timeout=TIMEOUT)
    expect(page.get_by_test_id("detail-photos").locator("img").first).to_be_visible(timeout=TIMEOUT)
    for absent in ("detail-actions", "refer-form", "joint-org", "detail-before-after"):
        assert page.get_by_test_id(absent).count() == 0, absent
    page.get_by_test_id("answer-note").fill("已收到，正在核查下游取水口")
    page.get_by_test_id("referral-receipt").click()
    expect(referral).to_have_attribute("data-status", "received", timeout=TIMEOUT)
    expect(referral.get_by_test_id("referral-status")).to_have_text("已回执")
    expect(referral).to_contain_text("已收到，正在核查下游取水口")
    expect(page.get_by_test_id("referral-receipt")).to_have_count(0)
    page.get_by_test_id("detail-referrals").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "partner-receipt.png"))
    # Then the outcome, which concludes the referral.
    page.get_by_test_id("answer-note").fill("已核查取水口水质")
    page.get_by_test_id("answer-outcome").fill("水质达标，已函告属地生态环境部门")
    page.get_by_test_id("referral-progress").click()
    expect(referral).to_have_attribute("data-status", "concluded", timeout=TIMEOUT)
    expect(referral).to_contain_text("水质达标")
    expect(page.get_by_test_id("answer-form")).to_have_count(0)
    page.get_by_test_id("lang-toggle").click()
    expect(referral.get_by_test_id("referral-status")).to_have_text("concluded")
    partner.check()
    partner_ctx.close()
