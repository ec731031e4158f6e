"""Two towns' organisers (their liaisons) each create and run a tiered test of the campaign for
their own town in the browser — 一般干部 from the campaign's default plan, 乡科级 from rows of
their own — an examinee of each town takes his town's test, and each organiser sees his own
town's results only."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from examsite.models import CampaignPlan, Exam

from .. import factories
from ..factories import PASSWORD
from .actions import answer_first_and_submit, log_in

pytestmark = pytest.mark.browser

WAIT = 5_000  # milliseconds: every wait of this test is bounded
TOWNS = {"chengguan": ("城关镇", "CG1", "城关一", "一般干部"), "donggang": ("东岗镇", "DG1", "东岗一", "乡科级")}


@pytest.fixture
def context(browser):
    made = []

    def new():
        one = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        one.set_default_timeout(WAIT)
        made.append(one)
        return one
    yield new
    for one in made:
        one.close()


def create_tiered_test(page, live_server: str, username: str, town: str) -> None:
    """The organiser's clicks: 新建 for his town, the default plan for 一般干部, his own for 乡科级."""
    log_in(page, live_server, username, PASSWORD)
    page.get_by_role("link", name="测试", exact=True).click()
    page.get_by_role("link", name=f"为{town}新建测试").click()
    expect(page.locator("#campaign-note")).to_contain_text("2026年警示教育月")
    page.get_by_label("测试名称").fill(f"{town}警示教育月测试")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text(f"已保存测试“{town}警示教育月测试”")).to_be_visible()
    expect(page.locator("#organised-by")).to_contain_text(f"城南区/{town}组织")

    page.get_by_role("button", name="一般干部：采用默认方案").click()
    expect(page.get_by_text("已采用活动的默认试卷方案：一般干部")).to_be_visible()

    page.get_by_role("link", name="添加或修改层级的试卷方案").click()
    expect(page.locator("#drawable-banks")).to_contain_text("活动题库")
    page.get_by_label("干部层级").select_option(label="乡科级")
    page.get_by_label("答题时长（分钟）").fill("20")
    page.get_by_label("及格分").fill("2")
    page.get_by_label("第1行题型").select_option("judge")
    page.get_by_label("第1行题数").fill("3")
    page.get_by_label("第1行每题分值").fill("1")
    page.get_by_label("第2行题型").select_option("single")
    page.get_by_label("第2行题数").fill("1")
    page.get_by_label("第2行每题分值").fill("2")
    page.get_by_role("button", name="保存试卷方案").click()
    expect(page.get_by_text("已保存乡科级的试卷方案")).to_be_visible()
    expect(page.locator(".plan-card")).to_have_count(2)
    expect(page.locator(".plan-card", has_text="一般干部：共 6.0 分，20 分钟")).to_have_count(1)
    expect(page.locator(".plan-card", has_text="乡科级：共 5.0 分，20 分钟")).to_have_count(1)


def test_two_towns_organise_and_run_their_own_tests(db, live_server, context, artifacts_dir):
    shared = factories.bank("活动题库", singles=8, multiples=2, judges=8, fills=0)
    factories.bank("区纪委内部题库", singles=40, multiples=10, judges=40, fills=0)
    campaign = factories.campaign(unit_paths=("城南区/城关镇", "城南区/东岗镇", "城南区/西山镇"), banks=[shared])
    db.session.add(CampaignPlan(campaign_id=campaign.id, tier_id=factories.tier("一般干部").id, duration_minutes=20,
                                pass_mark=3, sections=[{"qtype": "single", "count": 2, "points": 2},
                                                       {"qtype": "judge", "count": 2, "points": 1}]))
    db.session.commit()
    for username, (town, staff_no, name, tier) in TOWNS.items():
        factories.user(username, "liaison", unit_path=f"城南区/{town}")
        factories.examinee(staff_no, name, f"城南区/{town}/党政办", tier)

    # each organiser creates and opens his town's tiered test, in his own browser
    desks = {}
    for username, (town, *_ignored) in TOWNS.items():
        desks[username] = context().new_page()
        create_tiered_test(desks[username], live_server, username, town)
    desks["chengguan"].screenshot(path=str(artifacts_dir / "unit-organiser-test.png"), full_page=True)
    db.session.rollback()
    exams = {exam.organiser_unit.name: exam for exam in db.session.scalars(select(Exam))}
    assert set(exams) == {"城关镇", "东岗镇"}
    allowed = [shared.id]
    for exam in exams.values():
        assert exam.campaign_id == campaign.id and {p.tier.name for p in exam.plans} == {"一般干部", "乡科级"}
        assert all(section["banks"] == allowed for plan in exam.plans for section in plan.sections)

    # one examinee of each town takes his town's test, and sees only that one
    for username, (town, staff_no, _name, _tier) in TOWNS.items():
        other = next(t for u, (t, *_rest) in TOWNS.items() if u != username)
        person = context().new_page()
        log_in(person, live_server, staff_no, PASSWORD)
        expect(person.locator("#exams-open")).to_contain_text(f"{town}警示教育月测试")
        expect(person.locator("#exams-open")).not_to_contain_text(other)
        person.get_by_role("link", name=f"{town}警示教育月测试").click()
        person.get_by_role("button", name="开始答题").click()
        answer_first_and_submit(person)

    # each organiser sees his own town's results only; the other town's test is not there for him
    for username, (town, staff_no, name, _tier) in TOWNS.items():
        other_town, other_no, other_name = next((t, n, p) for u, (t, n, p, _) in TOWNS.items() if u != username)
        desk = desks[username]
        desk.get_by_role("link", name="测试", exact=True).click()
        expect(desk.locator("#exams")).to_contain_text(f"{town}警示教育月测试")
        expect(desk.locator("#exams")).not_to_contain_text(other_town)
        desk.get_by_role("link", name=f"{town}警示教育月测试").click()
        desk.get_by_role("link", name="成绩").click()
        desk.get_by_role("link", name="人员名单").click()
        desk.get_by_role("link", name="全部人员").click()
        expect(desk.locator("#people tbody tr")).to_have_count(1)
        expect(desk.locator("#people")).to_contain_text(name)
        expect(desk.locator("#people")).not_to_contain_text(other_name)
        for url in (f"/exams/{exams[other_town].id}", f"/exams/{exams[other_town].id}/results/people?list=all"):
            assert desk.goto(f"{live_server}{url}").status == 404, url
