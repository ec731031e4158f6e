"""A campaign from end to end, through the real pages (issue 18, "Tests").

The district's 2026年警示教育月 takes in three towns. The organisers (liaisons) of 城关镇 and 东岗镇
each create and run a tiered test for their town in the browser; their examinees take it in the
browser, answering so every score is known; 城关镇 reports on time, 东岗镇 holds a 补测 and reports
after the deadline, 西山镇 never tests. The district's 抽测 of 乡科级 cadres checks both towns.
The district admin's page must show exactly the figures worked out below by hand; an organiser
reaches nothing of the other town; a submitted report stays as it was submitted.

The bank holds exactly the questions every plan takes (2 单选, 2 判断), so every paper is known:
一般干部 (the campaign's default plan) 2 单选 × 2 + 2 判断 × 3 = 10, pass mark 6;
乡科级 (the organiser's own rows) 2 单选 × 5 + 2 判断 × 5 = 20, pass mark 12. Bands 90/80/60 (百分制).

城关镇  CG1 一般 all right 10 (100 优秀) · CG2 一般 判断 only 6 (60 合格) · CG3 一般 单选 only 4 (40 不合格)
        CG4 乡科 all right 20 (100 优秀) · CG5 乡科 absent
        一般 3 expected, 3 took (100%), 2 passed (66.7%), 1 优秀 (33.3%), average (100+60+40)/3 = 66.67
        乡科 2 expected, 1 took (50%), 1 passed (100%), 1 优秀 (100%), average 100
        all 5 expected, 4 took (80%), 3 passed (75%), 2 优秀 (50%), average 300/4 = 75
东岗镇  DG1 一般 one 单选 and both 判断 8 (80 良好) · DG2 一般 单选 only 4, fails; in the 补测 all right 10,
        counted 6 (the rule: replaces a fail, capped at the pass mark) (60 合格) · DG3 一般 absent, exempted (公差)
        DG4 乡科 one 单选 and both 判断 15 (75 合格) · DG5 乡科 absent, and absent from the 补测
        一般 2 expected (免测 1), 2 took (100%), 2 passed (100%), 0 优秀, average (80+60)/2 = 70
        乡科 2 expected, 1 took (50%), 1 passed (100%), 0 优秀, average 75
        all 4 expected (免测 1), 3 took (75%), 3 passed (100%), 0 优秀, average 215/3 = 71.67
西山镇  no test: 应参加 0, every rate a dash
League: 参考率 first: 城关镇 80% → 1, 东岗镇 75% → 2, 西山镇 no place.
抽测 (乡科级, 20 points, pass 12), drawn from both towns' 乡科级 (CG4, CG5, DG4, DG5): CG4 判断 only
10 (50), DG4 all right 20 (100); the others absent. Gap 城关镇 乡科级 100 − 50 = 50 > 15: flagged;
东岗镇 75 − 100 = −25: shown, not flagged.
Flags: 城关镇 参考率 80% < 90%, 合格率 75% < 90% and its gap; 东岗镇 逾期报送 and 参考率 75% < 90%; 西山镇 未组织自测 and 逾期未报送.
"""
import io
import re
from datetime import datetime, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from examsite import clock
from examsite.exams.corrections import regrade_exam
from examsite.models import Attempt, CampaignPlan, CampaignReport, Exam, Question, Staff
from examsite.sampling.services import DrawRequest, make_draw
from examsite.sampling.slips import assign

from .. import factories
from ..factories import PASSWORD
from .actions import log_in
from .campaign_steps import cells, create_tiered_test, local, table, take

pytestmark = pytest.mark.browser

START = datetime(2026, 6, 10, 0, 0)  # naive UTC: 08:00 in China
WAIT = 10_000  # milliseconds
CG, DG, XS = "城南区/城关镇", "城南区/东岗镇", "城南区/西山镇"
CG_TEST, DG_TEST = "城关镇警示教育月测试", "东岗镇警示教育月测试"
SPOT = "区纪委乡科级干部抽测"
STAFF = {  # 工号: (name, unit, tier)
    "CG1": ("城关一", CG, "一般干部"), "CG2": ("城关二", CG, "一般干部"), "CG3": ("城关三", CG, "一般干部"),
    "CG4": ("城关四", CG, "乡科级"), "CG5": ("城关五", CG, "乡科级"),
    "DG1": ("东岗一", DG, "一般干部"), "DG2": ("东岗二", DG, "一般干部"), "DG3": ("东岗三", DG, "一般干部"),
    "DG4": ("东岗四", DG, "乡科级"), "DG5": ("东岗五", DG, "乡科级"),
    "XS1": ("西山一", XS, "一般干部"), "XS2": ("西山二", XS, "乡科级"),
}
ALL_RIGHT = {"single": 2, "judge": 2}
ANSWERS = {  # who takes his town's test, and how many of each type he gets right
    "CG1": (CG_TEST, ALL_RIGHT, "得分 10"), "CG2": (CG_TEST, {"judge": 2}, "得分 6"),
    "CG3": (CG_TEST, {"single": 2}, "得分 4"), "CG4": (CG_TEST, ALL_RIGHT, "得分 20"),
    "DG1": (DG_TEST, {"single": 1, "judge": 2}, "得分 8"), "DG2": (DG_TEST, {"single": 2}, "得分 4"),
    "DG4": (DG_TEST, {"single": 1, "judge": 2}, "得分 15"),
}
#: the 成绩汇总表's figure rows (tiers senior first): 层级 应参加 免测 参考 参考率 合格 合格率 优秀 优秀率 平均分 and the four band counts
CG_SHEET = [
    ["乡科级", "2", "0", "1", "50.0%", "1", "100.0%", "1", "100.0%", "100", "1", "0", "0", "0"],
    ["一般干部", "3", "0", "3", "100.0%", "2", "66.7%", "1", "33.3%", "66.67", "1", "0", "1", "1"],
    ["合计", "5", "0", "4", "80.0%", "3", "75.0%", "2", "50.0%", "75", "2", "0", "1", "1"],
]
CG_XLSX = [  # the same in the workbook, numbers as numbers (rates as fractions)
    ("乡科级", 2, 0, 1, 0.5, 1, 1.0, 1, 1.0, 100.0, 1, 0, 0, 0),
    ("一般干部", 3, 0, 3, 1.0, 2, 0.6667, 1, 0.3333, 66.67, 1, 0, 1, 1),
    ("合计", 5, 0, 4, 0.8, 3, 0.75, 2, 0.5, 75.0, 2, 0, 1, 1),
]


@pytest.fixture
def context(browser):
    made = []

    def new():
        one = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
        one.set_default_timeout(WAIT)
        made.append(one)
        return one
    yield new
    for one in made:
        one.close()


def _workbook_figures(body: bytes) -> tuple[list[tuple], dict[str, tuple]]:
    """The 汇总 sheet's figure rows and the 成绩名单 (工号 → 姓名, 成绩, 等次) of a 成绩汇总表."""
    book = load_workbook(io.BytesIO(body))
    summary = list(book["汇总"].iter_rows(values_only=True))
    header = next(n for n, row in enumerate(summary) if row[0] == "层级")
    figures = [tuple(round(v, 4) if isinstance(v, float) else v for v in row[:14])
               for row in summary[header + 1:header + 4]]
    scores = {row[1]: (row[2], row[6], row[9]) for row in book["成绩名单"].iter_rows(min_row=3, values_only=True)
              if row[1]}
    return figures, scores


def _token(page) -> str:
    return page.locator("input[name=csrf_token]").first.get_attribute("value")


def test_a_campaign_from_the_towns_tests_to_the_district_page(db, live_server, context, artifacts_dir):
    clock.freeze(START)
    bank = factories.bank("活动题库", singles=2, multiples=0, judges=2, fills=0)
    campaign = factories.campaign(unit_paths=(CG, DG, XS), banks=[bank], opens=START - timedelta(days=1),
                                  closes=START + timedelta(days=30), due=START + timedelta(days=5))
    db.session.add(CampaignPlan(campaign_id=campaign.id, tier_id=factories.tier("一般干部").id, duration_minutes=20,
                                pass_mark=6, sections=[{"qtype": "single", "count": 2, "points": 2},
                                                       {"qtype": "judge", "count": 2, "points": 3}]))
    for staff_no, (name, town, tier) in STAFF.items():
        if town == XS:
            factories.staff(staff_no, name, f"{town}/党政办", tier)
        else:
            factories.examinee(staff_no, name, f"{town}/党政办", tier)
    factories.user("admin", "admin")
    factories.user("chengguan", "liaison", CG)
    factories.user("donggang", "liaison", DG)
    ids = {"campaign": campaign.id, "bank": bank.id, "cg": factories.unit(CG).id, "dg": factories.unit(DG).id,
           "xs": factories.unit(XS).id, **{no: db.session.scalar(select(Staff.id).where(Staff.staff_no == no))
                                          for no in STAFF}}
    questions = list(db.session.scalars(select(Question.id).where(Question.bank_id == bank.id).order_by(Question.id)))
    db.session.commit()
    base = f"{live_server}/campaigns/{ids['campaign']}"

    # 1. each organiser creates his town's tiered test, open for a day, in his own browser
    desks = {}
    for username, town, title in (("chengguan", "城关镇", CG_TEST), ("donggang", "东岗镇", DG_TEST)):
        desks[username] = context().new_page()
        create_tiered_test(desks[username], live_server, username, town, title, START, START + timedelta(days=1))
    db.session.rollback()  # see what the server committed
    exams = {exam.title: exam.id for exam in db.session.scalars(select(Exam))}
    assert set(exams) == {CG_TEST, DG_TEST}
    cg_exam, dg_exam = exams[CG_TEST], exams[DG_TEST]
    db.session.rollback()

    # while the tests are open the organiser sees the district bank's questions, never their keys
    cg = desks["chengguan"]
    cg.goto(f"{live_server}/banks/{ids['bank']}")
    expect(cg.locator(".key-hidden")).to_have_count(4)
    expect(cg.locator("main")).not_to_contain_text(re.compile(r"解析\d"))  # the bank() factory's 解析1 …

    # 2. the examinees of both towns take their town's test in the browser
    for staff_no, (title, right, score) in ANSWERS.items():
        assert score in take(context(), live_server, staff_no, title, right), staff_no

    # his own examinee's paper and the item analysis keep the district bank's keys hidden while a test is open
    cg1_attempt = db.session.scalar(select(Attempt.id).where(Attempt.exam_id == cg_exam, Attempt.staff_id == ids["CG1"]))
    db.session.rollback()
    cg.goto(f"{live_server}/exams/attempt/{cg1_attempt}")
    expect(cg.locator("main")).to_contain_text("城关一")
    expect(cg.locator("main")).not_to_contain_text(re.compile(r"解析\d"))
    cg.goto(f"{live_server}/exams/{cg_exam}/results/items")
    expect(cg.locator("main")).not_to_contain_text(re.compile(r"解析\d|活动题库第\d题"))

    # 3. the tests have closed; 城关镇 reviews its draft, prints it, submits on time, downloads the xlsx
    clock.freeze(START + timedelta(days=1, hours=1))
    cg.goto(f"{base}/units/{ids['cg']}/report")
    expect(cg.locator("#report-status")).to_contain_text("未报送")
    assert table(cg.locator("#report-figures")) == CG_SHEET
    cg.get_by_role("link", name="打印汇总表（A4）").click()
    expect(cg.locator("#draft-mark")).to_be_visible()
    assert table(cg.locator("#sheet-figures")) == CG_SHEET
    expect(cg.locator("#sheet-signatures")).to_contain_text("单位负责人（签字）")
    cg.get_by_role("link", name="← 返回报送页").click()
    cg.once("dialog", lambda dialog: dialog.accept())
    cg.get_by_role("button", name="报送", exact=True).click()
    expect(cg.get_by_text("已报送。")).to_be_visible()
    expect(cg.locator("#report-status")).to_contain_text("按时报送")
    assert [row[2] for row in table(cg.locator("#report-failed"))] == ["城关三"]
    assert [row[2] for row in table(cg.locator("#report-absent"))] == ["城关五"]
    cg.goto(f"{base}/units/{ids['cg']}/report/print")
    expect(cg.locator("#draft-mark")).to_have_count(0)
    assert table(cg.locator("#sheet-figures")) == CG_SHEET
    cg.goto(f"{base}/units/{ids['cg']}/report")
    with cg.expect_download() as info:
        cg.get_by_role("link", name="下载 Excel").click()
    submitted_xlsx = (info.value.path()).read_bytes()
    figures, scores = _workbook_figures(submitted_xlsx)
    assert figures == CG_XLSX
    assert scores == {"CG1": ("城关一", 10, "优秀"), "CG2": ("城关二", 6, "合格"), "CG3": ("城关三", 4, "不合格"),
                      "CG4": ("城关四", 20, "优秀"), "CG5": ("城关五", None, "")}

    # 4. 东岗镇's make-up: DG2 failed, DG3 and DG5 absent; DG3 is exempted (公差), the 补测 names DG2 and DG5
    dg = desks["donggang"]
    dg.goto(f"{live_server}/exams/{dg_exam}")
    dg.get_by_role("link", name="不及格、未参加人员与补测").click()
    expect(dg.locator("#failed")).to_contain_text("东岗二")
    expect(dg.locator("#absent")).to_contain_text("东岗三")
    expect(dg.locator("#absent")).to_contain_text("东岗五")
    dg.get_by_label("人员").select_option(str(ids["DG3"]))
    dg.get_by_label("类别").select_option("公差")
    dg.get_by_label("书面理由").fill("赴市纪委参加专案工作")
    dg.get_by_role("button", name="登记免测").click()
    expect(dg.get_by_text("已登记免测。")).to_be_visible()
    expect(dg.locator("#exempt")).to_contain_text("东岗三")
    dg.get_by_label("开始时间").fill(local(START + timedelta(days=1, hours=2)))
    dg.get_by_label("结束时间").fill(local(START + timedelta(days=3)))
    dg.once("dialog", lambda dialog: dialog.accept())
    dg.get_by_role("button", name="创建补测").click()
    makeup_title = f"{DG_TEST}（补测）"
    expect(dg.get_by_text(f"已创建补测“{makeup_title}”。")).to_be_visible()
    expect(dg.locator("#makeup-of")).to_contain_text("指定 2 人参加")
    clock.freeze(START + timedelta(days=1, hours=3))
    assert "得分 10" in take(context(), live_server, "DG2", makeup_title, ALL_RIGHT)

    # 5. the district's 抽测 of the campaign: 乡科级 of both towns drawn and assigned; CG4 and DG4 take it
    clock.freeze(START + timedelta(days=1, hours=4))
    spot = factories.exam(SPOT, mode="sample", tiers=("乡科级",), pass_mark=12,
                          sections=[{"qtype": "single", "count": 2, "points": 5},
                                    {"qtype": "judge", "count": 2, "points": 5}],
                          opens=START + timedelta(days=1, hours=4), closes=START + timedelta(days=4))
    spot.campaign_id = ids["campaign"]
    draw = make_draw(DrawRequest(unit_paths=[CG, DG], tiers=["乡科级"], size=4, seed="20260611"))
    assign(draw, spot)
    db.session.commit()
    factories.sit(spot, db.session.get(Staff, ids["CG4"]), right=("judge",))
    factories.sit(spot, db.session.get(Staff, ids["DG4"]), right=("single", "judge"))
    db.session.rollback()

    # 6. after the deadline: 东岗镇 reports late (its 补测 closed); 西山镇 has done nothing
    clock.freeze(START + timedelta(days=6))
    dg.goto(f"{base}/units/{ids['dg']}/report")
    expect(dg.locator("#report-status")).to_contain_text("已过报送截止时间")
    dg.once("dialog", lambda dialog: dialog.accept())
    dg.get_by_role("button", name="报送", exact=True).click()
    expect(dg.get_by_text("已报送，逾期报送。")).to_be_visible()
    expect(dg.locator("#report-status")).to_contain_text("逾期报送")
    assert table(dg.locator("#report-figures")) == [  # DG2 counted 6 by the rule, DG3 exempt
        ["乡科级", "2", "0", "1", "50.0%", "1", "100.0%", "0", "0.0%", "75", "0", "0", "1", "0"],
        ["一般干部", "2", "1", "2", "100.0%", "2", "100.0%", "0", "0.0%", "70", "0", "1", "1", "0"],
        ["合计", "4", "1", "3", "75.0%", "3", "100.0%", "0", "0.0%", "71.67", "0", "1", "2", "0"]]
    assert table(dg.locator("#report-exempt"))[0][2:6] == ["东岗三", "城南区/东岗镇/党政办", "一般干部", DG_TEST]
    assert [row[2:] for row in table(dg.locator("#report-absent"))] == [
        ["东岗五", "城南区/东岗镇/党政办", "乡科级", DG_TEST, "未参加；补测未参加"]]

    # 7. the district admin's page shows exactly that
    admin = context().new_page()
    log_in(admin, live_server, "admin", PASSWORD)
    admin.goto(base)
    lines = admin.locator("#league tr.unit-line")
    expect(lines).to_have_count(3)
    assert [lines.nth(n).get_attribute("data-unit") for n in range(3)] == ["城关镇", "东岗镇", "西山镇"]
    league = {lines.nth(n).get_attribute("data-unit"): cells(lines.nth(n))[:13] for n in range(3)}
    # 名次 单位 自测 报送 应参加 参考率 合格率 优秀率 平均分 优秀 良好 合格 不合格
    assert league == {
        "城关镇": ["1", "城关镇", "第1场", "按时报送", "5", "80.0%", "75.0%", "50.0%", "75", "2", "0", "1", "1"],
        "东岗镇": ["2", "东岗镇", "第1场", "逾期报送", "4（免测 1）", "75.0%", "100.0%", "0.0%", "71.67",
                 "0", "1", "2", "0"],
        "西山镇": ["—", "西山镇", "未组织", "逾期未报送", "0", "—", "—", "—", "—", "0", "0", "0", "0"],
    }
    flags = {line: admin.locator(f"#league tr.unit-line[data-unit='{line}'] .flag").all_inner_texts()
             for line in league}
    assert flags == {"城关镇": ["参考率低于 90%", "合格率低于 90%，应重新组织测试", "乡科级自测平均分比抽测高 50 分"],
                     "东岗镇": ["逾期报送", "参考率低于 90%"], "西山镇": ["未组织自测", "逾期未报送"]}
    tiers = {tier: {row[0]: row for row in table(admin.locator(f".tier-table[data-tier='{tier}']"))}
             for tier in ("一般干部", "乡科级")}
    # 单位 应参加 参考率 合格率 优秀率 平均分 优秀 良好 合格 不合格
    assert tiers == {
        "一般干部": {"城关镇": ["城关镇", "3", "100.0%", "66.7%", "33.3%", "66.67", "1", "0", "1", "1"],
                 "东岗镇": ["东岗镇", "2（免测 1）", "100.0%", "100.0%", "0.0%", "70", "0", "1", "1", "0"]},
        "乡科级": {"城关镇": ["城关镇", "2", "50.0%", "100.0%", "100.0%", "100", "1", "0", "0", "0"],
                "东岗镇": ["东岗镇", "2", "50.0%", "100.0%", "0.0%", "75", "0", "0", "1", "0"]},
    }
    expect(admin.locator("#district-tests")).to_contain_text(SPOT)
    # 单位 层级 自测平均分 抽测参考 抽测平均分 差值
    assert table(admin.locator("#gaps")) == [["东岗镇", "乡科级", "75", "1", "100", "-25"],
                                             ["城关镇", "乡科级", "100", "1", "50", "50 差距过大"]]
    expect(admin.locator(".gap-line[data-unit='城关镇']")).to_have_class("gap-line table-danger")
    expect(admin.locator(".gap-line[data-unit='东岗镇']")).to_have_class("gap-line")
    admin.screenshot(path=str(artifacts_dir / "campaign-cycle-district.png"), full_page=True)
    with admin.expect_download() as info:
        admin.locator("#export").click()
    book = load_workbook(io.BytesIO(info.value.path().read_bytes()))
    exported = [tuple(round(v, 4) if isinstance(v, float) else v for v in row)
                for row in book["单位排名"].iter_rows(min_row=3, values_only=True)]
    # 名次 单位 自测场次 报送 应参加 免测 参考 参考率 合格 合格率 优秀 优秀率 平均分 优秀 良好 合格 不合格 提示
    assert exported == [
        (1, "城关镇", 1, "按时报送", 5, 0, 4, 0.8, 3, 0.75, 2, 0.5, 75, 2, 0, 1, 1,
         "参考率低于 90%；合格率低于 90%，应重新组织测试；乡科级自测平均分比抽测高 50 分"),
        (2, "东岗镇", 1, "逾期报送", 4, 1, 3, 0.75, 3, 1, 0, 0, 71.67, 0, 1, 2, 0, "逾期报送；参考率低于 90%"),
        (None, "西山镇", 0, "逾期未报送", 0, 0, 0, None, 0, None, 0, None, None, 0, 0, 0, 0, "未组织自测；逾期未报送")]
    assert [row[:6] for row in book["自测与抽测"].iter_rows(min_row=3, values_only=True)] == [
        ("东岗镇", "乡科级", 75, 1, 100, -25), ("城关镇", "乡科级", 100, 1, 50, 50)]

    # 8. 城关镇's organiser reaches nothing of 东岗镇's: its test, people, results, report, make-up,
    #    nor the district bank's keys; forged ids answer 404
    db.session.rollback()
    dg_attempt = db.session.scalar(select(Attempt.id).where(Attempt.exam_id == dg_exam, Attempt.staff_id == ids["DG1"]))
    makeup_exam = db.session.scalar(select(Exam.id).where(Exam.makeup_of_id == dg_exam))
    dg_report = db.session.scalar(select(CampaignReport.id).where(CampaignReport.unit_id == ids["dg"]))
    dg_user = db.session.get(Staff, ids["DG1"]).user.id
    db.session.rollback()
    cg.goto(f"{live_server}/exams/{cg_exam}")
    token = _token(cg)
    for url in (f"/exams/{dg_exam}", f"/exams/{dg_exam}/edit", f"/exams/{dg_exam}/attempts",
                f"/exams/{dg_exam}/results/", f"/exams/{dg_exam}/results/people?list=all",
                f"/exams/{dg_exam}/results/export.xlsx", f"/exams/{dg_exam}/makeup", f"/exams/{makeup_exam}",
                f"/exams/{dg_exam}/makeup/exemptions/{ids['DG3']}/attachment",
                f"/campaigns/{ids['campaign']}/units/{ids['dg']}", f"/campaigns/{ids['campaign']}/units/{ids['dg']}/report",
                f"/campaigns/{ids['campaign']}/units/{ids['dg']}/report/print",
                f"/campaigns/{ids['campaign']}/units/{ids['dg']}/report/sheet.xlsx",
                f"/campaigns/{ids['campaign']}/units/{ids['dg']}/reports/{dg_report}/print",
                f"/accounts/{dg_user}", f"/exams/attempt/{dg_attempt}", f"/banks/{ids['bank']}/export", f"/banks/question/{questions[0]}/edit",
                f"/exams/new?campaign={ids['campaign']}&unit={ids['dg']}"):
        assert cg.request.get(f"{live_server}{url}").status == 404, url
    for url, data in ((f"/exams/{dg_exam}/end", {"reason": "收卷"}), (f"/exams/{dg_exam}/regrade", {}),
                      (f"/exams/{dg_exam}/copy", {}), (f"/exams/{dg_exam}/makeup/create", {}),
                      (f"/exams/{dg_exam}/makeup/exemptions/{ids['DG3']}/remove", {}),
                      (f"/campaigns/{ids['campaign']}/units/{ids['dg']}/report/submit", {}),
                      (f"/banks/question/{questions[0]}/edit", {"stem": "改过的题干"})):
        assert cg.request.post(f"{live_server}{url}", form={"csrf_token": token, **data}).status == 404, url
    # every test has closed, but while the campaign runs the district may still draw a spot test
    # from its bank: the keys stay hidden; once it is over his examinee's paper and the item
    # analysis show them
    cg.goto(f"{live_server}/exams/attempt/{cg1_attempt}")
    expect(cg.locator("main")).not_to_contain_text(re.compile(r"解析\d"))
    clock.freeze(START + timedelta(days=31))
    cg.goto(f"{live_server}/exams/attempt/{cg1_attempt}")
    expect(cg.locator("main")).to_contain_text(re.compile(r"解析\d"))
    cg.goto(f"{live_server}/exams/{cg_exam}/results/items")
    expect(cg.locator("main")).to_contain_text("活动题库第1题")
    clock.freeze(START + timedelta(days=6))
    # the other town's roster and accounts are not his either
    spot_id = db.session.scalar(select(Exam.id).where(Exam.title == SPOT))
    db.session.rollback()
    spot_people = cg.request.get(f"{live_server}/exams/{spot_id}/results/people?list=all")
    assert spot_people.status == 200  # the district's 抽测: he sees his own town's people in it, no one else
    assert "城关四" in spot_people.text() and "东岗四" not in spot_people.text() and "东岗五" not in spot_people.text()
    spot_overview = cg.request.get(f"{live_server}/exams/{spot_id}/results/")
    assert spot_overview.status == 200 and "只统计本单位（含下属单位）人员" in spot_overview.text()
    assert "东岗" not in spot_overview.text()
    # nor can he run the district's 抽测 (a test he only sees is a 403, as the exams pages always did)
    assert cg.request.get(f"{live_server}/exams/{spot_id}/edit").status == 403
    assert cg.request.post(f"{live_server}/exams/{spot_id}/end", form={"csrf_token": token, "reason": "收卷"}).status == 403
    assert cg.request.get(f"{live_server}/accounts/?unit={ids['dg']}").status == 404
    roster = cg.request.get(f"{live_server}/roster/?unit={ids['dg']}")
    assert roster.status == 404 and "东岗一" not in roster.text()

    # each organiser's own view of the campaign: the district page with his town's line and place
    # alone, his town's page with the same figures (the 补测 counted by the rule)
    cg.goto(base)
    expect(cg.locator("#own-only")).to_contain_text("全部 3 个参加单位")
    assert cells(cg.locator("#league tr.unit-line"))[:9] == league["城关镇"][:9]
    assert table(cg.locator("#gaps")) == [["城关镇", "乡科级", "100", "1", "50", "50 差距过大"]]
    expect(cg.locator("main")).not_to_contain_text("东岗")
    dg.goto(f"{base}/units/{ids['dg']}")
    expect(dg.locator("#report-state")).to_have_text("逾期报送")
    assert dg.locator("#flags .flag").all_inner_texts() == ["逾期报送", "参考率低于 90%"]
    assert [row[0] for row in table(dg.locator("#unit-exams"))] == [DG_TEST, f"{makeup_title} 补测"]
    assert table(dg.locator("#unit-tiers")) == [
        ["乡科级", *tiers["乡科级"]["东岗镇"][1:]], ["一般干部", *tiers["一般干部"]["东岗镇"][1:]],
        ["合计", *league["东岗镇"][4:13]]]

    # 9. reports are frozen: a corrected key regraded and a name edited change the live figures,
    #    never 城关镇's submitted 成绩汇总表
    question = db.session.get(Question, questions[2])  # the first 判断: now 错误
    assert question.qtype == "judge"
    question.answer = False
    regrade_exam(db.session.get(Exam, cg_exam))
    db.session.get(Staff, ids["CG3"]).name = "城关三（改名）"
    db.session.commit()
    admin.goto(base)
    # CG1 7, CG2 3, CG3 7, CG4 15: 优秀 none, average (70+30+70+75)/4 = 61.25
    assert cells(admin.locator("#league tr.unit-line[data-unit='城关镇']"))[5:9] == ["80.0%", "75.0%", "0.0%", "61.25"]
    cg.goto(f"{base}/units/{ids['cg']}/report")
    expect(cg.locator("#report-status")).to_contain_text("按时报送")
    assert table(cg.locator("#report-figures")) == CG_SHEET
    assert [row[2] for row in table(cg.locator("#report-failed"))] == ["城关三"]
    cg.goto(f"{base}/units/{ids['cg']}/report/print")
    assert table(cg.locator("#sheet-figures")) == CG_SHEET
    again = cg.request.get(f"{base}/units/{ids['cg']}/report/sheet.xlsx")
    assert again.status == 200
    assert _workbook_figures(again.body()) == _workbook_figures(submitted_xlsx)
    word = cg.request.get(f"{base}/units/{ids['cg']}/report/sheet.docx")
    text = "\n".join(cell.text for each in Document(io.BytesIO(word.body())).tables
                     for row in each.rows for cell in row.cells)
    assert "城关三" in text and "改名" not in text and "66.67" in text and "61.25" not in text
    clock.freeze(None)
