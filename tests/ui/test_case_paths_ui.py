"""The case steps in the real UI: a prosecutor files a case on the administrative path,
issues a suggestion, sees it overdue once its reply period has passed, records the agency's
reply and review through the forms, and the overdue mark goes; the steps offered are the
API's, a step waiting for a period shown with its day."""

from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Browser, expect
from sqlalchemy import select, update

from models import Lead, Suggestion
from models.base import utcnow
from tests.conftest import Backend
from tests.ui.conftest import LiveServer
from tests.ui.test_map_ui import TIMEOUT, sign_in
from tests.ui.test_partners_ui import Watched


def test_record_a_reply_and_the_overdue_mark_goes(
    browser: Browser, live: LiveServer, backend: Backend, artifacts: Path
) -> None:
    with backend.sessions.begin() as s:
        lead_id = s.scalar(select(Lead.id).where(Lead.status == "new").order_by(Lead.id))
        s.execute(update(Lead).where(Lead.id == lead_id).values(status="investigating"))
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    watched = Watched(context)
    page = watched.page
    sign_in(page, live)
    page.goto(f"{live.url}/?lead={lead_id}")
    detail = page.get_by_test_id("lead-detail")
    expect(detail).to_have_attribute("data-status", "investigating", timeout=TIMEOUT)

    # File the case: the path is chosen then; without one the page refuses.
    page.get_by_test_id("action-transition").select_option("case_filed")
    page.get_by_test_id("action-note").fill("立案审查")
    page.get_by_test_id("action-submit").click()
    expect(page.get_by_test_id("toast")).to_have_attribute("data-kind", "error")
    page.get_by_test_id("action-path").select_option("administrative")
    page.get_by_test_id("action-submit").click()
    expect(detail).to_have_attribute("data-status", "case_filed", timeout=TIMEOUT)
    expect(page.get_by_test_id("detail-case")).to_contain_text("行政公益诉讼")
    options = page.get_by_test_id("action-transition").locator("option")
    offered = {options.nth(i).get_attribute("value") for i in range(options.count())}
    assert {"consultation", "suggestion_issued", "terminated"} <= offered
    assert "litigation" not in offered and "public_notice" not in offered

    # Issue the suggestion; litigation is offered but waits for the end of the reply period.
    page.get_by_test_id("action-transition").select_option("suggestion_issued")
    page.get_by_test_id("action-note").fill("发出诉前检察建议")
    page.get_by_test_id("action-agency").fill("怀来县水务局")
    page.get_by_test_id("action-agency-level").select_option("county")
    page.get_by_test_id("action-submit").click()
    expect(detail).to_have_attribute("data-status", "suggestion_issued", timeout=TIMEOUT)
    expect(page.get_by_test_id("suggestion-agency-level")).to_have_text("县级")
    waiting = page.locator("[data-testid=step-waiting][data-step=litigation]")
    expect(waiting).to_contain_text("起可办理")
    assert "becomes possible from" in (waiting.get_attribute("title") or "")
    assert page.locator("[data-testid=action-transition] option[value=litigation]").is_disabled()
    expect(page.get_by_test_id("suggestion-overdue")).to_have_count(0)

    # Two months later, with no reply: overdue in the detail and the overdue panel.
    with backend.sessions.begin() as s:
        s.execute(
            update(Suggestion)
            .where(Suggestion.lead_id == lead_id)
            .values(due_at=utcnow() - timedelta(days=1))
        )
    page.reload()
    expect(detail).to_have_attribute("data-status", "suggestion_issued", timeout=TIMEOUT)
    suggestion = page.get_by_test_id("suggestion")
    expect(suggestion).to_have_attribute("data-late", "true")
    expect(page.get_by_test_id("suggestion-overdue")).to_be_visible()
    mine = page.locator(
        f"[data-testid=overdue-item][data-kind=suggestion][data-lead-id='{lead_id}']"
    )
    page.get_by_test_id("overdue-toggle").click()
    expect(mine).to_have_count(1, timeout=TIMEOUT)
    page.get_by_test_id("overdue-toggle").click()
    assert not page.locator(
        "[data-testid=action-transition] option[value=litigation]"
    ).is_disabled()

    # Record the reply through the form: the overdue mark goes, here and in the panel.
    page.get_by_test_id("reply-submit").click()  # no content: refused in the page
    expect(page.get_by_test_id("toast")).to_have_attribute("data-kind", "error")
    page.get_by_test_id("reply-content").fill("已责令责任单位限期清理")
    page.get_by_test_id("reply-submit").click()
    expect(suggestion).to_have_attribute("data-late", "false", timeout=TIMEOUT)
    expect(page.get_by_test_id("suggestion-overdue")).to_have_count(0)
    expect(suggestion).to_contain_text("已责令责任单位限期清理")
    page.get_by_test_id("overdue-toggle").click()
    expect(mine).to_have_count(0, timeout=TIMEOUT)
    page.get_by_test_id("overdue-toggle").click()

    # A follow-up review finding it not remedied; then the follow-up step.
    page.get_by_test_id("review-note").fill("现场复查仍有垃圾堆放")
    page.get_by_test_id("review-submit").click()
    expect(suggestion).to_contain_text("未整改到位", timeout=TIMEOUT)
    page.get_by_test_id("action-transition").select_option("follow_up")
    page.get_by_test_id("action-note").fill("跟进监督")
    page.get_by_test_id("action-submit").click()
    expect(detail).to_have_attribute("data-status", "follow_up", timeout=TIMEOUT)
    timeline = page.get_by_test_id("detail-timeline")
    for action in ("suggestion_reply", "follow_up_review", "legal_elements"):
        expect(timeline.locator(f"[data-action={action}]").first).to_be_attached()
    page.get_by_test_id("detail-suggestions").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "suggestion-replied.png"))

    # A finding of the investigation (issue 19, 9): the element turns proven in the bases.
    legal = page.get_by_test_id("detail-legal")
    responsible = legal.locator("li.is-missing", has_text="行为人或责任主体")
    expect(responsible.first).to_be_attached()
    page.get_by_test_id("finding-element").select_option("responsible_party")
    page.get_by_test_id("finding-submit").click()  # no note: refused in the page
    expect(page.get_by_test_id("toast")).to_have_attribute("data-kind", "error")
    page.get_by_test_id("finding-note").fill("询问笔录：某建材公司承认倾倒")
    page.get_by_test_id("finding-submit").click()
    expect(page.get_by_test_id("finding")).to_contain_text("询问笔录", timeout=TIMEOUT)
    expect(legal.locator("li.is-missing", has_text="行为人或责任主体")).to_have_count(0)
    expect(timeline.locator("[data-action=finding]").first).to_be_attached()
    legal.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "finding-recorded.png"))
    watched.check()
    context.close()
