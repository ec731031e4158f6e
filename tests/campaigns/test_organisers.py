"""A unit's organiser (its liaison) creates and runs his unit's tests of a campaign, through the
pages: the window and units he may give, the campaign's default plan or his own rows, drawing
only from the campaign's and his own banks, everything the admin has on a test page; and never
another unit's test, a district bank's writes or the district's keys while a test can draw them."""
import io
import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from examsite import clock
from examsite.campaigns.access import drawable_bank_ids
from examsite.exams import plans
from examsite.exams.errors import ExamError
from examsite.exams.keys import HIDDEN_NOTE
from examsite.models import (
    Attempt, AuditLog, Bank, BankUpload, CampaignPlan, Exam, ExamUnit, PaperPlan, Question,
)

from .. import factories
from ..conftest import AuthActions, csrf_from
from ..factories import PASSWORD

MOMENT = datetime(2026, 6, 1, 2, 0)  # UTC: 10:00 in Beijing

SMALL_BANK = """一、单项选择题（每题2分）
1．党的纪律处分有（ C ）种。
A．三　B．四　C．五　D．六
二、判断题
2．党员必须遵守党的纪律。（√）
"""


@pytest.fixture
def world(db):
    """A campaign of three towns drawing from 活动题库; the district keeps a large bank of its
    own outside the campaign; 城关镇 and 东岗镇 each keep a small bank; 城关镇's and 东岗镇's
    liaisons organise their towns' tests."""
    clock.freeze(MOMENT)
    shared = factories.bank("活动题库", singles=6, multiples=4, judges=4, fills=2)
    district = factories.bank("区纪委内部题库", singles=60, multiples=30, judges=30, fills=10)
    chengguan, donggang = factories.unit("城南区/城关镇"), factories.unit("城南区/东岗镇")
    factories.unit("城南区/城关镇/党政办")
    own = factories.bank("城关镇自编题库", singles=3, multiples=0, judges=2, fills=0)
    own.owner_unit_id = chengguan.id
    theirs = factories.bank("东岗镇自编题库", singles=3, multiples=0, judges=2, fills=0)
    theirs.owner_unit_id = donggang.id
    campaign = factories.campaign(banks=[shared])
    general = factories.tier("一般干部")
    db.session.add(CampaignPlan(campaign_id=campaign.id, tier_id=general.id, duration_minutes=20, pass_mark=6,
                                sections=[{"qtype": "single", "count": 4, "points": 2},
                                          {"qtype": "judge", "count": 3, "points": 1}]))
    other = factories.campaign("另一个活动", unit_paths=("城南区/西山镇",))
    db.session.commit()
    factories.user("admin", "admin")
    factories.user("chengguan", "liaison", unit_path="城南区/城关镇")
    factories.user("donggang", "liaison", unit_path="城南区/东岗镇")
    return SimpleNamespace(shared=shared, district=district, own=own, theirs=theirs, campaign=campaign,
                           other=other, chengguan=chengguan, donggang=donggang, general=general)


def login(app, username: str) -> AuthActions:
    """A person in his own browser (a client of his own)."""
    person = AuthActions(app.test_client())
    assert person.login(username, PASSWORD).status_code == 302
    return person


def new_test(person: AuthActions, campaign, unit, **overrides):
    query = f"?campaign={campaign.id}&unit={unit.id if unit else ''}"
    page = person.client.get(f"/exams/new{query}")
    assert page.status_code == 200
    person.token = csrf_from(page.get_data(as_text=True))
    data = {"campaign_id": campaign.id, "organiser_unit_id": unit.id if unit else "", "title": "城关镇警示教育月测试",
            "mode": "all", "opens_at": "2026-06-02T09:00", "closes_at": "2026-06-02T17:00",
            "score_shown": "on_submit", **overrides}
    return person.post(f"/exams/new{query}", data)


def rows(*sections):
    data = {}
    for index, (qtype, count, points, bank) in enumerate(sections):
        data.update({f"sections-{index}-qtype": qtype, f"sections-{index}-count": count,
                     f"sections-{index}-points": points, f"sections-{index}-bank": bank or ""})
    return data


def own_plan(person, exam, tier, *sections, pass_mark=4):
    person.token = csrf_from(person.client.get(f"/exams/{exam.id}/plan").get_data(as_text=True))
    return person.post(f"/exams/{exam.id}/plan", {"tier_id": tier.id, "duration_minutes": 30, "pass_mark": pass_mark,
                                                  "multiple_scoring": "all_or_nothing", **rows(*sections)},
                       follow_redirects=True)


def flashed(response) -> str:
    return response.get_data(as_text=True)


def count(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def writes(db) -> list[str]:
    """The writes audited as someone's, logins left out (the fixtures' are nobody's)."""
    db.session.rollback()
    return db.session.scalars(select(AuditLog.action).where(~AuditLog.action.startswith("user."),
                                                            AuditLog.user_id.is_not(None)).order_by(AuditLog.id)).all()


def running_test(db, world, unit_path="城南区/城关镇", sections=None):
    """A unit's test open now, with a plan drawing from its banks (through the service)."""
    exam = factories.unit_test(world.campaign, unit_path, tiers=())
    plans.save_plan(exam, world.general, plans.parse_sections(sections or [
        {"qtype": "single", "count": 8, "points": 1}, {"qtype": "judge", "count": 6, "points": 1}]), 30, 6,
        "all_or_nothing")
    db.session.commit()
    return exam


# ---- creating his unit's test -----------------------------------------------------------------

def test_a_liaison_creates_a_test_of_his_campaign_unit(db, app, world):
    liaison = login(app, "chengguan")
    index = liaison.client.get("/exams/").get_data(as_text=True)
    assert f"/exams/new?campaign={world.campaign.id}&amp;unit={world.chengguan.id}" in index
    assert "为东岗镇新建测试" not in index and "另一个活动" not in index
    response = new_test(liaison, world.campaign, world.chengguan)
    assert response.status_code == 302
    exam = db.session.scalar(select(Exam))
    assert (exam.campaign_id, exam.organiser_unit_id) == (world.campaign.id, world.chengguan.id)
    assert [link.unit_id for link in exam.units] == [world.chengguan.id]  # none chosen: his whole unit
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "exam.create"))
    assert "城南区/城关镇组织" in entry.summary and "2026年警示教育月" in entry.summary
    assert entry.user.username == "chengguan"
    page = liaison.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "城南区/城关镇组织" in page and "活动题库" in page and "城关镇自编题库" in page
    assert "东岗镇自编题库" not in page and "区纪委内部题库" not in page


def test_units_outside_his_tree_or_a_window_outside_the_campaign_are_refused(db, app, world):
    liaison = login(app, "chengguan")
    outside = flashed(new_test(liaison, world.campaign, world.chengguan, units=[world.donggang.id]))
    assert "没有这个单位" in outside
    late = flashed(new_test(liaison, world.campaign, world.chengguan,
                            opens_at="2026-06-20T09:00", closes_at="2026-06-22T17:00"))
    assert "测试时间必须在活动“2026年警示教育月”期间" in late
    forged = flashed(new_test(liaison, world.campaign, world.chengguan, organiser_unit_id=world.donggang.id))
    assert "不是有效的选择" in forged
    # no organiser is the district's own test: never a liaison's, whatever the form says
    assert new_test(liaison, world.campaign, world.chengguan, organiser_unit_id="").status_code == 404
    assert count(db, Exam) == 0 and writes(db) == []
    # a unit, a campaign he does not organise, or no campaign at all: not his to start
    assert liaison.client.get(f"/exams/new?campaign={world.campaign.id}&unit={world.donggang.id}").status_code == 404
    assert liaison.client.get(f"/exams/new?campaign={world.other.id}").status_code == 404
    assert liaison.client.get("/exams/new?campaign=99999").status_code == 404
    assert liaison.client.get("/exams/new").status_code == 403


def test_the_service_keeps_a_units_test_in_its_tree_and_the_campaign(db, world):
    fields = plans.ExamFields("测试", None, "all", MOMENT, MOMENT + timedelta(hours=5), False)
    with pytest.raises(ExamError, match="参加单位只能是组织单位“城南区/城关镇”及其下属单位，“城南区/东岗镇”不在其中"):
        plans.save_exam(None, fields, [world.donggang.id], world.campaign, world.chengguan)
    with pytest.raises(ExamError, match="不是活动“另一个活动”的参加单位"):
        plans.save_exam(None, fields, [], world.other, world.chengguan)
    early = plans.ExamFields("测试", None, "all", MOMENT - timedelta(days=30), MOMENT, False)
    with pytest.raises(ExamError, match="期间"):
        plans.save_exam(None, early, [], world.campaign, world.chengguan)
    sample = plans.ExamFields("测试", None, "sample", MOMENT, MOMENT + timedelta(hours=5), False)
    with pytest.raises(ExamError, match="单位自行组织的测试只能是全员测试"):
        plans.save_exam(None, sample, [], world.campaign, world.chengguan)
    office = factories.unit("城南区/城关镇/党政办")
    exam = plans.save_exam(None, fields, [office.id], world.campaign, world.chengguan)
    assert [link.unit_id for link in exam.units] == [office.id]
    # an existing test keeps its campaign and organiser, and the same rules
    with pytest.raises(ExamError, match="参加单位只能是"):
        plans.save_exam(exam, fields, [world.donggang.id])


# ---- plans: the campaign's default or his own rows, from the campaign's and his banks only ------

def test_default_plan_and_own_rows_draw_only_from_the_campaign_and_his_banks(db, app, world):
    liaison = login(app, "chengguan")
    new_test(liaison, world.campaign, world.chengguan)
    exam = db.session.scalar(select(Exam))
    allowed = sorted([world.shared.id, world.own.id])
    assert drawable_bank_ids(exam) == allowed
    liaison.token = csrf_from(liaison.client.get(f"/exams/{exam.id}").get_data(as_text=True))
    done = flashed(liaison.post(f"/exams/{exam.id}/plan/default", {"tier_id": world.general.id}, follow_redirects=True))
    assert "已采用活动的默认试卷方案：一般干部" in done
    plan = db.session.scalar(select(PaperPlan))
    assert [s["count"] for s in plan.sections] == [4, 3] and all(s["banks"] == allowed for s in plan.sections)
    assert "采用活动默认方案" in db.session.scalar(select(AuditLog.summary).where(AuditLog.action == "plan.save"))

    cadres = factories.tier("乡科级")
    # a row may pick one of his banks; a bank outside them (a forged id) is refused
    forged = flashed(own_plan(liaison, exam, cadres, ("single", 2, 2, world.district.id)))
    assert "所选题库不是这次测试可以抽题的题库" in forged
    # the shortage counts only his banks: the district's 60 single questions do not help
    short = flashed(own_plan(liaison, exam, cadres, ("single", 10, 1, None)))
    assert "单选题：需要 10 题，这次测试可以抽题的题库中只有 9 题" in short
    assert count(db, PaperPlan) == 1
    saved = flashed(own_plan(liaison, exam, cadres, ("single", 3, 2, world.own.id), ("judge", 4, 1, None)))
    assert "已保存乡科级的试卷方案" in saved
    mine = db.session.scalar(select(PaperPlan).where(PaperPlan.tier_id == cadres.id))
    assert [s["banks"] for s in mine.sections] == [[world.own.id], allowed]
    assert "只从题库“城关镇自编题库”抽" in liaison.client.get(f"/exams/{exam.id}").get_data(as_text=True)
    # the plan page offers his banks only
    form = liaison.client.get(f"/exams/{exam.id}/plan?tier={cadres.id}").get_data(as_text=True)
    assert "城关镇自编题库" in form and "区纪委内部题库" not in form and "东岗镇自编题库" not in form


def test_papers_hold_only_campaign_and_own_bank_questions(db, world):
    exam = running_test(db, world)
    allowed = {world.shared.id, world.own.id}
    banks = {}
    for n in range(6):
        person = factories.staff(f"CG{n}", f"城关{n}", "城南区/城关镇/党政办")
        attempt = factories.sit(exam, person, submit=False)
        ids = [item["id"] for item in attempt.paper]
        assert len(ids) == 14
        banks.update(db.session.execute(select(Question.id, Question.bank_id).where(Question.id.in_(ids))).all())
    assert set(banks.values()) == allowed  # both kinds drawn, nothing else


def test_a_district_test_of_the_campaign_draws_from_its_banks(db, app, world):
    admin = login(app, "admin")
    response = new_test(admin, world.campaign, None, title="警示教育月抽测")
    assert response.status_code == 302
    exam = db.session.scalar(select(Exam))
    assert exam.campaign_id == world.campaign.id and exam.organiser_unit_id is None
    assert drawable_bank_ids(exam) == [world.shared.id]
    short = flashed(own_plan(admin, exam, world.general, ("single", 7, 1, None)))
    assert "这次测试可以抽题的题库中只有 6 题" in short


def test_the_admin_creates_a_units_test_which_its_organiser_then_runs(db, app, world):
    db.session.add(CampaignPlan(campaign_id=world.campaign.id, tier_id=factories.tier("乡科级").id,
                                duration_minutes=30, pass_mark=2, sections=[{"qtype": "judge", "count": 4, "points": 1}]))
    db.session.commit()
    admin = login(app, "admin")
    assert new_test(admin, world.campaign, world.chengguan, title="区纪委代建的测试").status_code == 302
    exam = db.session.scalar(select(Exam))
    assert exam.organiser_unit_id == world.chengguan.id
    liaison = login(app, "chengguan")
    liaison.token = csrf_from(liaison.client.get(f"/exams/{exam.id}").get_data(as_text=True))
    done = flashed(liaison.post(f"/exams/{exam.id}/plan/default", {}, follow_redirects=True))
    assert "已采用活动的默认试卷方案：" in done
    db.session.rollback()
    assert {plan.tier.name for plan in exam.plans} == {"一般干部", "乡科级"}
    assert login(app, "donggang").client.get(f"/exams/{exam.id}").status_code == 404


def test_the_admins_own_flow_is_unchanged(db, app, world):
    admin = login(app, "admin")
    admin.token = csrf_from(admin.client.get("/exams/new").get_data(as_text=True))
    assert admin.post("/exams/new", {"title": "区纪委测试", "mode": "all", "opens_at": "2026-06-02T09:00",
                                     "closes_at": "2026-06-02T17:00", "score_shown": "on_submit"}).status_code == 302
    exam = db.session.scalar(select(Exam))
    assert exam.campaign_id is None and drawable_bank_ids(exam) is None
    assert "已保存一般干部的试卷方案" in flashed(own_plan(admin, exam, world.general, ("single", 50, 1, None)))
    assert "banks" not in db.session.scalar(select(PaperPlan)).sections[0]


# ---- running it: everything the admin has, for his tests only -----------------------------------

def test_he_runs_his_test_like_the_admin(db, app, world):
    exam = running_test(db, world)
    person = factories.examinee("CG1", "城关一", "城南区/城关镇/党政办")
    attempt = factories.sit(exam, person, submit=False)
    liaison = login(app, "chengguan")
    detail = liaison.client.get(f"/exams/{exam.id}").get_data(as_text=True)
    for control in ("修改", "复制", "重新评分", "预览一份试卷", "采用默认方案"):
        assert control in detail, control
    assert "收卷" in liaison.client.get(f"/exams/{exam.id}/live").get_data(as_text=True)
    assert liaison.client.get(f"/exams/{exam.id}/edit").status_code == 200
    reason = {"reason": "停电"}
    assert liaison.post(f"/exams/attempt/{attempt.id}/force_submit", reason).status_code == 302
    assert liaison.post(f"/exams/attempt/{attempt.id}/retake").status_code == 302
    assert liaison.post(f"/exams/{exam.id}/regrade").status_code == 302
    assert liaison.post(f"/exams/{exam.id}/end", {"reason": "提前结束"}).status_code == 302
    assert liaison.post(f"/exams/{exam.id}/copy").status_code == 302
    db.session.rollback()
    copy = db.session.scalar(select(Exam).where(Exam.id != exam.id))
    assert (copy.campaign_id, copy.organiser_unit_id) == (world.campaign.id, world.chengguan.id)
    logged = dict(db.session.execute(select(AuditLog.action, AuditLog.summary)
                                     .where(AuditLog.user.has(username="chengguan"))).all())
    assert {"attempt.force_submit", "attempt.retake", "exam.end", "exam.copy"} <= set(logged)
    assert "城南区/城关镇组织" in logged["exam.end"] and "城南区/城关镇组织" in logged["exam.copy"]
    assert db.session.get(Attempt, attempt.id).retake_granted_at is not None


def test_another_units_test_is_a_404_on_every_management_url(db, app, world):
    theirs = running_test(db, world, "城南区/东岗镇")
    person = factories.examinee("DG1", "东岗一", "城南区/东岗镇")
    attempt = factories.sit(theirs, person, submit=False)
    mine = running_test(db, world)
    plan = theirs.plans[0]
    liaison = login(app, "chengguan")
    assert "东岗镇" not in liaison.client.get("/exams/").get_data(as_text=True).split('id="exams"')[1]
    for url in (f"/exams/{theirs.id}", f"/exams/{theirs.id}/edit", f"/exams/{theirs.id}/plan",
                f"/exams/{theirs.id}/plan/{plan.id}/preview", f"/exams/{mine.id}/plan/{plan.id}/preview",
                f"/exams/{theirs.id}/attempts", f"/exams/{theirs.id}/live", f"/exams/{theirs.id}/live.json",
                f"/exams/attempt/{attempt.id}", "/exams/99999", "/exams/99999/edit", "/exams/99999/plan"):
        assert liaison.client.get(url).status_code == 404, url
    for url, data in ((f"/exams/{theirs.id}/edit", {"title": "改"}), (f"/exams/{theirs.id}/plan", {}),
                      (f"/exams/{theirs.id}/plan/default", {}), (f"/exams/{theirs.id}/copy", {}),
                      (f"/exams/{theirs.id}/regrade", {}), (f"/exams/{theirs.id}/end", {"reason": "x"}),
                      (f"/exams/{theirs.id}/extend", {"reason": "x", "minutes": 5, "attempt_id": attempt.id}),
                      (f"/exams/{theirs.id}/slips", {"unit_id": world.donggang.id, "format": "print"}),
                      (f"/exams/attempt/{attempt.id}/retake", {}),
                      (f"/exams/attempt/{attempt.id}/reopen", {"reason": "x", "minutes": 5}),
                      (f"/exams/attempt/{attempt.id}/force_submit", {"reason": "x"})):
        assert liaison.post(url, data).status_code == 404, url
    # his own test's 加时 with their person's attempt: refused, nothing changes
    deadline = attempt.deadline
    refused = liaison.post(f"/exams/{mine.id}/extend", {"reason": "x", "minutes": 5, "attempt_id": attempt.id},
                           follow_redirects=True)
    assert "请勾选要加时的人" in refused.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Attempt, attempt.id).submitted_at is None
    assert db.session.get(Attempt, attempt.id).deadline == deadline
    assert count(db, Exam) == 2 and writes(db) == []
    # the admin runs either
    admin = login(app, "admin")
    assert admin.client.get(f"/exams/{theirs.id}/edit").status_code == 200
    assert admin.post(f"/exams/{theirs.id}/end", {"reason": "区纪委收卷"}).status_code == 302
    db.session.rollback()
    assert db.session.get(Attempt, attempt.id).submitted_at is not None


def test_a_district_test_of_his_units_stays_view_only(db, app, world):
    exam = factories.exam("区纪委统一测试")
    db.session.add(ExamUnit(exam_id=exam.id, unit_id=world.chengguan.id))
    db.session.commit()
    liaison = login(app, "chengguan")
    assert liaison.client.get(f"/exams/{exam.id}").status_code == 200
    assert "重新评分" not in liaison.client.get(f"/exams/{exam.id}").get_data(as_text=True)
    assert liaison.client.get(f"/exams/{exam.id}/edit").status_code == 403
    assert liaison.post(f"/exams/{exam.id}/regrade").status_code == 403


# ---- keys: the district's hidden from him while a test can draw them; his own he sees ----------

def test_preview_and_attempt_hide_the_districts_keys_but_not_his_own(db, app, world):
    exam = running_test(db, world, sections=[{"qtype": "single", "count": 3, "points": 1, "bank": world.own.id},
                                             {"qtype": "judge", "count": 4, "points": 1,
                                              "bank": world.shared.id}])
    person = factories.examinee("CG1", "城关一", "城南区/城关镇/党政办")
    attempt = factories.sit(exam, person, submit=False)
    liaison = login(app, "chengguan")
    preview = liaison.client.get(f"/exams/{exam.id}/plan/{exam.plans[0].id}/preview").get_data(as_text=True)
    assert preview.count('class="question-card') == 7
    assert preview.count("answer-line") == 3 and preview.count(HIDDEN_NOTE) == 4
    assert "活动题库第" in preview and "城关镇自编题库第" in preview
    page = liaison.client.get(f"/exams/attempt/{attempt.id}").get_data(as_text=True)
    assert page.count("answer-line") == 3 and page.count(HIDDEN_NOTE) == 4
    admin = login(app, "admin")
    assert admin.client.get(f"/exams/attempt/{attempt.id}").get_data(as_text=True).count("answer-line") == 7


# ---- banks: the campaign's read-only, his own his to keep, the district's never his -------------

def test_bank_pages_for_a_unit_organiser(db, app, world):
    running_test(db, world)  # open: it can draw the campaign's questions
    liaison = login(app, "chengguan")
    index = liaison.client.get("/banks/").get_data(as_text=True)
    assert "活动题库" in index and "城关镇自编题库" in index
    assert "区纪委内部题库" not in index and "东岗镇自编题库" not in index
    shared = liaison.client.get(f"/banks/{world.shared.id}").get_data(as_text=True)
    # the campaign is running: its spot test may still be drawn from the bank, so no key shows
    assert "活动题库第1题" in shared and shared.count(HIDDEN_NOTE) == 16 and shared.count("answer-line") == 0
    assert "编辑" not in shared and "导出 Excel" not in shared
    own = liaison.client.get(f"/banks/{world.own.id}").get_data(as_text=True)
    assert own.count("answer-line") == 5 and HIDDEN_NOTE not in own and "编辑" in own
    found = liaison.client.get("/banks/questions?q=区纪委").get_data(as_text=True)
    assert "区纪委内部题库第" not in found
    for bank in (world.district, world.theirs):
        assert liaison.client.get(f"/banks/{bank.id}").status_code == 404
    # every write of a bank he does not keep is a 404, forged ids too
    for bank in (world.shared, world.district, world.theirs):
        question = bank.questions[0]
        for url in (f"/banks/question/{question.id}/edit", f"/banks/{bank.id}/retire", f"/banks/{bank.id}/export"):
            assert liaison.client.get(url).status_code == 404, url
        for url, data in ((f"/banks/question/{question.id}/edit", {"stem": "改", "answer": "A", "options": "甲\n乙"}),
                          (f"/banks/question/{question.id}/retire", {}), (f"/banks/{bank.id}/retire", {}),
                          (f"/banks/{bank.id}/restore", {})):
            assert liaison.post(url, data).status_code == 404, url
    assert writes(db) == [] and db.session.scalar(
        select(func.count(Question.id)).where(Question.retired.is_(True))) == 0
    # his own bank he edits and retires, audited with his unit
    question = world.own.questions[0]
    edited = liaison.post(f"/banks/question/{question.id}/edit",
                          {"stem": "城关镇自编题库改过的题", "options": "甲\n乙\n丙\n丁", "answer": "B"})
    assert edited.status_code == 302
    assert liaison.post(f"/banks/question/{question.id}/retire").status_code == 302
    assert liaison.post(f"/banks/{world.own.id}/retire").status_code == 302
    assert liaison.client.get(f"/banks/{world.own.id}/export").status_code == 200
    lines = db.session.scalars(select(AuditLog.summary).where(~AuditLog.action.startswith("user."),
                                                              AuditLog.user_id.is_not(None)).order_by(AuditLog.id)).all()
    assert len(lines) == 3 and all("城南区/城关镇的本单位题库" in line for line in lines)


def test_a_district_test_never_draws_his_bank_so_his_keys_stay_his(db, app, world):
    from examsite.exams import attempts

    running_test(db, world)  # his own: it does not hide his keys from him
    liaison = login(app, "chengguan")
    assert HIDDEN_NOTE not in liaison.client.get(f"/banks/{world.own.id}").get_data(as_text=True)
    district = factories.exam("区纪委统一测试", sections=[{"qtype": "judge", "count": 2, "points": 1}])  # no bank named
    db.session.commit()
    own = liaison.client.get(f"/banks/{world.own.id}").get_data(as_text=True)
    assert HIDDEN_NOTE not in own
    mine = {q.id for q in world.own.questions}
    for number in range(6):  # whoever takes the district's test, never a question of a unit's own bank
        person = factories.staff(f"D{number}", unit_path="城南区/东岗镇")
        assert not {item["id"] for item in attempts.start_attempt(district, person).paper} & mine


def test_he_sees_the_campaigns_keys_once_it_is_over_and_no_test_can_draw_them(db, app, world):
    from datetime import timedelta

    liaison = login(app, "chengguan")
    # his town's tests may be over, but the district may still make its spot test from the bank
    assert "answer-line" not in liaison.client.get(f"/banks/{world.shared.id}").get_data(as_text=True)
    clock.freeze(world.campaign.ends_at + timedelta(minutes=1))
    shared = liaison.client.get(f"/banks/{world.shared.id}").get_data(as_text=True)
    assert "answer-line" in shared and HIDDEN_NOTE not in shared


def test_his_import_preview_names_no_district_bank(db, app, world):
    copied = "一、单项选择题\n1．区纪委内部题库第1题（single）\nA．甲　B．乙　C．丙　D．丁\n答案：A\n"
    admin = flashed(upload(login(app, "admin"), copied))
    assert "题库“区纪委内部题库”中已有相同的题目" in admin
    page = flashed(upload(login(app, "chengguan"), copied))
    assert "共识别 <strong>1</strong> 题" in page and "题库“区纪委内部题库”" not in page and "已有相同" not in page


def upload(person, text: str):
    return person.post("/banks/upload", {"file": (io.BytesIO(text.encode()), "自编题.txt")},
                       content_type="multipart/form-data")


def test_he_imports_a_bank_of_his_own_unit(db, app, world):
    liaison = login(app, "chengguan")
    page = flashed(upload(liaison, SMALL_BANK))
    assert "本单位题库归属" in page and "东岗镇" not in page.split("本单位题库归属")[1].split("</select>")[0]
    upload_id = re.search(r'name="upload_id" type="hidden" value="(\d+)"', page).group(1)
    forged = flashed(liaison.post("/banks/confirm", {"upload_id": upload_id, "name": "城关镇题库二",
                                                     "owner_unit_id": world.donggang.id}, follow_redirects=True))
    assert "城关镇题库二" not in db.session.scalars(select(Bank.name)).all() and "导入" in forged
    office = factories.unit("城南区/城关镇/党政办")
    done = flashed(liaison.post("/banks/confirm", {"upload_id": upload_id, "name": "城关镇题库二",
                                                   "owner_unit_id": office.id}, follow_redirects=True))
    assert "已导入题库“城关镇题库二”，共 2 题" in done
    db.session.rollback()
    bank = db.session.scalar(select(Bank).where(Bank.name == "城关镇题库二"))
    assert bank.owner_unit_id == office.id
    line = db.session.scalar(select(AuditLog.summary).where(AuditLog.action == "bank.import"))
    assert "城南区/城关镇/党政办的本单位题库" in line
    # another person's pending upload is not his to confirm
    admin = login(app, "admin")
    theirs = re.search(r'name="upload_id" type="hidden" value="(\d+)"',
                       flashed(upload(admin, SMALL_BANK.replace("五", "七")))).group(1)
    refused = flashed(liaison.post("/banks/confirm", {"upload_id": theirs, "name": "偷来的", "owner_unit_id": office.id},
                                   follow_redirects=True))
    assert "上传的文件已失效" in refused and count(db, BankUpload) == 1


def test_every_page_an_organiser_reaches_opens(db, app, world):
    from ..test_crawl import crawl

    exam = running_test(db, world)
    factories.sit(exam, factories.examinee("CG1", "城关一", "城南区/城关镇/党政办"), submit=False)
    factories.sit(exam, factories.examinee("CG2", "城关二", "城南区/城关镇/党政办"))
    liaison = login(app, "chengguan")
    seen = {}
    for start in ("/home", "/exams/", "/banks/", f"/exams/{exam.id}"):
        seen.update(crawl(liaison.client, start))
    assert not {url: status for url, status in seen.items() if status >= 400}
    for wanted in (f"/exams/{exam.id}/edit", f"/exams/{exam.id}/plan", f"/exams/{exam.id}/live",
                   f"/exams/{exam.id}/attempts", f"/banks/{world.own.id}", f"/banks/{world.shared.id}"):
        assert wanted in seen, wanted
