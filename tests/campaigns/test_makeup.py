"""Make-up tests (补测) through the services: who failed or missed a closed test, exemptions,
the make-up in one step, a make-up of a make-up.

Every paper is the small bank's whole: 11 points, pass mark 6. All right 11; single right 4.
城关镇's self-test: A1 11 (passed), A2 4 (failed), A3 乡科级 7 (passed), A4 and A5 absent.
"""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from examsite.campaigns import makeup as services
from examsite.campaigns.standings import standings
from examsite.clock import freeze
from examsite.extensions import db
from examsite.models import AuditLog, Exam, ExamMember, Exemption, PaperPlan
from examsite.results.services import settled_results
from tests import factories as f

START = datetime(2026, 6, 10, 1, 0)
AFTER = START + timedelta(hours=6)  # the self-test closes at START + 5 h
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 100


@pytest.fixture
def town(db):
    yield closed_town()
    freeze(None)


def closed_town():
    """城关镇's self-test of a campaign, taken at START and closed (the clock frozen after)."""
    freeze(START)
    f.bank(singles=2, multiples=1, judges=2, fills=1)
    campaign = f.campaign(opens=START - timedelta(days=10), closes=START + timedelta(days=20),
                          due=START + timedelta(days=5))
    exam = f.unit_test(campaign, "城南区/城关镇", tiers=("一般干部", "乡科级"), minutes=40)
    people = {no: f.staff(no, name, path, tier) for no, name, path, tier in (
        ("A1", "甲一", "城南区/城关镇/党政办", "一般干部"), ("A2", "甲二", "城南区/城关镇", "一般干部"),
        ("A3", "甲三", "城南区/城关镇/党政办", "乡科级"), ("A4", "甲四", "城南区/城关镇", "一般干部"),
        ("A5", "甲五", "城南区/城关镇", "一般干部"), ("B1", "乙一", "城南区/东岗镇", "一般干部"))}
    db.session.commit()
    f.sit(exam, people["A1"], right=f.ALL_TYPES)
    f.sit(exam, people["A2"], right=("single",))
    f.sit(exam, people["A3"], right=("single", "multiple"))
    freeze(AFTER)
    return exam, people


def _settled(exam):
    result = settled_results(exam)
    db.session.commit()
    return result


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _audits(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_the_roll_lists_the_failed_and_the_absent(town):
    exam, people = town
    roll = services.roll(_settled(exam))
    assert [(p.row.staff_no, p.state, p.label) for p in roll.failed] == [("A2", "failed", "不及格（4 分）")]
    assert [p.row.staff_no for p in roll.absent] == ["A4", "A5"]
    assert roll.exempt == [] and roll.root.id == exam.id and [p.row.staff_no for p in roll.left] == ["A2", "A4", "A5"]


def test_an_exemption_is_recorded_with_its_attachment_and_audited(town):
    exam, people = town
    services.record_exemption(_settled(exam), people["A5"].id, "病假", "  住院治疗  ", ("诊断证明.png", PNG))
    db.session.commit()
    kept = db.session.get(Exemption, (exam.id, people["A5"].id))
    assert (kept.kind, kept.reason, kept.attachment_filename, kept.attachment_type, kept.attachment_data) == (
        "病假", "住院治疗", "诊断证明.png", "image/png", PNG)
    roll = services.roll(_settled(exam))
    assert [e.row.staff_no for e in roll.exempt] == ["A5"] and [p.row.staff_no for p in roll.absent] == ["A4"]
    [audit] = _audits("exemption.record")
    assert "甲五" in audit.summary and "病假" in audit.summary and audit.detail["staff_id"] == people["A5"].id


@pytest.mark.parametrize("who, kind, reason, attachment, message", [
    ("A1", "病假", "住院", None, "只能为不及格或未参加的人员登记免测"),  # he passed
    ("B1", "病假", "住院", None, "只能为不及格或未参加的人员登记免测"),  # not in the test
    ("A4", "出差", "外出", None, "免测类别只能是"),
    ("A4", "公差", "   ", None, "请填写免测的书面理由"),
    ("A4", "公差", "长" * 501, None, "不能超过 500 个字"),
    ("A4", "公差", "外出", ("证明.pdf", PNG), "内容不是 PDF"),
    ("A4", "公差", "外出", ("证明.png", b"GIF89a" + b"0" * 10), "内容不是 PNG"),
    ("A4", "公差", "外出", ("证明.gif", b"GIF89a" + b"0" * 10), "只能是 PDF、JPEG 或 PNG"),
    ("A4", "公差", "外出", ("证明.pdf", b"%PDF-" + b"0" * services.ATTACHMENT_MAX), "不能超过 5 MB"),
    ("A4", "公差", "外出", ("证明.pdf", b""), "空文件"),
])
def test_a_bad_exemption_is_refused_and_changes_nothing(town, who, kind, reason, attachment, message):
    exam, people = town
    with pytest.raises(services.MakeupError, match=message):
        services.record_exemption(_settled(exam), people[who].id, kind, reason, attachment)
    db.session.rollback()
    assert _count(Exemption) == 0 and _audits("exemption.record") == []


def test_the_attachment_may_be_a_jpeg_or_a_pdf_and_its_limit_is_five_megabytes():
    assert services.check_attachment("扫描.JPG", b"\xff\xd8\xff\xe0" + b"0" * 10) == "image/jpeg"
    assert services.check_attachment("证明.pdf", b"%PDF-" + b"0" * (services.ATTACHMENT_MAX - 5)) == "application/pdf"


def test_no_exemption_before_the_test_closed(town):
    exam, people = town
    freeze(START)
    with pytest.raises(services.MakeupError, match="尚未结束"):
        services.record_exemption(settled_results(exam), people["A4"].id, "公差", "外出")


def test_the_make_up_names_the_failed_and_absent_not_exempt_and_copies_the_plans(town):
    exam, people = town
    services.record_exemption(_settled(exam), people["A5"].id, "公差", "外出学习")
    db.session.commit()
    opens, closes = AFTER + timedelta(days=1), AFTER + timedelta(days=3)
    makeup = services.create_makeup(_settled(exam), "", opens, closes)
    db.session.commit()
    assert (makeup.title, makeup.mode, makeup.makeup_of_id, makeup.campaign_id, makeup.organiser_unit_id) == (
        f"{exam.title}（补测）", "named", exam.id, exam.campaign_id, exam.organiser_unit_id)
    assert (makeup.opens_at, makeup.closes_at) == (opens, closes)
    named = set(db.session.scalars(select(ExamMember.staff_id).where(ExamMember.exam_id == makeup.id)))
    assert named == {people["A2"].id, people["A4"].id}
    plan = lambda p: (p.tier_id, p.sections, p.duration_minutes, float(p.pass_mark), p.multiple_scoring)  # noqa: E731
    assert sorted(map(plan, makeup.plans)) == sorted(map(plan, exam.plans)) and len(makeup.plans) == 2
    [audit] = _audits("makeup.create")
    assert "不及格 1 人、未参加 1 人" in audit.summary and audit.detail["makeup_of"] == exam.id
    # the roll now shows them on the make-up; nobody is left, so a second one is refused
    roll = services.roll(_settled(exam))
    assert all(p.makeup.id == makeup.id and p.makeup_state == "未参加" for p in roll.failed + roll.absent)
    with pytest.raises(services.MakeupError, match="没有需要补测的人员"):
        services.create_makeup(_settled(exam), "", opens, closes)
    with pytest.raises(services.MakeupError, match="已列入补测"):
        services.record_exemption(_settled(exam), people["A4"].id, "公差", "外出")


@pytest.mark.parametrize("opens, closes, message", [
    (START + timedelta(hours=4), START + timedelta(days=2), "原测试结束"),  # before the first closed
    (AFTER + timedelta(days=1), START + timedelta(days=21), "活动“2026年警示教育月”期间"),
    (AFTER + timedelta(days=2), AFTER + timedelta(days=1), "结束时间必须晚于开始时间"),
])
def test_a_make_up_window_outside_the_rules_is_refused_and_changes_nothing(town, opens, closes, message):
    exam, _ = town
    with pytest.raises(services.MakeupError, match=message):
        services.create_makeup(_settled(exam), "补测", opens, closes)
    db.session.rollback()
    assert _count(Exam) == 1 and _count(ExamMember) == 0 and _count(PaperPlan) == 2 and _audits("makeup.create") == []


def test_no_make_up_of_an_open_test_or_of_a_test_of_no_campaign(town):
    exam, _ = town
    other = f.exam("区级测试", opens=START, closes=START + timedelta(hours=1))
    db.session.commit()
    with pytest.raises(services.MakeupError, match="只有活动中的测试"):
        services.create_makeup(_settled(other), "", AFTER + timedelta(hours=1), AFTER + timedelta(days=1))
    freeze(START)
    with pytest.raises(services.MakeupError, match="尚未结束"):
        services.create_makeup(settled_results(exam), "", START + timedelta(days=1), START + timedelta(days=2))


def test_a_make_up_of_a_make_up_names_who_still_failed_and_counts_for_the_first(town):
    exam, people = town
    first = services.create_makeup(_settled(exam), "", AFTER + timedelta(hours=1), AFTER + timedelta(days=1))
    db.session.commit()
    freeze(AFTER + timedelta(hours=2))
    f.sit(first, people["A2"], right=("single",))  # 4 again
    f.sit(first, people["A4"], right=f.ALL_TYPES)  # 11; A5 missed it
    freeze(AFTER + timedelta(days=2))
    roll = services.roll(_settled(first))
    assert [p.row.staff_no for p in roll.failed] == ["A2"] and [p.row.staff_no for p in roll.absent] == ["A5"]
    # A5 excused on the make-up's page: kept on the first test, which the campaign counts
    services.record_exemption(_settled(first), people["A5"].id, "产假", "产假中")
    db.session.commit()
    assert services.default_title(first) == f"{exam.title}（第2次补测）"
    second = services.create_makeup(_settled(first), "", AFTER + timedelta(days=3), AFTER + timedelta(days=4))
    assert second.title == f"{exam.title}（第2次补测）"
    db.session.commit()
    assert db.session.get(Exemption, (exam.id, people["A5"].id)) is not None
    assert set(db.session.scalars(select(ExamMember.staff_id).where(ExamMember.exam_id == second.id))) == {people["A2"].id}
    assert services.first_test(second).id == exam.id
    freeze(AFTER + timedelta(days=3, hours=1))
    f.sit(second, people["A2"], right=("single", "multiple", "judge"))  # 9
    rows = {r.staff_no: r for r in standings(exam.campaign)}
    assert (rows["A2"].first.score, rows["A2"].makeup.score, rows["A2"].score, rows["A2"].passed) == (4, 9, 6, True)
    assert (rows["A4"].score, rows["A4"].band) == (6, "合格") and rows["A5"].status == "exempt"


def test_removing_an_exemption_is_audited_and_leaves_him_to_make_up(town):
    exam, people = town
    services.record_exemption(_settled(exam), people["A5"].id, "事假", "家中有事")
    db.session.commit()
    services.create_makeup(_settled(exam), "", AFTER + timedelta(hours=1), AFTER + timedelta(days=1))
    db.session.commit()
    with pytest.raises(services.MakeupError, match="撤销免测的原因"):
        services.remove_exemption(_settled(exam), people["A5"].id, " ")
    db.session.rollback()
    services.remove_exemption(_settled(exam), people["A5"].id, "事假不属于免测情形")
    db.session.commit()
    assert _count(Exemption) == 0
    [audit] = _audits("exemption.remove")
    assert "事假不属于免测情形" in audit.summary and "甲五" in audit.summary
    again = services.create_makeup(_settled(exam), "补测二", AFTER + timedelta(hours=2), AFTER + timedelta(days=1))
    assert set(db.session.scalars(select(ExamMember.staff_id).where(ExamMember.exam_id == again.id))) == {people["A5"].id}


def test_a_make_up_keeps_its_people_when_its_title_and_window_change(town):
    exam, people = town
    makeup = services.create_makeup(_settled(exam), "", AFTER + timedelta(hours=1), AFTER + timedelta(days=1))
    db.session.commit()
    services.edit_makeup(makeup, "城关镇补测", AFTER + timedelta(hours=2), AFTER + timedelta(days=2))
    db.session.commit()
    assert (makeup.title, makeup.mode, makeup.closes_at) == ("城关镇补测", "named", AFTER + timedelta(days=2))
    assert _count(ExamMember) == 3 and _audits("makeup.edit")
    with pytest.raises(services.MakeupError, match="原测试结束"):
        services.edit_makeup(makeup, "x", START, AFTER + timedelta(days=2))
    db.session.rollback()
    freeze(AFTER + timedelta(hours=3))
    f.sit(makeup, people["A2"], submit=False)
    with pytest.raises(services.MakeupError, match="结束时间只能推后"):
        services.edit_makeup(makeup, "x", AFTER + timedelta(hours=2), AFTER + timedelta(days=1))
    db.session.rollback()
    services.edit_makeup(makeup, "x", AFTER + timedelta(hours=2), AFTER + timedelta(days=2, hours=1))
    db.session.commit()
    freeze(AFTER + timedelta(days=3))
    with pytest.raises(services.MakeupError, match="已经结束"):
        services.edit_makeup(makeup, "x", AFTER + timedelta(days=4), AFTER + timedelta(days=5))
