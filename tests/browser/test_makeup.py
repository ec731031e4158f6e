"""补测 in the browser: the organiser of a unit opens the make-up page of its closed self-test,
records one exemption with an attachment, creates the make-up; an examinee takes it; the first
test's results show both sittings and the score that counts.

The paper: 2 judge questions × 5 points = 10, pass mark 6 (the bank's judges are all 正确).
E1 10 (优秀), E2 0 (failed), E3 absent (exempted: 病假), E4 absent. The make-up names E2 and E4;
E2 answers both 正确: 10, counted 6 under the campaign's rule (capped at the pass mark).
"""
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from examsite import clock
from examsite.clock import to_local
from examsite.models import Exam, ExamMember, Exemption

from .. import factories
from ..factories import PASSWORD
from .actions import log_in

pytestmark = pytest.mark.browser

START = datetime(2026, 6, 10, 1, 0)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200


def _local(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def test_exemption_make_up_and_both_sittings(db, live_server, browser, tmp_path, artifacts_dir):
    clock.freeze(START)
    factories.bank(singles=0, multiples=0, judges=2, fills=0)
    campaign = factories.campaign(opens=START - timedelta(days=5), closes=START + timedelta(days=20),
                                  due=START + timedelta(days=10))
    exam = factories.unit_test(campaign, "城南区/城关镇", "城关镇警示教育月测试",
                               sections=[{"qtype": "judge", "count": 2, "points": 5}], pass_mark=6)
    people = {no: factories.examinee(no, name, "城南区/城关镇/党政办")
              for no, name in (("E1", "甲一"), ("E2", "甲二"), ("E3", "甲三"), ("E4", "甲四"))}
    factories.user("town", role="liaison", unit_path="城南区/城关镇")
    factories.sit(exam, people["E1"], right=("judge",))
    factories.sit(exam, people["E2"])
    clock.freeze(START + timedelta(hours=6))  # the self-test closed at START + 5 h

    organiser = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = organiser.new_page()
    log_in(page, live_server, "town", PASSWORD)
    page.goto(f"{live_server}/exams/{exam.id}")
    page.get_by_role("link", name="不及格、未参加人员与补测").click()
    expect(page.locator("#failed")).to_contain_text("甲二")
    expect(page.locator("#absent")).to_contain_text("甲三")
    expect(page.locator("#absent")).to_contain_text("甲四")

    proof = tmp_path / "诊断证明.png"
    proof.write_bytes(PNG)
    page.get_by_label("人员").select_option(str(people["E3"].id))
    page.get_by_label("类别").select_option("病假")
    page.get_by_label("书面理由").fill("住院治疗，附医院诊断证明")
    page.get_by_label("证明材料（可选：PDF、JPEG 或 PNG，不超过 5 MB）").set_input_files(str(proof))
    page.get_by_role("button", name="登记免测").click()
    expect(page.get_by_text("已登记免测。")).to_be_visible()
    expect(page.locator("#exempt")).to_contain_text("甲三")
    expect(page.locator("#exempt")).to_contain_text("诊断证明.png")
    expect(page.locator("#absent")).not_to_contain_text("甲三")

    page.get_by_label("开始时间").fill(_local(START + timedelta(hours=5, minutes=30)))
    page.get_by_label("结束时间").fill(_local(START + timedelta(days=2)))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="创建补测").click()
    expect(page.get_by_text("已创建补测“城关镇警示教育月测试（补测）”。")).to_be_visible()
    expect(page.locator("#makeup-of")).to_contain_text("指定 2 人参加")
    page.screenshot(path=str(artifacts_dir / "makeup.png"), full_page=True)
    db.session.rollback()  # see what the server committed
    makeup = db.session.scalar(select(Exam).where(Exam.makeup_of_id == exam.id))
    assert set(db.session.scalars(select(ExamMember.staff_id).where(ExamMember.exam_id == makeup.id))) == {
        people["E2"].id, people["E4"].id}
    assert db.session.get(Exemption, (exam.id, people["E3"].id)).attachment_data == PNG

    taker = browser.new_context(locale="zh-CN")
    paper = taker.new_page()
    log_in(paper, live_server, "E2", PASSWORD)
    paper.locator("#exams-open").get_by_text(makeup.title, exact=True).click()
    paper.get_by_role("button", name="开始答题").click()
    for number in (1, 2):
        question = paper.locator(f"#q-{number}")
        question.get_by_label("正确").check()
        expect(question.locator(".save-state")).to_have_text("已保存")
    paper.once("dialog", lambda dialog: dialog.accept())
    paper.get_by_role("button", name="交卷").click()
    expect(paper.locator("#score")).to_contain_text("得分 10")
    # what he is told is what counts: 10 on the make-up is 6 (合格) by the campaign's rule
    expect(paper.locator("#counted")).to_contain_text("按活动规定计入成绩 6 分（合格）")
    expect(paper.locator("#band")).to_have_count(0)
    taker.close()

    page.goto(f"{live_server}/exams/{exam.id}/results/people?list=all")
    expect(page.locator("#sittings")).to_contain_text("补测成绩替代原成绩，最高按及格分计")
    e2 = page.locator("#people tbody tr", has_text="E2")
    expect(e2.locator("td").nth(5)).to_have_text("0")
    expect(e2.locator(".band")).to_have_text("不合格")
    expect(e2.locator(".makeup-score")).to_have_text("10")
    expect(e2.locator(".counted-score")).to_have_text("6")
    expect(e2.locator(".counted-band")).to_have_text("合格")
    e4 = page.locator("#people tbody tr", has_text="E4")
    expect(e4.locator("td").nth(9)).to_have_text("未参加")
    expect(page.locator("#people tbody tr", has_text="E3").locator("td").nth(9)).to_have_text("免测（病假）")
    page.screenshot(path=str(artifacts_dir / "makeup-results.png"), full_page=True)
    organiser.close()
