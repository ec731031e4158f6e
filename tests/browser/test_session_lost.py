"""The login ends in the middle of a test (logged out on another device, a new password, the
session cookie gone): the examinee's answers stay in the browser, he is told to log in again in
another window, and once he has they arrive by themselves, and the hand-in goes through."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from .. import factories
from ..factories import PASSWORD
from .actions import log_in
from .test_taking import answer_first_option, begin, saved
from .test_weak_network import _attempt

pytestmark = pytest.mark.browser

LOGIN_LOST = "登录已失效，请在新窗口重新登录后回到本页"


def test_answers_survive_a_lost_login_and_arrive_after_logging_in_again(db, live_server, page, artifacts_dir):
    factories.bank(fills=0)
    exam = factories.exam(sections=[{"qtype": "single", "count": 4, "points": 2}], pass_mark=2)
    factories.examinee("0001")
    begin(page, live_server, exam)
    db.session.rollback()
    attempt = _attempt(db, db.session.execute(text("SELECT id FROM attempt")).scalar())
    answer_first_option(page, 1)

    # the login ends: every session and save token of the account (its epoch raised, as a
    # logout elsewhere or a new password does), and this browser's cookies are gone
    db.session.rollback()
    db.session.execute(text('UPDATE "user" SET session_epoch = session_epoch + 1 WHERE username = :name'),
                       {"name": "0001"})
    db.session.commit()
    page.context.clear_cookies()

    chosen = {}
    for number in (2, 3):
        option = page.locator(f"#q-{number} input.answer-input").nth(1)
        option.check()
        chosen[attempt.paper[number - 1]["id"]] = option.get_attribute("value")
        expect(page.locator(f"#q-{number} .save-state")).to_have_text("未保存（请重新登录）")
    state = page.locator("#network-state")
    expect(state).to_contain_text(LOGIN_LOST)
    expect(state).to_contain_text("第 2、3 题")
    page.screenshot(path=str(artifacts_dir / "login-lost.png"), full_page=False)
    page.wait_for_timeout(6000)  # the page asks the clock for a token, and is not given one
    stored = saved(db, attempt.id)
    assert not set(chosen) & set(stored) and len(stored) == 1
    assert any(name.endswith(":pending") for name in page.evaluate("Object.keys(window.localStorage)"))

    # he logs in again in another window; the test page sends what it kept, by itself
    other = page.context.new_page()
    log_in(other, live_server, "0001", PASSWORD)
    expect(other.get_by_role("heading", name="我的测试")).to_be_visible()
    other.close()
    for number in (2, 3):
        expect(page.locator(f"#q-{number} .save-state")).to_have_text("已保存", timeout=20_000)
    expect(state).to_have_text("")
    stored = saved(db, attempt.id)
    assert {qid: stored[qid] for qid in chosen} == chosen and len(stored) == 3

    # and handing in works with the new login's token
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷").click()
    expect(page.locator("#score")).to_contain_text("得分")
    expect(page.locator("#unsaved-note")).to_be_hidden()
    closed = _attempt(db, attempt.id)
    assert closed.closed_by == "examinee" and closed.score is not None
