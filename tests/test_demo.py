import re

from sqlalchemy import func, select

from examsite.models import Staff, Tier, Unit, User


def test_demo_loads_a_district_and_is_idempotent(db, runner, auth, client):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    sizes = [db.session.scalar(select(func.count(m.id))) for m in (Unit, Staff, User)]
    assert sizes[1] == 300 and sizes[2] == 303 and sizes[0] >= 20  # everyone on the roster has an account
    per_tier = dict(db.session.execute(
        select(Tier.name, func.count(Staff.id)).join(Staff.tier).group_by(Tier.name)).all())
    assert set(per_tier) == {"县处级", "乡科级", "一般干部"}

    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert [db.session.scalar(select(func.count(m.id))) for m in (Unit, Staff, User)] == sizes

    passwords = dict(re.findall(r"用户名 (\S+)  密码 (\S+)", second.output))
    assert set(passwords) == {"admin", "liaison", "liaison2", "CN0001"}
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
    assert db.session.scalar(select(func.count(Exam.id)).where(Exam.campaign_id.is_(None))) == 2  # once each
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
    assert db.session.scalar(select(func.count(Attempt.id)).where(Attempt.exam_id == finished.id)) == summary.started


def test_demo_has_a_campaign_under_way(db, runner, auth, client):
    """Two towns' self-tests, a make-up with one exemption, a report on time and one late, a
    town that never tested, and the district's spot test beside them."""
    from examsite.campaigns.services import overview
    from examsite.models import Campaign, CampaignReport, Exam, Exemption

    output = runner.invoke(args=["demo"]).output
    campaign = db.session.scalar(select(Campaign))
    lines = {line.name: line for line in overview(campaign).lines}
    assert (lines["城关镇"].report, lines["东岗镇"].report, lines["西湖街道"].report) == ("on_time", "late", "missing")
    assert "未组织自测" in lines["西湖街道"].flags and lines["城关镇"].own.exempt == 1
    assert any("自测平均分比抽测高" in flag for flag in lines["东岗镇"].flags)
    tests = db.session.scalars(select(Exam).where(Exam.campaign_id == campaign.id)).all()
    assert sorted(e.mode for e in tests) == ["all", "all", "named", "sample"]
    assert db.session.scalar(select(func.count(Exemption.staff_id))) == 1
    assert db.session.scalar(select(CampaignReport.scan_filename).where(CampaignReport.unit_id == lines["城关镇"].unit_id))
    runner.invoke(args=["demo"])  # nothing twice
    assert db.session.scalar(select(func.count(Campaign.id))) == 1
    passwords = dict(re.findall(r"用户名 (\S+)  密码 (\S+)", runner.invoke(args=["demo"]).output))
    auth.login("admin", passwords["admin"])
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert all(name in page for name in ("城关镇", "东岗镇", "西湖街道", "逾期报送"))
    auth.post("/logout")
    auth.login("liaison2", passwords["liaison2"])
    assert client.get(f"/campaigns/{campaign.id}/units/{lines['城关镇'].unit_id}").status_code == 404
    assert client.get(f"/campaigns/{campaign.id}/units/{lines['东岗镇'].unit_id}").status_code == 200
    assert "已建立演示活动" in output
