"""The district admin launches a campaign in a real browser: the form (units ticked without their
sub-units, a district bank, bands), a default plan for one tier, and the district page."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from examsite.clock import now, to_local
from examsite.models import Campaign, CampaignPlan

from .. import factories
from ..factories import PASSWORD
from .actions import log_in

pytestmark = pytest.mark.browser


def test_the_admin_creates_a_campaign_with_a_default_plan_and_sees_its_page(db, live_server, page, artifacts_dir):
    for town in ("城关镇", "东岗镇", "西山镇"):
        factories.unit(f"城南区/{town}/党政办")
    factories.bank("区纪委题库", singles=6, multiples=4, judges=4, fills=2)
    own = factories.bank("城关镇自己的题库")
    own.owner_unit_id = factories.unit("城南区/城关镇").id
    factories.user("admin", "admin")
    db.session.commit()

    log_in(page, live_server, "admin", PASSWORD)
    page.get_by_role("link", name="活动").first.click()
    page.get_by_role("link", name="新建活动").click()
    page.get_by_label("活动名称").fill("2026年警示教育月")
    start = to_local(now()).replace(tzinfo=None) + timedelta(days=1)  # a campaign to come: nothing is late yet
    page.get_by_label("开始时间").fill(f"{start:%Y-%m-%d}T08:00")
    page.get_by_label("结束时间").fill(f"{start + timedelta(days=29):%Y-%m-%d}T18:00")
    page.get_by_label("报送截止时间（各单位在此之前向区纪委报送成绩汇总表）").fill(
        f"{start + timedelta(days=34):%Y-%m-%d}T18:00")
    picker = page.locator("#units-picker")
    # ticking a town ticks it alone: a campaign's units are the towns, not their offices
    picker.get_by_label("城关镇", exact=True).check()
    expect(picker.locator(".unit-picker-count")).to_have_text("已选 1 个单位")
    picker.get_by_label("东岗镇", exact=True).check()
    picker.get_by_label("西山镇", exact=True).check()
    banks = page.locator("#banks-picker")
    expect(banks.get_by_label("城关镇自己的题库")).to_have_count(0)  # a unit's own bank is not offered
    banks.get_by_label("区纪委题库").check()
    page.get_by_label("优秀线（百分制）").fill("85")
    page.get_by_label("取两次中较高的成绩").check()
    page.screenshot(path=str(artifacts_dir / "campaign-form.png"), full_page=True)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存活动“2026年警示教育月”")).to_be_visible()
    expect(page.get_by_role("heading", name="2026年警示教育月")).to_be_visible()

    page.get_by_role("link", name="新增默认试卷方案").click()  # the settings stay open while there is no plan
    expect(page.locator("#drawable-banks")).to_contain_text("区纪委题库")
    page.get_by_label("干部层级").select_option(label="乡科级")
    page.get_by_label("答题时长（分钟）").fill("40")
    page.get_by_label("及格分").fill("12")
    page.get_by_label("第1行题型").select_option(label="单选题")
    page.get_by_label("第1行题数").fill("10")  # the bank holds 6
    page.get_by_label("第1行每题分值").fill("2")
    page.get_by_role("button", name="保存默认试卷方案").click()
    expect(page.get_by_text("单选题：需要 10 题")).to_be_visible()
    page.get_by_label("第1行题数").fill("5")
    page.get_by_label("第2行题型").select_option(label="判断题")
    page.get_by_label("第2行题数").fill("4")
    page.get_by_label("第2行每题分值").fill("1")
    page.get_by_role("button", name="保存默认试卷方案").click()
    expect(page.get_by_text("已保存乡科级的默认试卷方案")).to_be_visible()

    page.locator("#settings summary").click()
    expect(page.locator(".default-plan[data-tier='乡科级']")).to_contain_text("共 9 题 14 分，时长 40 分钟，及格 12 分")
    expect(page.locator("#settings")).to_contain_text("优秀 ≥ 85")
    expect(page.locator("#settings")).to_contain_text("取两次中较高的成绩")
    lines = page.locator("#league tr.unit-line")
    expect(lines).to_have_count(3)
    expect(lines.first.locator(".held")).to_have_text("尚未组织")
    expect(page.locator("#league")).to_contain_text("尚未报送")
    expect(page.locator("#league .flag")).to_have_count(0)  # before the deadline nothing is flagged
    page.screenshot(path=str(artifacts_dir / "campaign-district-page.png"), full_page=True)

    db.session.rollback()  # see what the server committed
    campaign = db.session.scalar(select(Campaign))
    assert sorted(link.unit.name for link in campaign.units) == ["东岗镇", "城关镇", "西山镇"]
    assert [link.bank.name for link in campaign.banks] == ["区纪委题库"]
    assert (float(campaign.band_excellent), campaign.makeup_rule) == (85, "best")
    assert f"{to_local(campaign.starts_at):%Y-%m-%d %H:%M}" == f"{start:%Y-%m-%d} 08:00"  # typed in China time
    plan = db.session.scalar(select(CampaignPlan))
    assert (plan.tier.name, plan.duration_minutes, float(plan.pass_mark), len(plan.sections)) == ("乡科级", 40, 12, 2)
