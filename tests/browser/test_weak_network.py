"""A weak network at the end of a test, in a real browser: handing in offline, answers the server
never received, time an admin adds, and the review after the test has closed."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from examsite import clock
from examsite.clock import now
from examsite.exams import attempts
from examsite.models import Attempt

from .. import factories
from ..factories import PASSWORD
from .actions import log_in
from .test_taking import answer_first_option, begin, saved

pytestmark = pytest.mark.browser

OFFLINE_SUBMIT = "网络中断，交卷请求已保留，恢复连接后会自动提交"


def _taking(db, live_server, page, **exam):
    factories.bank(fills=0)
    found = factories.exam(sections=[{"qtype": "single", "count": 4, "points": 2}], pass_mark=2, **exam)
    factories.examinee("0001")
    begin(page, live_server, found)
    db.session.rollback()
    return db.session.scalar(select(Attempt))


def _attempt(db, attempt_id) -> Attempt:
    db.session.rollback()  # end this thread's snapshot: see what the server committed
    return db.session.get(Attempt, attempt_id)


def _kept(page) -> list[str]:
    return page.evaluate("Object.keys(window.localStorage)")


def test_handing_in_offline_is_kept_and_sent_when_back_online(db, live_server, page, artifacts_dir):
    attempt = _taking(db, live_server, page)
    answer_first_option(page, 1)

    page.context.set_offline(True)
    chosen = {}
    for number in (2, 3):
        option = page.locator(f"#q-{number} input.answer-input").nth(1)
        option.check()
        chosen[attempt.paper[number - 1]["id"]] = option.get_attribute("value")
        expect(page.locator(f"#q-{number} .save-state")).to_have_text("未保存（等待网络）")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷").click()
    state = page.locator("#network-state")
    expect(state).to_contain_text(OFFLINE_SUBMIT)
    expect(state).to_contain_text("以下题目的答案尚未保存到服务器：第 2、3 题")
    expect(page.get_by_role("button", name="交卷")).to_be_disabled()
    page.screenshot(path=str(artifacts_dir / "submit-offline.png"), full_page=False)
    page.wait_for_timeout(4000)  # retries go on, and fail, while offline
    assert page.url.endswith(f"/my/attempts/{attempt.id}")  # still the test page, not a browser error
    expect(page.locator("#paper")).to_be_visible()
    assert _attempt(db, attempt.id).submitted_at is None
    assert f"examsite:attempt:{attempt.id}:submit" in _kept(page)

    page.context.set_offline(False)
    expect(page.locator("#score")).to_contain_text("得分", timeout=20_000)
    expect(page.locator("#unsaved-note")).to_be_hidden()  # everything arrived
    closed = _attempt(db, attempt.id)
    assert closed.closed_by == "examinee" and closed.score is not None
    stored = saved(db, attempt.id)
    assert {qid: stored[qid] for qid in chosen} == chosen
    key = {item["id"]: item["answer"] for item in attempt.paper}
    assert float(closed.score) == sum(2 for qid, response in stored.items() if response == key[qid])
    assert not [name for name in _kept(page) if name.startswith(f"examsite:attempt:{attempt.id}:")
                and name.rsplit(":", 1)[1] in ("pending", "submit", "lost")]


def test_handing_in_when_only_the_hand_in_is_lost(db, live_server, page):
    attempt = _taking(db, live_server, page)
    answer_first_option(page, 1)
    page.context.set_offline(True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷").click()
    expect(page.locator("#network-state")).to_contain_text(OFFLINE_SUBMIT)
    expect(page.locator("#network-state")).not_to_contain_text("尚未保存")
    assert _attempt(db, attempt.id).submitted_at is None
    page.context.set_offline(False)
    expect(page.locator("#score")).to_contain_text("得分", timeout=20_000)
    assert _attempt(db, attempt.id).closed_by == "examinee"


def test_the_result_page_names_the_answers_the_server_never_received(db, live_server, page):
    attempt = _taking(db, live_server, page)
    answer_first_option(page, 1)
    page.context.set_offline(True)
    page.locator("#q-3 input.answer-input").nth(1).check()
    expect(page.locator("#q-3 .save-state")).to_have_text("未保存（等待网络）")

    ended = _attempt(db, attempt.id)  # an admin ends the attempt while the browser is offline
    attempts.close_attempt(ended, "admin")
    db.session.commit()
    page.context.set_offline(False)
    note = page.locator("#unsaved-note")
    expect(note).to_have_text("以下题目的答案服务器没有收到：第 3 题。", timeout=20_000)
    expect(page.locator("#score")).to_be_visible()
    assert attempt.paper[2]["id"] not in saved(db, attempt.id)

    page.reload()  # said once, then forgotten
    expect(page.locator("#score")).to_be_visible()
    expect(note).to_be_hidden()
    assert not [name for name in _kept(page) if name.startswith(f"examsite:attempt:{attempt.id}:")
                and name.rsplit(":", 1)[1] in ("pending", "submit", "lost")]


def test_time_an_admin_adds_is_taken_when_the_countdown_reaches_zero(db, live_server, page):
    attempt = _taking(db, live_server, page, closes=now() + timedelta(seconds=6))
    extended = _attempt(db, attempt.id)  # five more minutes, as the admin gives them
    extended.deadline = now() + timedelta(minutes=5)
    db.session.commit()
    # at zero the page asks the server before handing in, and carries on
    expect(page.locator("#countdown")).to_have_text(re.compile(r"0[45]:\d\d"), timeout=20_000)
    page.wait_for_timeout(1500)
    assert page.url.endswith(f"/my/attempts/{attempt.id}")
    assert _attempt(db, attempt.id).submitted_at is None
    answer_first_option(page, 2)  # input is taken again
    assert attempt.paper[1]["id"] in saved(db, attempt.id)


def test_review_after_the_test_has_closed(db, live_server, page, artifacts_dir):
    clock.freeze(now() - timedelta(hours=3))
    factories.bank()
    exam = factories.exam(closes=now() + timedelta(hours=2), review_allowed=True, scoring="partial", pass_mark=6)
    person = factories.examinee("0001")
    attempt = factories.sit(exam, person, right=("single", "fill"), skip=("judge",))
    clock.freeze(None)  # the test closed an hour ago
    log_in(page, live_server, "0001", PASSWORD)
    page.locator("#exams-finished").get_by_text(exam.title, exact=True).click()
    expect(page.locator("#score")).to_contain_text("得分 6.0")
    expect(page.locator("#marks")).to_have_text("满分 11 分 · 及格分 6 分")
    cards = page.locator(".question-card.review")
    expect(cards).to_have_count(len(attempt.paper))
    for number, item in enumerate(attempt.paper, start=1):
        card = page.locator(f"#q-{number}")
        expect(card.locator(".verdict")).to_have_text(
            f"✓ 正确 · 得 {item['points']:g} 分" if item["type"] in ("single", "fill") else "✗ 错误 · 得 0 分")
        expect(card.locator(".answer")).not_to_be_empty()
        expect(card).to_contain_text("解析")
        if item["type"] == "judge":
            expect(card.locator(".given")).to_have_text("（未作答）")
    page.screenshot(path=str(artifacts_dir / "review.png"), full_page=True)


def test_an_answer_given_before_the_page_script_has_loaded_is_saved(db, live_server, page):
    """On a slow line the paper shows before take.js arrives; a choice made meanwhile is sent
    once the script runs, not left until the next change."""
    factories.bank(fills=0)
    exam = factories.exam(sections=[{"qtype": "single", "count": 4, "points": 2}], pass_mark=2)
    factories.examinee("0001")
    held = []
    page.route(re.compile(r".*/static/take\.js.*"), lambda route: held.append(route))
    log_in(page, live_server, "0001", PASSWORD)
    page.locator("#exams-open").get_by_text(exam.title, exact=True).click()
    page.get_by_role("button", name="开始答题").click(no_wait_after=True)
    option = page.locator("#q-2 input.answer-input").nth(1)
    option.check()
    expect(page.locator("#q-2 .save-state")).to_have_text("")  # no script yet: nothing sent
    assert held, "take.js was requested"
    held[0].continue_()
    expect(page.locator("#q-2 .save-state")).to_have_text("已保存")
    db.session.rollback()  # end this thread's snapshot: see what the server committed
    attempt = db.session.scalar(select(Attempt))
    assert len(attempt.answers) == 1 and attempt.answers[0].response  # the one choice, made before the script
