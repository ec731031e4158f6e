"""Creating and changing a campaign and its default plans: the rules, the form, the audit."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from examsite.campaigns import services
from examsite.campaigns.services import CampaignError, CampaignFields
from examsite.clock import now, to_local
from examsite.exams.drawing import Section
from examsite.extensions import db
from examsite.models import AuditLog, Bank, Campaign, CampaignPlan
from tests import factories as f


def _fields(**changes) -> CampaignFields:
    start = now().replace(microsecond=0)
    values = dict(title="2026年警示教育月", description="", starts_at=start, ends_at=start + timedelta(days=30),
                  report_due=start + timedelta(days=35))
    values.update(changes)
    return CampaignFields(**values)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("changes, message", [
    ({"title": "  "}, "请填写活动名称"),
    ({"band_good": 95}, "合格 ≤ 良好 ≤ 优秀"),
    ({"band_pass": 85, "band_good": 80}, "合格 ≤ 良好 ≤ 优秀"),
    ({"band_excellent": 120}, "0 到 100"),
    ({"band_pass": -1}, "0 到 100"),
    ({"makeup_rule": "worst"}, "补测成绩的计算办法"),
    ({"flag_pass_rate": 101}, "合格率提示线"),
    ({"flag_participation": -5}, "参考率提示线"),
    ({"ends_at": now().replace(microsecond=0)}, "结束时间必须晚于开始时间"),
    ({"report_due": now().replace(microsecond=0) - timedelta(days=1)}, "报送截止时间必须晚于活动开始时间"),
])
def test_bad_settings_are_refused_with_a_chinese_message(db, changes, message):
    town = f.unit("城南区/城关镇")
    with pytest.raises(CampaignError, match=message):
        services.save_campaign(None, _fields(**changes), [town.id], [])
    db.session.rollback()
    assert _count(Campaign) == 0


def test_units_are_required_and_must_exist(db):
    with pytest.raises(CampaignError, match="至少选择一个参加单位"):
        services.save_campaign(None, _fields(), [], [])
    with pytest.raises(CampaignError, match="所选单位不存在"):
        services.save_campaign(None, _fields(), [987654], [])


def test_only_district_banks_and_the_audit_line(db):
    town = f.unit("城南区/城关镇")
    district = f.bank("区纪委题库")
    own = f.bank("城关镇自己的题库")
    own.owner_unit_id = town.id
    with pytest.raises(CampaignError, match="城关镇自己的题库"):
        services.save_campaign(None, _fields(), [town.id], [district.id, own.id])
    campaign = services.save_campaign(None, _fields(), [town.id], [district.id])
    db.session.commit()
    assert [link.bank_id for link in campaign.banks] == [district.id]
    line = db.session.scalar(select(AuditLog).where(AuditLog.action == "campaign.create"))
    assert "2026年警示教育月" in line.summary and "1 个参加单位" in line.summary


def test_an_edit_keeps_the_units_that_hold_tests_and_their_windows(db):
    campaign = f.campaign()
    f.unit_test(campaign, "城南区/城关镇")
    db.session.commit()
    keep = [f.unit("城南区/城关镇").id]
    fields = _fields(starts_at=campaign.starts_at, ends_at=campaign.ends_at, report_due=campaign.report_due)
    with pytest.raises(CampaignError, match="城关镇已经组织了本活动的测试或报送了成绩"):
        services.save_campaign(campaign, fields, [f.unit("城南区/东岗镇").id], [])
    db.session.rollback()
    with pytest.raises(CampaignError, match="活动期间必须包括"):
        services.save_campaign(campaign, _fields(starts_at=now() + timedelta(hours=1), ends_at=campaign.ends_at,
                                                  report_due=campaign.report_due), keep, [])
    db.session.rollback()
    services.save_campaign(campaign, fields, keep, [])
    db.session.commit()
    assert [link.unit_id for link in db.session.get(Campaign, campaign.id).units] == keep
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "campaign.edit")) == "campaign.edit"


def test_a_default_plan_must_be_filled_from_the_campaigns_banks(db):
    inside = f.bank("活动题库", singles=3, multiples=0, judges=0, fills=0)
    f.bank("别的题库", singles=10, multiples=0, judges=0, fills=0)
    bare = f.campaign()
    tier = f.tier("一般干部")
    with pytest.raises(CampaignError, match="还没有指定题库"):
        services.save_plan(bare, tier, [Section("single", 2, 2)], 30, 2, "all_or_nothing")
    campaign = f.campaign("另一个活动", banks=[inside])
    # the other bank's ten singles do not count: the campaign draws from its own bank only
    with pytest.raises(CampaignError, match="单选题：需要 5 题，.*只有 3 题"):
        services.save_plan(campaign, tier, [Section("single", 5, 2)], 30, 6, "all_or_nothing")
    with pytest.raises(CampaignError, match="及格分必须在 0 到试卷总分 6 之间"):
        services.save_plan(campaign, tier, [Section("single", 3, 2)], 30, 7, "all_or_nothing")
    with pytest.raises(CampaignError, match="答题时长"):
        services.save_plan(campaign, tier, [Section("single", 3, 2)], 0, 6, "all_or_nothing")
    other = db.session.scalar(select(Bank).where(Bank.name == "别的题库"))
    with pytest.raises(CampaignError, match="不是本活动指定的题库"):
        services.save_plan(campaign, tier, [Section("single", 3, 2, banks=(other.id,))], 30, 6, "all_or_nothing")
    assert _count(CampaignPlan) == 0
    plan = services.save_plan(campaign, tier, [Section("single", 3, 2)], 30, 4, "partial")
    db.session.commit()
    assert plan.sections == [{"qtype": "single", "count": 3, "points": 2.0, "regulation": None, "difficulty": None}]
    assert db.session.scalar(select(AuditLog.summary).where(AuditLog.action == "campaign.plan")).startswith(
        "设置活动“另一个活动”一般干部的默认试卷方案")
    # the banks cannot then change below what the plan needs
    small = f.bank("小题库", singles=1, multiples=0, judges=0, fills=0)
    with pytest.raises(CampaignError, match="一般干部：活动指定的题库中题目不够"):
        services.save_campaign(campaign, _fields(starts_at=campaign.starts_at, ends_at=campaign.ends_at,
                                                  report_due=campaign.report_due, title=campaign.title),
                               [link.unit_id for link in campaign.units], [small.id])
    db.session.rollback()
    services.save_plan(campaign, tier, [Section("single", 3, 2, banks=(inside.id,))], 30, 4, "partial")
    with pytest.raises(CampaignError, match="一般干部的默认试卷方案：第 1 行：所选题库不是本活动指定的题库"):
        services.save_campaign(campaign, _fields(starts_at=campaign.starts_at, ends_at=campaign.ends_at,
                                                  report_due=campaign.report_due, title=campaign.title),
                               [link.unit_id for link in campaign.units], [other.id])


def _form(campaign_units, banks=(), **changes):
    start = to_local(now()).replace(tzinfo=None)
    data = {"title": "2026年警示教育月", "description": "", "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{start + timedelta(days=30):%Y-%m-%dT%H:%M}",
            "report_due": f"{start + timedelta(days=35):%Y-%m-%dT%H:%M}", "units": [str(u) for u in campaign_units],
            "banks": [str(b) for b in banks], "band_excellent": "90", "band_good": "80", "band_pass": "60",
            "makeup_rule": "replace_capped", "flag_pass_rate": "90", "flag_gap": "15",
            "flag_participation": "90"}
    data.update(changes)
    return data


def test_the_form_creates_a_campaign_in_china_time_and_refuses_bad_bands(db, auth):
    f.user("admin")
    town = f.unit("城南区/城关镇")
    bank = f.bank("区纪委题库")
    db.session.commit()
    auth.login("admin", f.PASSWORD)
    refused = auth.post("/campaigns/new", _form([town.id], band_good="95"))
    assert refused.status_code == 200 and "合格 ≤ 良好 ≤ 优秀" in refused.get_data(as_text=True)
    assert _count(Campaign) == 0
    unknown = auth.post("/campaigns/new", _form([town.id, 99999]))
    assert "没有这个单位" in unknown.get_data(as_text=True) and _count(Campaign) == 0
    response = auth.post("/campaigns/new", _form([town.id], [bank.id], title="警示教育月"))
    assert response.status_code == 302
    campaign = db.session.scalar(select(Campaign))
    assert response.headers["Location"].endswith(f"/campaigns/{campaign.id}")
    typed = _form([town.id])["starts_at"]
    assert f"{to_local(campaign.starts_at):%Y-%m-%dT%H:%M}" == typed  # stored in UTC, typed in China time
    assert campaign.starts_at == (to_local(now()).replace(tzinfo=None, second=0, microsecond=0) - timedelta(hours=8))
    page = auth.client.get(f"/campaigns/{campaign.id}/edit").get_data(as_text=True)
    assert f'value="{typed}"' in page and "区纪委题库" in page


def test_a_liaison_cannot_create_or_edit(db, auth):
    campaign = f.campaign()
    f.user("liaison", role="liaison", unit_path="城南区/城关镇")
    auth.login("liaison", f.PASSWORD)
    assert auth.client.get("/campaigns/new").status_code == 403
    assert auth.client.get(f"/campaigns/{campaign.id}/edit").status_code == 403
    assert auth.client.get(f"/campaigns/{campaign.id}/plan").status_code == 403
    assert auth.post(f"/campaigns/{campaign.id}/edit", _form([f.unit("城南区/城关镇").id])).status_code == 403


def test_the_plan_form_saves_a_default_plan_and_refuses_a_short_one(db, auth):
    f.user("admin")
    bank = f.bank("活动题库", singles=4, multiples=2, judges=2, fills=0)
    f.bank("别的题库", singles=40)
    campaign = f.campaign(banks=[bank])
    db.session.commit()
    auth.login("admin", f.PASSWORD)
    tier = f.tier("乡科级")
    page = auth.client.get(f"/campaigns/{campaign.id}/plan?tier={tier.id}").get_data(as_text=True)
    assert "活动题库" in page and "别的题库" not in page
    rows = {"tier_id": tier.id, "duration_minutes": 40, "pass_mark": 8, "multiple_scoring": "partial",
            "sections-0-qtype": "single", "sections-0-count": 10, "sections-0-points": 1}
    short = auth.post(f"/campaigns/{campaign.id}/plan", rows, follow_redirects=True).get_data(as_text=True)
    assert "乡科级：活动指定的题库中题目不够：单选题：需要 10 题" in short and _count(CampaignPlan) == 0
    rows.update({"sections-0-count": 4, "sections-0-points": 2, "sections-1-qtype": "multiple",
                 "sections-1-count": 2, "sections-1-points": 3, "sections-1-bank": str(bank.id)})
    done = auth.post(f"/campaigns/{campaign.id}/plan", rows, follow_redirects=True).get_data(as_text=True)
    assert "已保存乡科级的默认试卷方案" in done
    assert "乡科级</strong>：共 6 题 14 分，时长 40 分钟，及格 8 分" in done
    plan = db.session.scalar(select(CampaignPlan))
    assert (plan.multiple_scoring, len(plan.sections), plan.sections[1].get("banks")) == ("partial", 2, [bank.id])
    again = auth.client.get(f"/campaigns/{campaign.id}/plan?tier={tier.id}").get_data(as_text=True)
    assert 'value="40"' in again
    removed = auth.post(f"/campaigns/{campaign.id}/plan/{plan.id}/delete", follow_redirects=True)
    assert "已删除这个默认试卷方案" in removed.get_data(as_text=True) and _count(CampaignPlan) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "campaign.plan")) == 2


def test_units_taking_part_may_not_lie_in_each_other(db):
    town, office = f.unit("城南区/城关镇"), f.unit("城南区/城关镇/党政办")
    with pytest.raises(CampaignError, match="“党政办”是“城关镇”的下级单位"):
        services.save_campaign(None, _fields(), [town.id, office.id], [])
    assert services.save_campaign(None, _fields(), [office.id, f.unit("城南区/东岗镇").id], []).id
