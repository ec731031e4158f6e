"""Results pages and the Excel export through the test client, for the admin and a liaison."""
import io
from datetime import timedelta

import openpyxl

from examsite import clock

from .. import factories
from ..factories import PASSWORD

from .conftest import START



def test_the_admin_sees_every_unit(sat, client, auth):
    exam, _ = sat
    auth.login("admin", PASSWORD)
    page = client.get(f"/exams/{exam.id}/results/").get_data(as_text=True)
    for name in ("城关镇", "东岗镇", "西山镇", "乡科级", "一般干部", "<svg", "66.7%", "7.33"):
        assert name in page
    failed = client.get(f"/exams/{exam.id}/results/people?list=failed").get_data(as_text=True)
    assert "甲二" in failed and "甲一" not in failed
    absent = client.get(f"/exams/{exam.id}/results/people?list=absent").get_data(as_text=True)
    assert "乙二" in absent and "丙一" in absent and "乙一" not in absent
    items = client.get(f"/exams/{exam.id}/results/items").get_data(as_text=True)
    assert "多数人答错" in items and "33.3%" in items
    one_unit = client.get(f"/exams/{exam.id}/results/?unit=城关镇").get_data(as_text=True)
    assert "成绩分布：城关镇" in one_unit
    assert client.get(f"/exams/{exam.id}/results/?unit=不存在").status_code == 404
    assert client.get(f"/exams/{exam.id}/results/people?list=other").status_code == 404
    assert client.get("/exams/9999/results/").status_code == 404


def test_a_liaison_sees_his_unit_only(sat, client, auth):
    exam, _ = sat
    auth.login("liaison", PASSWORD)
    page = client.get(f"/exams/{exam.id}/results/").get_data(as_text=True)
    assert "城关镇" not in page and "西山镇" not in page and "党政办" in page
    everyone = client.get(f"/exams/{exam.id}/results/people?list=all").get_data(as_text=True)
    assert "乙一" in everyone and "乙二" in everyone and "甲一" not in everyone and "丙一" not in everyone
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/exams/{exam.id}/results/export.xlsx").data))
    people = [row[0] for row in book["成绩明细"].iter_rows(min_row=3, values_only=True)]
    assert people == ["B1", "B2"]
    assert [row[0] for row in book["单位汇总"].iter_rows(min_row=3, values_only=True)] == ["党政办"]


def test_examinees_and_visitors_get_no_results(sat, client, auth):
    exam, _ = sat
    for url in (f"/exams/{exam.id}/results/", f"/exams/{exam.id}/results/items",
                f"/exams/{exam.id}/results/export.xlsx", f"/exams/{exam.id}/results/people"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    person = factories.examinee("E1")
    auth.login(person.staff_no, PASSWORD)
    assert client.get(f"/exams/{exam.id}/results/").status_code == 403
    assert client.get(f"/exams/{exam.id}/results/export.xlsx").status_code == 403


def test_attempts_past_their_deadline_are_closed_before_counting(sat, client, auth):
    exam, _ = sat
    clock.freeze(START + timedelta(hours=6))
    auth.login("admin", PASSWORD)
    everyone = client.get(f"/exams/{exam.id}/results/people?list=all").get_data(as_text=True)
    assert "答题中" not in everyone  # B1's time ran out: closed and graded


def _plan_rows(html: str) -> dict[str, list[str]]:
    import re

    table = html[html.index('id="plan-marks"'):]
    table = table[:table.index("</table>")]
    rows = {}
    for part in table.split("<tr")[2:]:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", part, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_overview_shows_each_tiers_full_marks_and_pass_mark(sat, db, client, auth):
    exam, _ = sat
    plan = next(p for p in exam.plans if p.tier.name == "乡科级")
    plan.pass_mark, plan.duration_minutes = 7.5, 45
    plan.sections = [{"qtype": "single", "count": 2, "points": 2}, {"qtype": "judge", "count": 2, "points": 1.5}]
    db.session.commit()
    for login in ("admin", "liaison"):
        auth.login(login, PASSWORD)
        page = client.get(f"/exams/{exam.id}/results/").get_data(as_text=True)
        assert "满分" in page and "及格分" in page
        rows = _plan_rows(page)
        assert list(rows) == ["乡科级", "一般干部"]  # tier rank order
        assert rows["一般干部"] == ["6 题", "11 分", "6 分", "30 分钟"]
        assert rows["乡科级"] == ["4 题", "7 分", "7.5 分", "45 分钟"]
        auth.post("/logout")

    auth.login("admin", PASSWORD)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/exams/{exam.id}/results/export.xlsx").data))
    sheet = book["层级汇总"]
    headers = [c.value for c in sheet[2]]
    assert headers[-2:] == ["满分", "及格分"] and sheet.auto_filter.ref == "A2:L4"
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["一般干部"][-2:] == (11, 6) and rows["乡科级"][-2:] == (7, 7.5)
