"""The forms an office uses, in a real browser: units ticked in a tree with 含下级 and the filter box
on the test form (41 units), and a trial draw confirmed to the same list."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from examsite.models import Draw, Exam

from .. import factories
from ..factories import PASSWORD
from .actions import log_in

pytestmark = pytest.mark.browser


def district():
    """城南区, 8 towns with 4 科室 each: 41 units."""
    for t in range(1, 9):
        for o in range(1, 5):
            factories.unit(f"城南区/第{t}镇/第{o}科")


def box(page, unit_id: int):
    return page.locator(f'input[name="units"][value="{unit_id}"]')


def test_tick_a_town_with_its_sub_units_on_the_test_form(db, live_server, page, artifacts_dir):
    district()
    factories.user("admin", "admin")
    db.session.commit()
    town = factories.unit("城南区/第3镇")
    offices = [factories.unit(f"城南区/第3镇/第{o}科") for o in range(1, 5)]
    neighbour = factories.unit("城南区/第4镇/第1科")

    log_in(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server}/exams/new")
    picker = page.locator("#units-picker")
    expect(picker.locator("input[type=checkbox]")).to_have_count(41)
    expect(picker.locator(".unit-picker-count")).to_have_text("未选（即全部）")

    # ticking the town ticks its 科室 (含下级), and nothing else
    picker.get_by_label("第3镇", exact=True).check()
    for office in offices:
        expect(box(page, office.id)).to_be_checked()
    expect(box(page, neighbour.id)).not_to_be_checked()
    expect(picker.locator(".unit-picker-count")).to_have_text("已选 5 个单位")

    # unticking one 科室 unticks the town above it (which would include it); ticking the town again
    box(page, offices[1].id).uncheck()
    expect(box(page, town.id)).not_to_be_checked()
    expect(box(page, offices[0].id)).to_be_checked()
    box(page, town.id).check()
    expect(box(page, offices[1].id)).to_be_checked()

    # the filter narrows the long list; Enter there does not submit the form
    page.get_by_label("按名称筛选单位").fill("第4镇")
    page.get_by_label("按名称筛选单位").press("Enter")
    expect(page).to_have_url(f"{live_server}/exams/new")
    expect(box(page, neighbour.id)).to_be_visible()
    expect(box(page, town.id)).to_be_hidden()
    expect(picker.get_by_label("城南区", exact=True)).to_be_visible()  # the unit above, for its place
    page.get_by_label("按名称筛选单位").fill("没有这个")
    expect(picker.locator(".unit-picker-nothing")).to_be_visible()
    page.get_by_label("按名称筛选单位").fill("")
    expect(box(page, town.id)).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "unit-picker-test-form.png"), full_page=True)

    page.get_by_label("测试名称").fill("第三镇纪法知识测试")
    page.get_by_label("开始时间").fill("2026-06-10T09:00")
    page.get_by_label("结束时间").fill("2026-06-10T17:00")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存测试“第三镇纪法知识测试”")).to_be_visible()
    db.session.rollback()  # see what the server committed
    exam = db.session.scalar(select(Exam))
    assert sorted(link.unit_id for link in exam.units) == sorted([town.id] + [o.id for o in offices])

    # the edit page shows them ticked; 全不选 then 全选 act on every unit
    page.goto(f"{live_server}/exams/{exam.id}/edit")
    expect(page.locator("#units-picker .unit-picker-count")).to_have_text("已选 5 个单位")
    page.locator("#units-picker").get_by_role("button", name="全不选").click()
    expect(page.locator("#units-picker input:checked")).to_have_count(0)
    page.locator("#units-picker").get_by_role("button", name="全选").click()
    expect(page.locator("#units-picker input:checked")).to_have_count(41)


def test_a_trial_draw_then_confirm_gives_the_same_list(db, live_server, page, artifacts_dir):
    district()
    for n in range(1, 61):
        factories.staff(f"{n:04d}", f"人员{n}", f"城南区/第{n % 3 + 1}镇/第{n % 4 + 1}科", "乡科级")
    factories.user("admin", "admin")
    db.session.commit()

    log_in(page, live_server, "admin", PASSWORD)
    page.get_by_role("link", name="抽测").click()
    page.get_by_role("link", name="新的抽取").click()
    picker = page.locator("#units-picker")
    toggle = picker.get_by_label("含下级单位（勾选一个单位时连同它的下级单位）")
    expect(toggle).to_be_checked()
    toggle.uncheck()  # without 含下级 a town is ticked alone; turning it back on ticks its 科室
    picker.get_by_label("第1镇", exact=True).check()
    expect(picker.locator(".unit-picker-count")).to_have_text("已选 1 个单位")
    toggle.check()
    expect(picker.locator(".unit-picker-count")).to_have_text("已选 5 个单位")
    picker.get_by_label("第1镇", exact=True).check()
    picker.get_by_label("第2镇", exact=True).check()
    expect(picker.locator(".unit-picker-count")).to_have_text("已选 10 个单位")
    page.locator("#tiers-picker").get_by_role("button", name="全选").click()
    page.get_by_label("人数或比例（比例如 0.1 表示 10%）").fill("6")
    page.get_by_label("总人数按各单位人数比例分配（分层抽样）").check()
    page.get_by_role("button", name="试抽（不保存）", exact=True).click()

    trial = page.locator("#trial")
    expect(trial).to_contain_text("试抽结果（尚未保存）")
    expect(trial.locator("#trial-conditions")).to_contain_text(
        "城南区/第1镇、城南区/第2镇（含下级单位）中县处级或乡科级或一般干部的人员；按各单位人数比例分层抽取 6 人")
    expect(trial.locator("#trial-population")).to_have_text("40")
    expect(trial.locator("#trial-shares tbody tr")).to_have_count(2)
    rows = trial.locator("#trial-members tbody tr")
    expect(rows).to_have_count(6)
    shown = [rows.nth(i).locator("td").nth(3).inner_text() for i in range(6)]
    seed = trial.locator("#trial-seed").inner_text()
    db.session.rollback()
    assert db.session.scalar(select(Draw)) is None  # nothing saved by the trial
    page.screenshot(path=str(artifacts_dir / "trial-draw.png"), full_page=True)

    page.get_by_role("button", name="确认保存").click()
    expect(page.get_by_text(f"已抽取 6 人。种子：{seed}")).to_be_visible()
    expect(page.locator("#draw-conditions")).to_contain_text("城南区/第1镇、城南区/第2镇（含下级单位）")
    members = page.locator("#members tbody tr")
    expect(members).to_have_count(6)
    assert [members.nth(i).locator("td").nth(1).inner_text() for i in range(6)] == shown
    db.session.rollback()
    made = db.session.scalar(select(Draw))
    assert made.seed == seed and [m.staff.staff_no for m in made.members] == shown
    assert made.parameters["unit_paths"] == ["城南区/第1镇", "城南区/第2镇"]
