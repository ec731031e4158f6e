"""A real office on a real test day, clicked as people would: the admin imports a roster of 300,
a liaison prints his town's login slips, two people enter with their slips, one of them closes
the browser before setting a password and gets a new code from the liaison, the admin watches
the live page, adds time for one person and ends the test (收卷)."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from examsite import clock
from examsite.models import Attempt, AuditLog, Staff, Tier, Unit, User

from .. import factories
from ..factories import PASSWORD
from ..spreadsheets import workbook
from .actions import enter_with_code, log_in

pytestmark = pytest.mark.browser

WAIT = 5_000  # milliseconds: every wait of this test is bounded
TOWNS = ("城关镇", "东岗镇", "西山镇")
OFFICES = ("党政办", "综治中心")
RANKS = ("一级主任科员", "一级科员", "二级科员")  # 乡科级, 一般干部, 一般干部
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"
GIVEN = ("建国", "晓梅", "海燕", "志强", "丽娟", "文军", "春花", "明辉", "秀英", "国庆", "玉兰", "卫东", "红梅", "振华", "桂芳")


def roster_file(path) -> None:
    """300 people, 100 in each town, a third of them 乡科级, written by openpyxl."""
    rows = [["城南区干部花名册"], ["工号", "姓 名", "单位", "职级", "职务"]]
    for n in range(300):
        town, office = TOWNS[n // 100], OFFICES[n % 2]
        rows.append([f"{n // 100 + 1}{n % 100:03d}", SURNAMES[n // 15] + GIVEN[n % 15],
                     f"城南区/{town}/{office}", RANKS[n % 3], "科员"])
    path.write_bytes(workbook({"花名册": rows}))


@pytest.fixture
def context(browser):
    """A fresh browser context (one person's own browser) each call, all closed at the end."""
    made = []

    def new():
        one = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        one.set_default_timeout(WAIT)
        made.append(one)
        return one
    yield new
    for one in made:
        one.close()


def set_password(page, password: str) -> None:
    page.get_by_label("新密码（至少 8 位）").fill(password)
    page.get_by_label("再输入一次").fill(password)
    page.get_by_role("button", name="设置密码").click()
    expect(page.get_by_text("密码已设置")).to_be_visible()


def answer(page, number: int) -> None:
    section = page.locator(f"#q-{number}")
    section.locator("input.answer-input").first.check()
    expect(section.locator(".save-state")).to_have_text("已保存")


def countdown_seconds(page) -> int:
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    minutes, seconds = page.locator("#countdown").inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def committed(db):
    db.session.rollback()  # end this thread's snapshot: see what the server committed
    return db.session


def test_a_test_day_from_roster_to_grades(db, live_server, context, tmp_path, artifacts_dir):
    factories.user("admin", "admin")
    factories.user("donggang", "liaison", unit_path="城南区/东岗镇")
    roster = tmp_path / "城南区花名册.xlsx"
    roster_file(roster)

    # the admin imports the roster: every person gets an examinee account with no password yet
    admin = context()
    office = admin.new_page()
    log_in(office, live_server, "admin", PASSWORD)
    office.get_by_role("link", name="花名册", exact=True).click()
    office.get_by_role("link", name="导入花名册").click()
    office.get_by_label("花名册文件（.xlsx 或 .csv）").set_input_files(str(roster))
    office.get_by_role("button", name="上传并预览").click()
    expect(office.locator("#new-units")).to_contain_text("城南区/西山镇/综治中心")
    office.get_by_label("确认新建以上单位").check()
    office.get_by_role("button", name="确认导入").click()
    expect(office.get_by_text("导入完成：新增 300 人")).to_be_visible()
    expect(office.get_by_text("为 300 人建立了登录账号")).to_be_visible()
    session = committed(db)
    examinees = session.scalars(select(User).where(User.role == "examinee")).all()
    assert len(examinees) == 300 and {u.password_hash for u in examinees} == {"!"}
    assert {u.username for u in examinees} == set(session.scalars(select(Staff.staff_no)))

    # a 全员 test for 一般干部
    factories.bank(fills=0)
    exam = factories.exam(title="城南区纪法知识测试", minutes=30, tiers=("一般干部",),
                          sections=[{"qtype": "single", "count": 2, "points": 2},
                                    {"qtype": "multiple", "count": 1, "points": 3},
                                    {"qtype": "judge", "count": 2, "points": 1}], pass_mark=5)
    db.session.commit()
    exam_id = exam.id
    town_people = session.scalar(
        select(func.count(Staff.id)).join(Staff.unit).join(Staff.tier)
        .where(Unit.parent_id == factories.unit("城南区/东岗镇").id, Tier.name == "一般干部"))
    assert town_people == 67  # of 东岗镇's 100, those not 一级主任科员

    # the liaison of 东岗镇 prints his town's slips
    liaison = context()
    desk = liaison.new_page()
    log_in(desk, live_server, "donggang", PASSWORD)
    desk.get_by_role("link", name="测试", exact=True).click()
    desk.get_by_role("link", name="城南区纪法知识测试").click()
    desk.get_by_label("单位（含下属单位）").select_option(label="　东岗镇")
    desk.get_by_label("打印页（每人一张，可裁开）").check()
    desk.get_by_role("button", name="生成登录条").click()
    expect(desk.get_by_role("heading", name=f"城南区纪法知识测试 登录条（城南区/东岗镇，{town_people} 人）")).to_be_visible()
    slips = desk.locator(".slip")
    expect(slips).to_have_count(town_people)
    expect(desk.locator(".slip-code")).to_have_count(town_people)
    desk.screenshot(path=str(artifacts_dir / "exam-day-slips.png"), full_page=True)
    first, second = ((slips.nth(i).locator("strong").first.inner_text(),
                      slips.nth(i).locator(".slip-code").inner_text()) for i in (0, 1))
    assert first[0].startswith("2") and second[0].startswith("2") and first[0] != second[0]
    assert re.fullmatch(r"[0-9A-Z]{8}", first[1]) and first[1] != second[1]
    names = dict(session.execute(select(Staff.staff_no, Staff.name)
                                 .where(Staff.staff_no.in_([first[0], second[0]]))).all())

    # the first person enters with his slip, sets a password and answers a question
    person_a = context()
    page_a = person_a.new_page()
    enter_with_code(page_a, live_server, *first)
    set_password(page_a, "a-password-1")
    page_a.get_by_role("button", name="开始答题").click()
    full = countdown_seconds(page_a)
    assert 29 * 60 < full <= 30 * 60
    answer(page_a, 1)

    # the second enters, skips setting a password, answers, and closes his browser
    person_b = context()
    page_b = person_b.new_page()
    enter_with_code(page_b, live_server, *second)
    page_b.get_by_role("link", name="暂不设置，继续").click()
    page_b.get_by_role("button", name="开始答题").click()
    answer(page_b, 1)
    person_b.close()

    # the admin opens the live page for those answering
    office.get_by_role("link", name="测试", exact=True).click()
    office.get_by_role("link", name="城南区纪法知识测试").click()
    office.get_by_role("link", name="实时进度").click()
    expect(office).to_have_url(re.compile(rf"/exams/{exam_id}/live$"))
    office.get_by_label("状态").select_option(label="答题中")
    office.get_by_role("button", name="筛选").click()
    rows = office.locator("table#live-people tbody tr[data-status]")
    expect(rows).to_have_count(2)
    row_a = office.locator("#live-people tbody tr", has_text=first[0])
    row_b = office.locator("#live-people tbody tr", has_text=second[0])
    expect(row_a).to_have_attribute("data-status", "in_progress")
    expect(row_b).to_contain_text("1 / 5")

    # five minutes later the second comes to the liaison: no password, and his slip's code is used
    clock.freeze(clock.now() + timedelta(minutes=5))
    desk.get_by_role("link", name="考生账号").click()
    desk.get_by_label("工号、用户名或姓名").fill(second[0])
    desk.get_by_role("button", name="查询").click()
    expect(desk.locator("#accounts tbody tr")).to_have_count(1)
    desk.locator("#accounts").get_by_role("link", name="管理").click()
    expect(desk.get_by_text("未设置（凭访问码进入）")).to_be_visible()
    desk.get_by_role("button", name="补发访问码（打印一张新登录条）").click()
    new_code = desk.locator("#secret").inner_text()
    assert re.fullmatch(r"[0-9A-Za-z]{6,}", new_code) and new_code != second[1]

    again = context()
    page_b = again.new_page()
    page_b.goto(f"{live_server}/login")
    page_b.get_by_role("link", name="用工号和访问码进入").click()
    page_b.get_by_label("工号").fill(second[0])
    page_b.get_by_label("访问码（登录条上的 8 位字母数字）").fill(second[1])  # the old slip: used
    page_b.get_by_role("button", name="进入测试").click()
    expect(page_b.get_by_text("工号或访问码不正确，或访问码已经用过。")).to_be_visible()
    enter_with_code(page_b, live_server, second[0], new_code)
    set_password(page_b, "b-password-1")
    page_b.locator("#exams-in_progress").get_by_text("城南区纪法知识测试", exact=True).click()
    expect(page_b.locator("#q-1 input.answer-input").first).to_be_checked()
    left_b = countdown_seconds(page_b)
    assert left_b <= 25 * 60, f"the countdown starts again: {left_b} s"

    # the admin's open page shows his next answer after a refresh from live.json, without a reload
    office.evaluate("window.examsiteLiveRefresh()")
    expect(row_b).to_contain_text("1 / 5")
    office.evaluate("window.samePage = true")
    answer(page_b, 2)
    office.evaluate("window.examsiteLiveRefresh()")
    expect(row_b).to_contain_text("2 / 5")
    expect(row_b).to_contain_text(re.compile(r"2[45] 分"))
    assert office.evaluate("window.samePage") is True

    # 加时 10 minutes for the first person
    session = committed(db)
    deadlines = dict(session.execute(select(Attempt.staff_id, Attempt.deadline)).all())
    attempt_a = session.scalar(select(Attempt).join(Attempt.staff).where(Staff.staff_no == first[0]))
    office.get_by_label(f"选择 {names[first[0]]}").check()
    office.get_by_label("为勾选的人加时（分钟）").fill("10")
    office.get_by_label("原因（记入操作日志）").first.fill("电脑故障，换机耽误")
    office.get_by_role("button", name="加时").click()
    expect(office.get_by_text("已为 1 人加时 10 分钟。")).to_be_visible()
    expect(row_a).to_contain_text(re.compile(r"3[45] 分"))
    session = committed(db)
    after = dict(session.execute(select(Attempt.staff_id, Attempt.deadline)).all())
    assert after[attempt_a.staff_id] - deadlines[attempt_a.staff_id] == timedelta(minutes=10)
    assert [after[k] for k in after if k != attempt_a.staff_id] == [deadlines[k] for k in after
                                                                     if k != attempt_a.staff_id]
    # the first person's countdown learns the new time with his next save
    answer(page_a, 2)
    expect(page_a.locator("#countdown")).to_have_text(re.compile(r"^3[45]:\d\d$"))
    office.evaluate("window.examsiteLiveRefresh()")
    expect(row_a).to_contain_text("2 / 5")
    office.screenshot(path=str(artifacts_dir / "exam-day-live.png"), full_page=True)

    # 收卷: both attempts are handed in and graded
    office.locator("#end-reason").fill("测试时间结束")
    office.once("dialog", lambda dialog: dialog.accept())
    office.get_by_role("button", name="收卷").click()
    expect(office.get_by_text("已收卷：2 份正在答的答卷已交卷评分，测试已结束。")).to_be_visible()
    session = committed(db)
    attempts = session.scalars(select(Attempt).order_by(Attempt.id)).all()
    assert [a.staff.staff_no for a in attempts] == [first[0], second[0]]
    for attempt in attempts:
        assert attempt.submitted_at is not None and attempt.closed_by == "admin"
        assert attempt.score is not None and attempt.passed is not None
        assert len(attempt.answers) == 2
    actions = set(session.scalars(select(AuditLog.action)))
    assert {"exam.end", "attempt.extend"} <= actions
