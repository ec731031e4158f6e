"""Pages under the Content-Security-Policy still work in a real browser, and the browser reports
no violation: the test page's autosave and hand-in, and a confirmation asked by confirm.js."""
from playwright.sync_api import expect
import pytest
from sqlalchemy import select

from examsite.models import Answer, AuditLog

from .. import factories
from ..factories import PASSWORD
from .actions import answer_first_and_submit, log_in

pytestmark = pytest.mark.browser

WATCH = """window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
});"""


def _watched(page) -> list[str]:
    problems = []
    page.on("console", lambda message: problems.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    page.add_init_script(WATCH)
    return problems


def _violations(page) -> list[str]:
    return page.evaluate("window.__violations || []")


def test_the_test_page_and_a_confirmation_work_under_the_policy(db, live_server, browser):
    factories.bank(fills=0)
    exam = factories.exam(sections=[{"qtype": "single", "count": 3, "points": 2}], pass_mark=2)
    factories.examinee("0001")
    factories.user("admin")
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)

    page = context.new_page()
    problems = _watched(page)
    log_in(page, live_server, "0001", PASSWORD)
    page.locator("#exams-open").get_by_text(exam.title, exact=True).click()
    page.get_by_role("button", name="开始答题").click()
    answer_first_and_submit(page)  # autosave (已保存), the hand-in confirmation, the result page
    assert _violations(page) == [] and problems == []
    db.session.rollback()
    assert db.session.scalar(select(Answer.response)) is not None

    other = browser.new_context(locale="zh-CN")
    other.set_default_timeout(15_000)
    admin = other.new_page()
    problems = _watched(admin)
    log_in(admin, live_server, "admin", PASSWORD)
    admin.goto(f"{live_server}/exams/{exam.id}")
    asked = []
    admin.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    admin.get_by_role("button", name="重新评分").click()
    admin.wait_for_timeout(300)
    assert asked == ["按题库中现在的答案重新评分全部答卷？"]
    db.session.rollback()
    assert db.session.scalar(select(AuditLog).where(AuditLog.action.like("%regrade%"))) is None  # cancelled
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_role("button", name="重新评分").click()
    expect(admin.locator(".alert-success")).to_contain_text("已重新评分")
    assert _violations(admin) == [] and problems == []
    # the page really is under the policy: an inline script is refused and reported
    admin.evaluate("""() => { var s = document.createElement('script'); s.textContent = 'window.ran = 1';
                      document.body.appendChild(s); }""")
    admin.wait_for_timeout(200)
    assert admin.evaluate("window.ran === undefined")
    assert any("script-src" in v for v in _violations(admin))
    context.close()
    other.close()
