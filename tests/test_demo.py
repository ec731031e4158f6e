import re

from sqlalchemy import func, select

from examsite.models import Staff, Tier, Unit, User


def test_demo_loads_a_district_and_is_idempotent(db, runner, auth, client):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    sizes = [db.session.scalar(select(func.count(m.id))) for m in (Unit, Staff, User)]
    assert sizes[1] == 300 and sizes[2] == 302 and sizes[0] >= 20  # everyone on the roster has an account
    per_tier = dict(db.session.execute(
        select(Tier.name, func.count(Staff.id)).join(Staff.tier).group_by(Tier.name)).all())
    assert set(per_tier) == {"县处级", "乡科级", "一般干部"}

    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert [db.session.scalar(select(func.count(m.id))) for m in (Unit, Staff, User)] == sizes

    passwords = dict(re.findall(r"用户名 (\S+)  密码 (\S+)", second.output))
    assert set(passwords) == {"admin", "liaison", "CN0001"}
    for username, password in passwords.items():
        response = auth.login(username, password)
        assert response.status_code == 302, username
        auth.post("/logout")
    examinee = db.session.scalar(select(User).where(User.username == "CN0001"))
    assert examinee.staff.staff_no == "CN0001"


def test_demo_if_empty_leaves_a_used_database_alone(db, runner):
    runner.invoke(args=["user", "create-admin", "chief", "--password", "long-enough-1"])
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0 and "未载入演示数据" in result.output
    assert db.session.scalar(select(func.count(Staff.id))) == 0


def test_demo_loads_the_sample_banks_once(db, runner):
    from examsite.models import Bank, Question

    runner.invoke(args=["demo"])
    per_type = dict(db.session.execute(
        select(Question.qtype, func.count(Question.id)).group_by(Question.qtype)).all())
    assert sum(per_type.values()) >= 300 and set(per_type) == {"single", "multiple", "judge", "fill"}
    banks = db.session.scalar(select(func.count(Bank.id)))
    assert banks == 5
    runner.invoke(args=["demo"])
    assert db.session.scalar(select(func.count(Question.id))) == sum(per_type.values())


def test_demo_has_a_test_the_demo_examinee_can_take(db, runner, auth, client):
    from examsite.models import Exam

    output = runner.invoke(args=["demo"]).output
    assert "已建立演示测试" in output
    runner.invoke(args=["demo"])
    assert db.session.scalar(select(func.count(Exam.id))) == 2  # the open test and last month's, once each
    password = dict(re.findall(r"用户名 (\S+)  密码 (\S+)", runner.invoke(args=["demo"]).output))["CN0001"]
    auth.login("CN0001", password)
    home = client.get("/my/").get_data(as_text=True)
    assert "演示：纪法知识测试" in home and "可以参加" in home


def test_demo_has_a_finished_test_with_results_and_a_public_notice(db, runner, app):
    from examsite.models import Attempt, Exam, Notice
    from examsite.results.services import results

    runner.invoke(args=["demo"])
    finished = db.session.scalar(select(Exam).where(Exam.title.contains("已结束")))
    summary = results(finished).overall()
    assert summary.assigned == 300 and 240 < summary.submitted < 300
    assert 0 < summary.passed < summary.submitted  # some pass, some fail
    notice = db.session.scalar(select(Notice).where(Notice.exam_id == finished.id))
    page = app.test_client().get(f"/notices/{notice.slug}").get_data(as_text=True)
    assert finished.title in page and "城关镇" in page

    runner.invoke(args=["demo"])  # a second run adds no second test, attempt or notice
    assert db.session.scalar(select(func.count(Notice.id))) == 1
    assert db.session.scalar(select(func.count(Attempt.id))) == summary.started
