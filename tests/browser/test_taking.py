"""Examinees take tests in a real browser: autosave, reload, offline, the clock running out."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from examsite.clock import now
from examsite.models import Answer, Attempt

from .. import factories
from ..factories import PASSWORD
from .actions import answer_first_and_submit, log_in

pytestmark = pytest.mark.browser


def begin(page, live_server, exam):
    log_in(page, live_server, "0001", PASSWORD)
    expect(page.get_by_role("heading", name="我的测试")).to_be_visible()
    page.locator("#exams-open").get_by_text(exam.title, exact=True).click()
    page.get_by_role("button", name="开始答题").click()
    expect(page.locator("#countdown")).to_have_text(re.compile(r"\d\d:\d\d"))


def answer_first_option(page, number):
    section = page.locator(f"#q-{number}")
    section.locator("input.answer-input").first.check()
    expect(section.locator(".save-state")).to_have_text("已保存")


def saved(db, attempt_id):
    db.session.rollback()  # end this thread's snapshot: see what the server committed
    return dict(db.session.execute(select(Answer.question_id, Answer.response)
                                   .where(Answer.attempt_id == attempt_id)).all())


def test_take_reload_and_submit(db, live_server, page, artifacts_dir):
    factories.bank(fills=0)
    exam = factories.exam(sections=[{"qtype": "single", "count": 3, "points": 2},
                                    {"qtype": "judge", "count": 2, "points": 2}], pass_mark=2)
    factories.examinee("0001")
    begin(page, live_server, exam)
    db.session.rollback()
    attempt = db.session.scalar(select(Attempt))

    answer_first_option(page, 1)
    answer_first_option(page, 2)
    page.locator("#q-3 .flag").check()
    expect(page.locator(f"#map-{attempt.paper[0]['id']}")).to_have_class(re.compile("answered"))
    page.screenshot(path=str(artifacts_dir / "test-page.png"), full_page=True)

    # 开始答题 answered with the test page itself; its own address is in the address bar, so a
    # reload asks for the page (GET) and never posts the start form again
    assert page.url == f"{live_server}/my/attempts/{attempt.id}"
    documents = []
    page.on("request", lambda request: documents.append((request.method, request.url))
            if request.resource_type == "document" else None)
    page.reload()
    assert documents == [("GET", f"{live_server}/my/attempts/{attempt.id}")]
    assert len(db.session.scalars(select(Attempt)).all()) == 1
    expect(page.locator("#q-1 input.answer-input").first).to_be_checked()
    expect(page.locator("#q-2 input.answer-input").first).to_be_checked()
    expect(page.locator("#q-3 .flag")).to_be_checked()
    assert len(saved(db, attempt.id)) == 2

    page.get_by_role("button", name="逐题作答").click()
    expect(page.locator("#q-2")).to_be_hidden()
    page.get_by_role("button", name="下一题").click()
    expect(page.locator("#q-2")).to_be_visible()
    page.get_by_role("button", name="整卷显示").click()

    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="交卷").click()
    expect(page.locator("#score")).to_contain_text("得分")
    assert "第 3、4、5 题" in messages[0]
    db.session.rollback()  # end this thread's snapshot: see what the server committed
    assert db.session.get(Attempt, attempt.id).closed_by == "examinee"


def test_answers_made_offline_are_sent_when_back_online(db, live_server, page):
    factories.bank(fills=0)
    exam = factories.exam(sections=[{"qtype": "single", "count": 3, "points": 2}], pass_mark=2)
    factories.examinee("0001")
    begin(page, live_server, exam)
    db.session.rollback()
    attempt = db.session.scalar(select(Attempt))
    answer_first_option(page, 1)

    page.context.set_offline(True)
    second = page.locator("#q-2")
    second.locator("input.answer-input").nth(1).check()
    expect(second.locator(".save-state")).to_have_text("未保存（等待网络）")
    expect(page.locator("#network-state")).to_contain_text("尚未保存到服务器")
    assert attempt.paper[1]["id"] not in saved(db, attempt.id)

    page.context.set_offline(False)
    expect(second.locator(".save-state")).to_have_text("已保存", timeout=20_000)
    expect(page.locator("#network-state")).to_have_text("")
    chosen = second.locator("input.answer-input").nth(1).get_attribute("value")
    assert saved(db, attempt.id)[attempt.paper[1]["id"]] == chosen


def test_the_page_submits_itself_when_time_runs_out(db, live_server, page):
    factories.bank(fills=0)
    exam = factories.exam(sections=[{"qtype": "judge", "count": 2, "points": 1}], pass_mark=1,
                          closes=now() + timedelta(seconds=8))
    factories.examinee("0001")
    begin(page, live_server, exam)
    answer_first_option(page, 1)
    expect(page.locator("#score")).to_contain_text("得分", timeout=20_000)
    db.session.rollback()
    attempt = db.session.scalar(select(Attempt))
    assert attempt.submitted_at is not None and attempt.score is not None


def test_two_tiers_take_their_own_plans(db, live_server, browser):
    from examsite.models import PaperPlan

    factories.bank(fills=0)
    exam = factories.exam(title="分层测试", tiers=("一般干部",),
                          sections=[{"qtype": "judge", "count": 2, "points": 5}], pass_mark=5)
    db.session.add(PaperPlan(exam_id=exam.id, tier_id=factories.tier("乡科级").id, duration_minutes=20,
                             pass_mark=5, multiple_scoring="all_or_nothing",
                             sections=[{"qtype": "single", "count": 3, "points": 2},
                                       {"qtype": "judge", "count": 1, "points": 4}]))
    factories.examinee("0001", "张三", tier_name="一般干部")
    factories.examinee("0002", "李四", tier_name="乡科级")
    db.session.commit()
    counts = {}
    for staff_no in ("0001", "0002"):
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, staff_no, PASSWORD)
        page.locator("#exams-open").get_by_text("分层测试", exact=True).click()
        page.get_by_role("button", name="开始答题").click()
        counts[staff_no] = page.locator("section.question").count()
        answer_first_and_submit(page)
        context.close()
    assert counts == {"0001": 2, "0002": 4}
    db.session.rollback()  # end this thread's snapshot: see what the server committed
    attempts = db.session.scalars(select(Attempt).order_by(Attempt.id)).all()
    assert [a.plan.tier.name for a in attempts] == ["一般干部", "乡科级"]
    assert all(a.submitted_at is not None and a.score is not None for a in attempts)


def test_the_test_page_fits_a_phone_screen(db, live_server, browser, artifacts_dir):
    factories.bank(fills=1)
    exam = factories.exam(sections=[{"qtype": "single", "count": 2, "points": 2},
                                    {"qtype": "fill", "count": 1, "points": 2}], pass_mark=2)
    factories.examinee("0001")
    phone = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True,
                                has_touch=True)
    page = phone.new_page()
    begin(page, live_server, exam)
    page.locator("#q-1 .option label").first.tap()
    expect(page.locator("#q-1 .save-state")).to_have_text("已保存")
    page.locator("#q-3 input.fill").fill("答案")
    page.locator("#q-3 input.fill").press("Tab")
    expect(page.locator("#q-3 .save-state")).to_have_text("已保存")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.screenshot(path=str(artifacts_dir / "test-page-phone.png"), full_page=True)
    phone.close()
