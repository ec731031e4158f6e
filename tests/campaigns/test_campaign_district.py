"""The district's page of a campaign, its Excel export and the unit pages, against figures
worked out by hand; who sees which unit's figures.

Every paper is the small bank's whole: 2 single × 2, 1 multiple × 3, 2 judge × 1, 1 fill × 2 =
11 points, pass mark 6. All right 11 (100 → 优秀); single, multiple and judge right 9 (81.82 →
良好); single and multiple right 7 (63.64 → 合格); single right 4 (36.36 → 不合格).

城关镇 tests A1 (一般干部, 100), A2 (一般干部, 36.36) and A3 (乡科级, 63.64) and reports on time;
东岗镇 tests B1 (81.82) and B2 (100) and reports late; 西山镇 never tests. The district's spot
test of 城关镇's 一般干部: A1 36.36, A2 absent.
"""
import io
import re
from datetime import timedelta
from html import unescape

import pytest
from openpyxl import load_workbook

from examsite.clock import freeze, now
from examsite.models import CampaignReport, ExamUnit
from tests import factories as f

ALL = f.ALL_TYPES
NINE = ("single", "multiple", "judge")
SEVEN = ("single", "multiple")
FOUR = ("single",)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def row_of(html: str, pattern: str) -> str:
    """The text of the first table row whose opening tag matches ``pattern``."""
    match = re.search(r"<tr[^>]*" + pattern + r"[^>]*>(.*?)</tr>", html, re.S)
    assert match, pattern
    return text_of(match.group(1))


@pytest.fixture
def district(db):
    start = now().replace(microsecond=0)
    freeze(start)
    f.bank(singles=2, multiples=1, judges=2, fills=1)
    campaign = f.campaign(due=start + timedelta(days=2))
    town = f.unit_test(campaign, "城南区/城关镇", tiers=("一般干部", "乡科级"))
    east = f.unit_test(campaign, "城南区/东岗镇")
    spot = f.exam("区纪委抽测", tiers=("一般干部",))
    spot.campaign_id = campaign.id
    db.session.add(ExamUnit(exam_id=spot.id, unit_id=f.unit("城南区/城关镇").id))
    people = {no: f.staff(no, no, path, tier) for no, path, tier in (
        ("A1", "城南区/城关镇/党政办", "一般干部"), ("A2", "城南区/城关镇", "一般干部"),
        ("A3", "城南区/城关镇/党政办", "乡科级"), ("B1", "城南区/东岗镇/党政办", "一般干部"),
        ("B2", "城南区/东岗镇", "一般干部"), ("C1", "城南区/西山镇", "一般干部"))}
    f.user("admin")
    f.user("liaison", role="liaison", unit_path="城南区/城关镇")
    db.session.commit()
    f.sit(town, people["A1"], right=ALL)
    f.sit(town, people["A2"], right=FOUR)
    f.sit(town, people["A3"], right=SEVEN)
    f.sit(east, people["B1"], right=NINE)
    f.sit(east, people["B2"], right=ALL)
    f.sit(spot, people["A1"], right=FOUR)
    units = {name: f.unit(f"城南区/{name}").id for name in ("城关镇", "东岗镇", "西山镇")}
    db.session.add(CampaignReport(campaign_id=campaign.id, unit_id=units["城关镇"], snapshot={},
                                  submitted_at=start + timedelta(days=1)))
    db.session.add(CampaignReport(campaign_id=campaign.id, unit_id=units["东岗镇"], snapshot={},
                                  submitted_at=start + timedelta(days=3)))
    db.session.commit()
    freeze(start + timedelta(days=4))
    yield {"campaign": campaign, "town": town, "east": east, "spot": spot, "units": units}
    freeze(None)


def _login(auth, username):
    assert auth.login(username, f.PASSWORD).status_code == 302


def test_the_district_page_shows_each_unit_as_worked_out_by_hand(district, auth):
    _login(auth, "admin")
    campaign, units = district["campaign"], district["units"]
    html = auth.client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    league = re.search(r'<table[^>]*id="league".*?</table>', html, re.S).group(0)
    order = re.findall(r'data-unit="([^"]+)"', league)
    assert order == ["东岗镇", "城关镇", "西山镇"]
    # 名次 单位 自测 报送 应参加 参考率 合格率 优秀率 平均分 优秀 良好 合格 不合格 提示
    assert row_of(league, f'id="unit-{units["东岗镇"]}"') == \
        "1 东岗镇 第1场 逾期报送 2 100.0% 100.0% 50.0% 90.91 1 1 0 0 逾期报送"
    assert row_of(league, f'id="unit-{units["城关镇"]}"') == (
        "2 城关镇 第1场 按时报送 3 100.0% 66.7% 33.3% 66.67 1 0 1 1 "
        "合格率低于 90%，应重新组织测试 一般干部自测平均分比抽测高 31.82 分")
    assert row_of(league, f'id="unit-{units["西山镇"]}"') == \
        "— 西山镇 未组织 逾期未报送 0 — — — — 0 0 0 0 未组织自测 逾期未报送"
    assert 'class="unit-line table-warning"' in league  # flagged lines are highlighted
    assert f'href="/exams/{district["town"].id}"' in league
    assert f'href="/campaigns/{campaign.id}/units/{units["城关镇"]}"' in league
    assert f'href="/campaigns/{campaign.id}/units/{units["城关镇"]}/report"' in league
    # per tier: 城关镇's 一般干部 are A1 and A2 (100, 36.36), its 乡科级 A3 alone
    general = re.search(r'<table[^>]*data-tier="一般干部".*?</table>', html, re.S).group(0)
    assert row_of(general, 'data-unit="城关镇"') == "城关镇 2 100.0% 50.0% 50.0% 68.18 1 0 0 1"
    assert row_of(general, 'data-unit="东岗镇"') == "东岗镇 2 100.0% 100.0% 50.0% 90.91 1 1 0 0"
    senior = re.search(r'<table[^>]*data-tier="乡科级".*?</table>', html, re.S).group(0)
    assert row_of(senior, 'data-unit="城关镇"') == "城关镇 1 100.0% 100.0% 0.0% 63.64 0 0 1 0"
    assert "东岗镇" not in senior
    # the spot test beside the self-test: 68.18 against A1's 36.36 (A2 absent), a gap of 31.82
    assert f'href="/exams/{district["spot"].id}">区纪委抽测</a>' in html
    gaps = re.search(r'<table[^>]*id="gaps".*?</table>', html, re.S).group(0)
    assert row_of(gaps, 'class="gap-line table-danger"') == "城关镇 一般干部 68.18 1 36.36 31.82 差距过大"
    assert len(re.findall(r'class="gap-line', gaps)) == 1


def test_a_small_gap_is_not_flagged(district, auth, db):
    campaign = district["campaign"]
    campaign.flag_gap = 40
    db.session.commit()
    _login(auth, "admin")
    html = auth.client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert 'class="gap-line"' in html and "差距过大" not in html and "比抽测高 31.82 分" not in html


def test_the_export_reads_back(district, auth):
    _login(auth, "admin")
    campaign = district["campaign"]
    response = auth.client.get(f"/campaigns/{campaign.id}/export.xlsx")
    assert response.status_code == 200 and "%E6%B4%BB%E5%8A%A8%E6%B1%87%E6%80%BB" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["单位排名", "分层级", "自测与抽测", "提示"]
    league = [row for row in book["单位排名"].iter_rows(min_row=2, values_only=True)]
    assert league[0][:13] == ("名次", "单位", "自测场次", "报送", "应参加", "免测", "参考", "参考率", "合格", "合格率",
                              "优秀", "优秀率", "平均分（百分制）")
    east, town, west = league[1], league[2], league[3]
    assert east[:13] == (1, "东岗镇", 1, "逾期报送", 2, 0, 2, 1, 2, 1, 1, 0.5, 90.91)
    assert town[:12] == (2, "城关镇", 1, "按时报送", 3, 0, 3, 1, 2, pytest.approx(2 / 3), 1, pytest.approx(1 / 3))
    assert town[12] == pytest.approx(66.67) and town[13:17] == (1, 0, 1, 1)
    assert west[:4] == (None, "西山镇", 0, "逾期未报送") and west[6] == 0 and west[7] is None
    assert book["单位排名"]["A1"].value.startswith(campaign.title) and book["单位排名"].freeze_panes == "A3"
    tiers = {(row[0], row[1]): row for row in book["分层级"].iter_rows(min_row=3, values_only=True)}
    assert set(tiers) == {("东岗镇", "一般干部"), ("城关镇", "一般干部"), ("城关镇", "乡科级")}
    assert tiers[("城关镇", "一般干部")][2:11] == (2, 0, 2, 1, 1, 0.5, 1, 0.5, 68.18)
    gaps = list(book["自测与抽测"].iter_rows(min_row=3, values_only=True))
    assert gaps == [("城关镇", "一般干部", 68.18, 1, 36.36, 31.82, "是")]
    flags = list(book["提示"].iter_rows(min_row=3, values_only=True))
    assert ("西山镇", None, "未组织自测") in flags and ("东岗镇", 1, "逾期报送") in flags
    assert len(flags) == 5


def test_the_unit_page(district, auth):
    _login(auth, "liaison")
    campaign, units, town = district["campaign"], district["units"], district["town"]
    html = auth.client.get(f"/campaigns/{campaign.id}/units/{units['城关镇']}").get_data(as_text=True)
    assert f'href="/exams/{town.id}"' in html and "按时报送" in html
    assert f'href="/exams/new?campaign={campaign.id}&amp;unit={units["城关镇"]}"' in html
    assert f'href="/campaigns/{campaign.id}/units/{units["城关镇"]}/report"' in html
    assert row_of(html, 'data-tier="一般干部"') == "一般干部 2 100.0% 50.0% 50.0% 68.18 1 0 0 1"
    assert row_of(html, 'data-tier="合计"') == "合计 3 100.0% 66.7% 33.3% 66.67 1 0 1 1"
    assert f'href="/exams/{town.id}/makeup"' in html and "已结束" in html  # closed: its make-up page
    freeze(town.opens_at + timedelta(hours=2))
    html = auth.client.get(f"/campaigns/{campaign.id}/units/{units['城关镇']}").get_data(as_text=True)
    assert "进行中" in html and f"/exams/{town.id}/makeup" not in html


def test_a_liaison_sees_his_units_lines_only(district, auth, db):
    campaign, units = district["campaign"], district["units"]
    _login(auth, "liaison")
    html = auth.client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "城关镇" in html
    for other in ("东岗镇", "西山镇", "90.91"):
        assert other not in html, other
    assert row_of(html, f'id="unit-{units["城关镇"]}"').startswith("2 城关镇")  # his place among all units
    for forged in (f"/campaigns/{campaign.id}/units/{units['东岗镇']}",
                   f"/campaigns/{campaign.id}/units/{units['西山镇']}",
                   f"/campaigns/{campaign.id}/units/{f.unit('城南区/城关镇/党政办').id}",
                   f"/campaigns/{campaign.id}/units/999999", f"/campaigns/{campaign.id + 1000}"):
        assert auth.client.get(forged).status_code == 404, forged
    assert auth.client.get(f"/campaigns/{campaign.id}/export.xlsx").status_code == 403
    elsewhere = f.campaign("东岗镇的活动", unit_paths=("城南区/东岗镇",))
    db.session.commit()
    assert auth.client.get(f"/campaigns/{elsewhere.id}").status_code == 404
    index = auth.client.get("/campaigns/").get_data(as_text=True)
    assert campaign.title in index and "东岗镇的活动" not in index and "新建活动" not in index
    assert f'href="/campaigns/{campaign.id}/units/{units["城关镇"]}">城关镇的测试和报送' in index


def test_the_list_pages_and_the_district_page_lists_every_unit(db, auth):
    f.user("admin")
    for n in range(23):
        f.campaign(f"活动{n:02d}", opens=now() - timedelta(days=30 - n), unit_paths=("城南区/城关镇",))
    big = f.campaign("大活动", unit_paths=[f"城南区/第{n:02d}镇" for n in range(25)])
    db.session.commit()
    _login(auth, "admin")
    first = auth.client.get("/campaigns/").get_data(as_text=True)
    second = auth.client.get("/campaigns/?page=2").get_data(as_text=True)
    rows = lambda html: re.findall(r'<td><a href="/campaigns/(\d+)">', html)  # noqa: E731
    assert len(rows(first)) == 20 and len(rows(second)) == 4 and not set(rows(first)) & set(rows(second))
    assert "下一页" in first and "新建活动" in first
    html = auth.client.get(f"/campaigns/{big.id}").get_data(as_text=True)
    assert len(re.findall(r'class="unit-line', html)) == 25


def test_an_examinee_or_a_stranger_gets_nothing(district, auth):
    campaign, units = district["campaign"], district["units"]
    assert auth.client.get(f"/campaigns/{campaign.id}").status_code == 302  # to the login page
    f.examinee("E1")
    _login(auth, "E1")
    for url in ("/campaigns/", f"/campaigns/{campaign.id}", f"/campaigns/{campaign.id}/units/{units['城关镇']}",
                f"/campaigns/{campaign.id}/export.xlsx"):
        assert auth.client.get(url).status_code == 403, url


def test_before_the_deadline_a_unit_without_a_test_is_not_flagged(district, auth, db):
    campaign, units = district["campaign"], district["units"]
    campaign.report_due = now() + timedelta(days=1)
    db.session.commit()
    _login(auth, "admin")
    html = auth.client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert row_of(html, f'id="unit-{units["西山镇"]}"') == "— 西山镇 尚未组织 尚未报送 0 — — — — 0 0 0 0"


def test_a_make_up_and_an_exemption_count_by_the_campaigns_rule(district, auth, db):
    """A2 failed 城关镇's test (36.36) and passes its 补测 with 11 of 11: replace_capped counts
    the pass mark, 6 (54.55); the 补测 is listed as the unit's, not as a second self-test."""
    from examsite.models import ExamMember, Exemption, Staff
    from sqlalchemy import select

    campaign, town, units = district["campaign"], district["town"], district["units"]
    a2 = db.session.scalar(select(Staff).where(Staff.staff_no == "A2"))
    a4 = f.staff("A4", "A4", "城南区/城关镇", "一般干部")
    freeze(None)
    makeup = f.exam("城关镇补测", tiers=("一般干部",), mode="named")
    makeup.campaign_id, makeup.organiser_unit_id, makeup.makeup_of_id = campaign.id, town.organiser_unit_id, town.id
    db.session.add(ExamMember(exam_id=makeup.id, staff_id=a2.id))
    db.session.add(Exemption(exam_id=town.id, staff_id=a4.id, kind="病假", reason="住院"))
    db.session.commit()
    f.sit(makeup, a2, right=ALL)
    _login(auth, "admin")
    html = auth.client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    # 城关镇: A1 100, A2 54.55 (capped), A3 63.64 — all pass; A4 exempt
    # the 一般干部 gap: (100 + 54.55) / 2 = 77.28 (rounded) against the spot test's 36.36
    assert row_of(html, f'id="unit-{units["城关镇"]}"') == (
        "2 城关镇 第1场 按时报送 3 （免测 1） 100.0% 100.0% 33.3% 72.73 1 0 2 0 一般干部自测平均分比抽测高 40.92 分")
    page = auth.client.get(f"/campaigns/{campaign.id}/units/{units['城关镇']}").get_data(as_text=True)
    assert "城关镇补测" in page and "补测</span>" in page
    assert auth.client.get(f"/campaigns/{campaign.id}/export.xlsx").status_code == 200
