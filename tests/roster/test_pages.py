"""The roster and unit pages: search, filters, pages, and what a liaison may see."""
import pytest
from sqlalchemy import func, select

from examsite.models import AuditLog, Unit

from .. import factories
from ..factories import PASSWORD


@pytest.fixture
def roster(db):
    factories.staff("A001", "张三", "城南区/城关镇/党政办", "乡科级")
    factories.staff("A002", "张四", "城南区/城关镇/经济发展办", "一般干部")
    factories.staff("B001", "李五", "城南区/东岗镇/党政办", "一般干部")
    factories.staff("B002", "王六", "城南区/东岗镇", "县处级")
    db.session.commit()


def rows(html: str) -> list[str]:
    """Staff numbers in the roster table, in order."""
    import re

    return re.findall(r"<tr><td>([A-Z]\d{3})</td>", html)


def test_admin_searches_by_name_or_number(db, auth, client, roster):
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    assert rows(client.get("/roster/").get_data(as_text=True)) == ["A001", "A002", "B001", "B002"]
    assert rows(client.get("/roster/?q=张").get_data(as_text=True)) == ["A001", "A002"]
    assert rows(client.get("/roster/?q=B00").get_data(as_text=True)) == ["B001", "B002"]
    html = client.get("/roster/?q=无此人").get_data(as_text=True)
    assert rows(html) == [] and "没有符合条件的人员" in html


def test_unit_filter_includes_sub_units_and_tier_filter(db, auth, client, roster):
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    town = factories.unit("城南区/东岗镇")
    assert rows(client.get(f"/roster/?unit={town.id}").get_data(as_text=True)) == ["B001", "B002"]
    tier = factories.tier("一般干部")
    assert rows(client.get(f"/roster/?unit={town.id}&tier={tier.id}").get_data(as_text=True)) == ["B001"]


def test_roster_is_paginated(db, app, auth, client):
    for n in range(7):
        factories.staff(f"C{n:03d}", f"人员{n}")
    db.session.commit()
    app.config["ROSTER_PAGE_SIZE"] = 3
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    import re

    def numbers(url):
        return re.findall(r"<tr><td>(C\d{3})</td>", client.get(url).get_data(as_text=True))

    assert numbers("/roster/") == ["C000", "C001", "C002"]
    assert numbers("/roster/?page=3") == ["C006"]
    html = client.get("/roster/?page=2&q=人员").get_data(as_text=True)
    assert "共 7 条，第 2 / 3 页" in html
    assert "q=%E4%BA%BA%E5%91%98" in html  # page links keep the search


def test_liaison_sees_only_his_unit(db, auth, client, roster):
    factories.user("liaison", "liaison", unit_path="城南区/城关镇")
    auth.login("liaison", PASSWORD)
    html = client.get("/roster/").get_data(as_text=True)
    assert rows(html) == ["A001", "A002"]
    assert "东岗镇" not in html  # not even in the unit filter
    assert rows(client.get("/roster/?q=B00").get_data(as_text=True)) == []
    other = factories.unit("城南区/东岗镇")
    assert client.get(f"/roster/?unit={other.id}").status_code == 404
    own = factories.unit("城南区/城关镇/党政办")
    assert rows(client.get(f"/roster/?unit={own.id}").get_data(as_text=True)) == ["A001"]


def test_liaison_home_counts_his_unit(db, auth, client, roster):
    factories.user("liaison", "liaison", unit_path="城南区/城关镇")
    auth.login("liaison", PASSWORD)
    html = client.get("/home").get_data(as_text=True)
    assert "城南区/城关镇" in html and "共 <strong>2</strong> 人" in html


def test_examinee_cannot_open_the_roster(db, auth, client):
    factories.examinee("0001")
    auth.login("0001", PASSWORD)
    assert client.get("/roster/").status_code == 403
    assert "当前没有分配给您的测试" in client.get("/home", follow_redirects=True).get_data(as_text=True)


def test_admin_adds_units_and_is_audited(db, auth, client):
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    html = auth.post("/roster/units", {"name": "城南区", "parent_id": 0},
                     follow_redirects=True).get_data(as_text=True)
    assert "已添加单位 城南区" in html
    district = db.session.scalar(select(Unit).where(Unit.name == "城南区"))
    auth.post("/roster/units", {"name": "城关镇", "parent_id": district.id})
    town = db.session.scalar(select(Unit).where(Unit.name == "城关镇"))
    assert town.path == "城南区/城关镇"
    actions = db.session.scalars(select(AuditLog.summary).where(AuditLog.action == "unit.create")).all()
    assert actions == ["新建单位 城南区", "新建单位 城南区/城关镇"]


@pytest.mark.parametrize("name, message", [("城关镇", "已有名为“城关镇”的单位"),
                                           ("甲/乙", "单位名称中不能有“/”"),
                                           ("", "请填写单位名称")])
def test_bad_unit_is_refused_and_changes_nothing(db, auth, client, name, message):
    town = factories.unit("城南区/城关镇")
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    before = db.session.scalar(select(func.count(Unit.id)))
    html = auth.post("/roster/units", {"name": name, "parent_id": town.parent_id},
                     follow_redirects=True).get_data(as_text=True)
    assert message in html
    assert db.session.scalar(select(func.count(Unit.id))) == before


def test_admin_adds_a_tier_that_rosters_and_plans_then_use(db, auth, client):
    from examsite.models import Tier

    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    html = auth.post("/roster/tiers", {"name": "试用期人员"}, follow_redirects=True).get_data(as_text=True)
    assert "已添加干部层级“试用期人员”" in html
    tier = db.session.scalar(select(Tier).where(Tier.name == "试用期人员"))
    assert tier.rank == 4
    assert db.session.scalar(select(AuditLog.summary).where(AuditLog.action == "tier.create")) == "新增干部层级 试用期人员"
    again = auth.post("/roster/tiers", {"name": "试用期人员"}, follow_redirects=True).get_data(as_text=True)
    assert "已有名为“试用期人员”的层级" in again
    assert db.session.scalar(select(func.count(Tier.id))) == 4
    assert "试用期人员" in client.get("/roster/import").get_data(as_text=True)
