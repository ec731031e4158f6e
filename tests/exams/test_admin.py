"""The admin plans a tiered test through the pages."""
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from examsite import clock
from examsite.models import AuditLog, Exam, ExamUnit, PaperPlan

from .. import factories
from ..conftest import csrf_from
from ..factories import PASSWORD


@pytest.fixture
def admin(db, auth):
    clock.freeze(datetime(2026, 6, 1, 0, 0))
    factories.bank()
    factories.unit("城南区/城关镇")
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    return auth


def plan_rows(*rows):
    data = {}
    for index, (qtype, count, points) in enumerate(rows):
        data.update({f"sections-{index}-qtype": qtype, f"sections-{index}-count": count,
                     f"sections-{index}-points": points})
    return data


def create_exam(admin, client, **overrides):
    admin.token = csrf_from(client.get("/exams/new").get_data(as_text=True))
    town = factories.unit("城南区/城关镇")
    data = {"title": "2026年纪法知识测试", "mode": "all", "opens_at": "2026-06-10T09:00",
            "closes_at": "2026-06-10T17:00", "units": [town.id], **overrides}
    return admin.post("/exams/new", data)


def test_create_a_test_in_beijing_time(admin, client, db):
    response = create_exam(admin, client)
    assert response.status_code == 302
    exam = db.session.scalar(select(Exam))
    assert exam.opens_at == datetime(2026, 6, 10, 1, 0) and exam.closes_at == datetime(2026, 6, 10, 9, 0)
    assert db.session.scalar(select(func.count()).select_from(ExamUnit)) == 1
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "exam.create"))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2026-06-10 09:00 至 2026-06-10 17:00" in html


def test_window_must_close_after_it_opens(admin, client, db):
    html = create_exam(admin, client, closes_at="2026-06-10T08:00").get_data(as_text=True)
    assert "结束时间必须晚于开始时间" in html
    assert db.session.scalar(select(func.count(Exam.id))) == 0


def test_plans_per_tier_checked_against_the_banks(admin, client, db):
    create_exam(admin, client)
    exam = db.session.scalar(select(Exam))
    tier = factories.tier("乡科级")
    admin.token = csrf_from(client.get(f"/exams/{exam.id}/plan").get_data(as_text=True))
    short = admin.post(f"/exams/{exam.id}/plan", {"tier_id": tier.id, "duration_minutes": 30, "pass_mark": 6,
                                                 "multiple_scoring": "all_or_nothing",
                                                 **plan_rows(("single", 50, 2), ("judge", 2, 1))},
                       follow_redirects=True).get_data(as_text=True)
    assert "单选题：需要 50 题，题库中只有 6 题" in short
    assert db.session.scalar(select(func.count(PaperPlan.id))) == 0

    done = admin.post(f"/exams/{exam.id}/plan", {"tier_id": tier.id, "duration_minutes": 30, "pass_mark": 6,
                                                "multiple_scoring": "partial",
                                                **plan_rows(("single", 3, 2), ("multiple", 2, 3), ("judge", 2, 1))},
                      follow_redirects=True).get_data(as_text=True)
    assert "已保存乡科级的试卷方案" in done and "乡科级：共 14.0 分，30 分钟，及格 6.0 分" in done
    plan = db.session.scalar(select(PaperPlan))
    assert plan.multiple_scoring == "partial" and len(plan.sections) == 3

    preview = client.get(f"/exams/{exam.id}/plan/{plan.id}/preview").get_data(as_text=True)
    assert preview.count('class="question-card') == 7 and "option-correct" in preview


def test_pass_mark_above_the_total_is_refused(admin, client, db):
    create_exam(admin, client)
    exam = db.session.scalar(select(Exam))
    admin.token = csrf_from(client.get(f"/exams/{exam.id}/plan").get_data(as_text=True))
    html = admin.post(f"/exams/{exam.id}/plan", {"tier_id": factories.tier().id, "duration_minutes": 30,
                                                "pass_mark": 60, "multiple_scoring": "all_or_nothing",
                                                **plan_rows(("single", 3, 2))}, follow_redirects=True)
    assert "及格分必须在 0 到试卷总分 6 之间" in html.get_data(as_text=True)


def test_copy_a_test(admin, client, db):
    exam = factories.exam(title="原测试", tiers=("一般干部", "乡科级"))
    db.session.commit()
    admin.token = csrf_from(client.get(f"/exams/{exam.id}").get_data(as_text=True))
    response = admin.post(f"/exams/{exam.id}/copy")
    copy = db.session.scalar(select(Exam).where(Exam.title == "原测试（副本）"))
    assert response.headers["Location"].endswith(f"/exams/{copy.id}/edit")
    assert sorted(p.tier.name for p in copy.plans) == sorted(["乡科级", "一般干部"])


def test_regrade_button_reports_counts(admin, client, db):
    exam = factories.exam()
    db.session.commit()
    page = client.get(f"/exams/{exam.id}").get_data(as_text=True)
    admin.token = csrf_from(page)
    html = admin.post(f"/exams/{exam.id}/regrade", follow_redirects=True).get_data(as_text=True)
    assert re.search(r"已重新评分 0 份答卷（更新答案 0 处），其中 0 份成绩有变化", html)


def test_built_in_form_messages_are_chinese(admin, client, db):
    create_exam(admin, client)
    exam = db.session.scalar(select(Exam))
    admin.token = csrf_from(client.get(f"/exams/{exam.id}/plan").get_data(as_text=True))
    html = admin.post(f"/exams/{exam.id}/plan", {"tier_id": factories.tier().id, "duration_minutes": 0,
                                                "pass_mark": 1, "multiple_scoring": "all_or_nothing",
                                                **plan_rows(("single", 1, 2))}).get_data(as_text=True)
    assert "数值大小必须介于 1 到 600 之间" in html and "Number must" not in html
    assert db.session.scalar(select(func.count(PaperPlan.id))) == 0


def district(towns: int = 8, offices: int = 4) -> list[str]:
    """A district of more than 30 units: 城南区 → towns and 部门 → 科室."""
    paths = []
    for t in range(1, towns + 1):
        paths += [f"城南区/第{t}镇"] + [f"城南区/第{t}镇/第{o}科" for o in range(1, offices + 1)]
    for path in paths:
        factories.unit(path)
    return paths


def test_units_are_a_tree_of_checkboxes_in_tree_order(admin, client, db):
    from examsite.roster.services import tree_rows

    district()
    db.session.commit()
    html = client.get("/exams/new").get_data(as_text=True)
    rows = tree_rows()
    assert len(rows) > 30
    boxes = re.findall(r'type="checkbox" name="units" value="(\d+)"\s+id="[^"]+"[^>]*>\s*<label[^>]*>([^<]+)<', html)
    assert [(int(value), name) for value, name in boxes] == [(unit.id, unit.name) for unit, _ in rows]
    depths = re.findall(r'unit-picker-item unit-depth-(\d)"', html)
    assert [int(d) for d in depths] == [depth for _, depth in rows]
    assert 'data-cascade="always"' in html and "unit-picker-filter" in html and "/static/unit-picker.js" in html
    assert not re.search(r"<select[^>]*multiple", html)


def test_ticked_units_are_stored_and_shown_ticked_again(admin, client, db):
    paths = district()
    db.session.commit()
    town = factories.unit("城南区/第3镇")
    chosen = [town.id] + [factories.unit(f"城南区/第3镇/第{o}科").id for o in range(1, 5)]
    response = create_exam(admin, client, units=chosen)
    assert response.status_code == 302
    exam = db.session.scalar(select(Exam))
    assert sorted(link.unit_id for link in exam.units) == sorted(chosen)
    html = client.get(f"/exams/{exam.id}/edit").get_data(as_text=True)
    ticked = re.findall(r'name="units" value="(\d+)"\s+id="[^"]+" checked>', html)
    assert sorted(int(v) for v in ticked) == sorted(chosen) and len(paths) == 40


@pytest.mark.parametrize("value, message", [
    ("999999", "没有这个单位（999999）"), ("镇", "所选单位无效"),
])
def test_an_unknown_unit_is_refused(admin, client, db, value, message):
    html = create_exam(admin, client, units=[value]).get_data(as_text=True)
    assert message in html
    assert db.session.scalar(select(func.count(Exam.id))) == 0


def test_the_list_of_tests_comes_a_page_at_a_time_and_a_liaison_pages_through_his_own(db, app, auth, client):
    app.config["EXAMS_PAGE_SIZE"] = 4
    factories.user("admin", "admin")
    factories.user("town", "liaison", unit_path="城南区/城关镇")
    from examsite.models import ExamUnit

    for n in range(6):
        mine = factories.exam(f"城关镇测试{n}")
        db.session.add(ExamUnit(exam_id=mine.id, unit_id=factories.unit("城南区/城关镇").id))
        theirs = factories.exam(f"东岗镇测试{n}")
        db.session.add(ExamUnit(exam_id=theirs.id, unit_id=factories.unit("城南区/东岗镇").id))
    db.session.commit()
    auth.login("admin", factories.PASSWORD)
    pages = [client.get(f"/exams/?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    shown = [re.findall(r">((?:城关镇|东岗镇)测试\d)<", page) for page in pages]
    assert [len(titles) for titles in shown] == [4, 4, 4] and len(set(sum(shown, []))) == 12
    assert "共 12 条" in pages[0]
    auth.post("/logout")
    auth.login("town", factories.PASSWORD)
    first, second = (client.get(f"/exams/?page={n}").get_data(as_text=True) for n in (1, 2))
    assert "共 6 条" in first and "东岗镇" not in first + second
    assert sum(f"城关镇测试{n}<" in first + second for n in range(6)) == 6


def test_a_bad_plan_row_is_named_by_its_own_number(admin, client, db):
    create_exam(admin, client)
    exam = db.session.scalar(select(Exam))
    admin.token = csrf_from(client.get(f"/exams/{exam.id}/plan").get_data(as_text=True))
    page = admin.post(f"/exams/{exam.id}/plan", {"tier_id": factories.tier("乡科级").id, "duration_minutes": 30,
                                                "pass_mark": 6, "multiple_scoring": "all_or_nothing",
                                                **plan_rows(("single", 3, 2), ("judge", 2, 1), ("judge", "三", 1))},
                      follow_redirects=True).get_data(as_text=True)
    assert re.search(r"第 3 行：", page) and not re.search(r"第 [12] 行：", page)
    assert db.session.scalar(select(func.count(PaperPlan.id))) == 0
