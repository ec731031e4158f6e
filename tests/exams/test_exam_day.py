"""The day of a test: live progress, 收卷, 加时, reopening, force submit, login slips per unit,
a liaison kept to his units, and who was expected fixed at the close."""
import io
import re
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from examsite import clock
from examsite.models import AccessCode, Attempt, AuditLog, ExpectedExaminee, Staff
from examsite.roster.services import import_roster

from .. import factories
from ..conftest import AuthActions, csrf_from, started_attempt
from ..factories import PASSWORD
from ..roster.files import csv_bytes

START = datetime(2026, 6, 10, 1, 0)  # 09:00 in Beijing


@pytest.fixture
def day(db, app):
    """A 全员 test of 城南区 opened at START for two towns of 40 people each, an admin, and a
    liaison of 城关镇."""
    clock.freeze(START)
    factories.bank()
    factories.user("admin")
    factories.user("liaison", role="liaison", unit_path="城南区/城关镇")
    rows = [(f"C{n:03d}", f"城关{n}", "城南区/城关镇/党政办", "一般干部", "科员") for n in range(40)]
    rows += [(f"D{n:03d}", f"东岗{n}", "城南区/东岗镇/党政办", "一般干部", "科员") for n in range(40)]
    factories.unit("城南区/城关镇/党政办")
    factories.unit("城南区/东岗镇/党政办")
    import_roster("花名册.csv", csv_bytes(rows))
    exam = factories.exam(opens=START, closes=START + timedelta(hours=2), minutes=30)
    other = factories.exam(title="东岗镇自测", opens=START, closes=START + timedelta(hours=2))
    from examsite.models import ExamUnit
    db.session.add(ExamUnit(exam_id=other.id, unit_id=factories.unit("城南区/东岗镇").id))
    db.session.commit()
    admin = AuthActions(app.test_client())
    admin.login("admin", PASSWORD)
    liaison = AuthActions(app.test_client())
    liaison.login("liaison", PASSWORD)
    return exam, other, admin, liaison


def _enter_with_slip(app, staff_no: str, code: str) -> AuthActions:
    person = AuthActions(app.test_client())
    person.token = csrf_from(person.client.get("/code").get_data(as_text=True))
    entered = person.post("/code", {"staff_no": staff_no, "code": code})
    assert entered.status_code == 302, entered.get_data(as_text=True)
    person.token = csrf_from(person.client.get(entered.headers["Location"]).get_data(as_text=True))
    return person


def _start(person: AuthActions, exam) -> int:
    return started_attempt(person.post(f"/my/exams/{exam.id}/start"))


def _slips(actor: AuthActions, exam, unit_path: str, fmt="xlsx"):
    actor.token = csrf_from(actor.client.get(f"/exams/{exam.id}").get_data(as_text=True))
    return actor.post(f"/exams/{exam.id}/slips", {"unit_id": factories.unit(unit_path).id, "format": fmt})


def _codes(response) -> dict[str, str]:
    book = load_workbook(io.BytesIO(response.data))
    return {row[2]: row[3] for sheet in book for row in sheet.iter_rows(min_row=5, values_only=True)}


def test_slips_for_a_unit_printed_twice_keep_their_codes_and_let_people_in(day, app, db):
    exam, _, admin, liaison = day
    first = _codes(_slips(liaison, exam, "城南区/城关镇"))
    assert sorted(first) == [f"C{n:03d}" for n in range(40)]  # his own unit only
    assert all(re.fullmatch(r"[A-Z2-9]{8}", code) for code in first.values())
    person = _enter_with_slip(app, "C001", first["C001"])
    person.post("/password?next=/my/", {"password": "own-pass-77", "confirm": "own-pass-77"})
    again = _codes(_slips(admin, exam, "城南区/城关镇"))
    assert again["C002"] == first["C002"]  # printed again: the slip handed out still works
    assert again["C001"] == "已设置密码，请用工号和密码登录"
    _enter_with_slip(app, "C002", first["C002"])
    printed = _slips(liaison, exam, "城南区/城关镇", "print").get_data(as_text=True)
    assert first["C003"] in printed and "C001" in printed and printed.count('class="slip ') == 40
    assert db.session.scalar(select(func.count(AccessCode.id))) == 40
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "slips.issue")) == 3
    # a unit outside the liaison's tree is refused, and nothing is issued
    refused = liaison.post(f"/exams/{exam.id}/slips", {"unit_id": factories.unit("城南区/东岗镇").id, "format": "xlsx"})
    assert refused.status_code == 302 and db.session.scalar(select(func.count(AccessCode.id))) == 40


def test_a_liaison_sees_only_tests_and_people_of_his_units(day, app, db):
    exam, other, admin, liaison = day
    listed = liaison.client.get("/exams/").get_data(as_text=True)
    assert exam.title in listed and "东岗镇自测" not in listed
    for url in (f"/exams/{other.id}", f"/exams/{other.id}/attempts", f"/exams/{other.id}/live",
                f"/exams/{other.id}/live.json", f"/exams/{other.id}/results/"):
        assert liaison.client.get(url).status_code == 404, url
    assert admin.client.get(f"/exams/{other.id}/live").status_code == 200
    east = db.session.scalar(select(Staff).where(Staff.staff_no == "D001"))
    attempt = factories.sit(other, east, submit=False)
    assert liaison.client.get(f"/exams/attempt/{attempt.id}").status_code == 404
    factories.sit(exam, east)  # the 全员 test of the whole district: he counts only his town's
    factories.sit(exam, db.session.scalar(select(Staff).where(Staff.staff_no == "C005")), submit=False)
    assert "答卷（1）" in liaison.client.get(f"/exams/{exam.id}").get_data(as_text=True)
    assert "答卷（2）" in admin.client.get(f"/exams/{exam.id}").get_data(as_text=True)
    liaison.token = csrf_from(liaison.client.get(f"/exams/{exam.id}/live").get_data(as_text=True))
    assert liaison.post(f"/exams/attempt/{attempt.id}/force_submit", {"reason": "x"}).status_code == 404
    live = liaison.client.get(f"/exams/{exam.id}/live.json").get_json()
    assert live["total"]["expected"] == 40 and all(p["staff_no"].startswith("C") for p in live["people"])


def test_live_progress_extra_time_force_submit_reopen_and_end(day, app, db):
    exam, _, admin, liaison = day
    codes = _codes(_slips(admin, exam, "城南区"))
    people = {no: _enter_with_slip(app, no, codes[no]) for no in ("C001", "C002", "C003", "D001")}
    attempts = {no: _start(person, exam) for no, person in people.items()}
    paper = db.session.get(Attempt, attempts["C001"]).paper
    people["C001"].client.post(f"/my/attempts/{attempts['C001']}/answers", json={
        "question": paper[0]["id"], "response": paper[0]["answer"] if paper[0]["type"] == "fill" else "A", "seq": 1},
        headers={"X-Save-Token": re.search(r'data-save-token="([^"]+)"', people["C001"].client.get(
            f"/my/attempts/{attempts['C001']}").get_data(as_text=True)).group(1)})

    live = admin.client.get(f"/exams/{exam.id}/live.json").get_json()
    assert live["total"] == {"unit": "合计", "expected": 80, "not_started": 76, "in_progress": 4, "submitted": 0,
                             "absent": 0}
    assert {u["unit"]: u["in_progress"] for u in live["units"]} == {"城关镇": 3, "东岗镇": 1}
    c001 = next(p for p in live["people"] if p["staff_no"] == "C001")
    assert c001["answered"] == 1 and c001["last_saved"] and c001["remaining"] == 30 * 60
    html = admin.client.get(f"/exams/{exam.id}/live?unit=城关镇&status=in_progress").get_data(as_text=True)
    assert html.count('name="attempt_id"') == 3 and "东岗" not in html.split("live-people")[1]

    # 加时 for two people, by the liaison of their town; the reason is required
    liaison.token = csrf_from(liaison.client.get(f"/exams/{exam.id}/live").get_data(as_text=True))
    no_reason = liaison.post(f"/exams/{exam.id}/extend", {"attempt_id": [attempts["C001"], attempts["C002"]],
                                                          "minutes": 10, "reason": ""}, follow_redirects=True)
    assert "请写明原因" in no_reason.get_data(as_text=True)
    assert db.session.get(Attempt, attempts["C001"]).deadline == START + timedelta(minutes=30)
    foreign = liaison.post(f"/exams/{exam.id}/extend", {"attempt_id": [attempts["D001"]], "minutes": 10, "reason": "停电"})
    assert foreign.status_code == 404
    extended = liaison.post(f"/exams/{exam.id}/extend", {"attempt_id": [attempts["C001"], attempts["C002"]], "minutes": 10,
                                                         "reason": "机房停电十分钟", "status": "in_progress"})
    assert extended.headers["Location"] == f"/exams/{exam.id}/live?status=in_progress"  # back to his filter
    db.session.expire_all()
    assert db.session.get(Attempt, attempts["C001"]).deadline == START + timedelta(minutes=40)
    assert db.session.get(Attempt, attempts["D001"]).deadline == START + timedelta(minutes=30)
    clock_reply = people["C001"].client.get(f"/my/attempts/{attempts['C001']}/clock").get_json()
    assert clock_reply["remaining"] == 40 * 60 and clock_reply["closed"] is False

    # force submit one, then reopen him with 15 minutes (a crash)
    admin.token = csrf_from(admin.client.get(f"/exams/attempt/{attempts['C003']}").get_data(as_text=True))
    admin.post(f"/exams/attempt/{attempts['C003']}/force_submit", {"reason": "考生要求"})
    db.session.expire_all()
    closed = db.session.get(Attempt, attempts["C003"])
    assert closed.closed_by == "admin" and closed.score is not None
    clock.freeze(START + timedelta(minutes=20))
    admin.post(f"/exams/attempt/{attempts['C003']}/reopen", {"minutes": 15, "reason": "电脑死机"})
    db.session.expire_all()
    reopened = db.session.get(Attempt, attempts["C003"])
    assert reopened.submitted_at is None and reopened.score is None
    assert reopened.deadline == START + timedelta(minutes=35)
    assert "答题中" in people["C003"].client.get(f"/my/attempts/{attempts['C003']}").get_data(as_text=True) or \
        people["C003"].client.get(f"/my/attempts/{attempts['C003']}").status_code == 200

    # 收卷: everyone still answering is closed and graded at once, and nobody may start
    admin.token = csrf_from(admin.client.get(f"/exams/{exam.id}/live").get_data(as_text=True))
    admin.post(f"/exams/{exam.id}/end", {"reason": "提前结束"})
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Attempt.id)).where(Attempt.submitted_at.is_(None))) == 0
    assert {a.closed_by for a in db.session.scalars(select(Attempt))} == {"admin"}
    late = _enter_with_slip(app, "C010", codes["C010"])
    assert "测试已经结束" in late.post(f"/my/exams/{exam.id}/start", follow_redirects=True).get_data(as_text=True)
    assert db.session.get(type(exam), exam.id).expected_fixed_at is not None
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.action.in_(
        ["attempt.extend", "attempt.force_submit", "attempt.reopen", "exam.end"])).order_by(AuditLog.id)).all()
    assert actions == ["attempt.extend", "attempt.extend", "attempt.force_submit", "attempt.reopen", "exam.end"]
    assert "提前结束" in db.session.scalar(select(AuditLog.summary).where(AuditLog.action == "exam.end"))


def test_a_closed_tests_results_do_not_move_with_a_later_roster(day, app, db):
    exam, _, admin, _ = day
    for no in ("C001", "C002"):
        factories.sit(exam, db.session.scalar(select(Staff).where(Staff.staff_no == no)), right=("single",))
    clock.freeze(START + timedelta(hours=3))
    before = admin.client.get(f"/exams/{exam.id}/results/").get_data(as_text=True)
    export_before = load_workbook(io.BytesIO(admin.client.get(f"/exams/{exam.id}/results/export.xlsx").data))
    assert db.session.scalar(select(func.count()).select_from(ExpectedExaminee)) == 80
    # a new roster: people gone (marked 离岗), twenty new, one moved to the other town
    rows = [(f"C{n:03d}", f"城关{n}", "城南区/城关镇/党政办", "一般干部", "科员") for n in range(10, 40)]
    rows += [(f"N{n:03d}", f"新人{n}", "城南区/城关镇/党政办", "一般干部", "科员") for n in range(20)]
    rows += [("C001", "城关1", "城南区/东岗镇/党政办", "一般干部", "科员")]
    result = import_roster("新花名册.csv", csv_bytes(rows), mark_leaving=True)
    db.session.commit()
    assert result.ok and result.marked_leaving == 49 and result.added == 20  # 9 of 城关镇, all of 东岗镇
    after = admin.client.get(f"/exams/{exam.id}/results/").get_data(as_text=True)
    def strip(html):  # the page's own time and CSRF token differ from one request to the next
        return re.sub(r'csrf_token"[^>]*>|\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?', "", html)
    assert strip(after) == strip(before)
    export_after = load_workbook(io.BytesIO(admin.client.get(f"/exams/{exam.id}/results/export.xlsx").data))
    for name in ("成绩明细", "单位汇总", "层级汇总"):
        assert [r for r in export_after[name].iter_rows(min_row=2, values_only=True)] == \
            [r for r in export_before[name].iter_rows(min_row=2, values_only=True)], name
    absent = admin.client.get(f"/exams/{exam.id}/results/people?list=absent").get_data(as_text=True)
    assert "城关5" in absent and "新人1" not in absent


def test_the_minute_job_fixes_who_was_expected_once_a_test_has_closed(day, runner, db):
    exam, other, _, _ = day
    assert "固定了" not in runner.invoke(args=["exam", "close-expired"]).output  # both still open
    assert db.session.scalar(select(func.count()).select_from(ExpectedExaminee)) == 0
    clock.freeze(START + timedelta(hours=3))
    output = runner.invoke(args=["exam", "close-expired"]).output
    assert "固定了 2 个已结束测试的应参加名单" in output
    db.session.expire_all()
    stored = dict(db.session.execute(select(ExpectedExaminee.exam_id, func.count())
                                     .group_by(ExpectedExaminee.exam_id)).all())
    assert stored == {exam.id: 80, other.id: 40}
    again = runner.invoke(args=["exam", "close-expired"]).output
    assert "固定了" not in again  # once only
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "exam.expected")) == 2
