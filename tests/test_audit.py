from examsite.audit.services import record

from . import factories
from .factories import PASSWORD


def test_audit_page_lists_entries_newest_first_with_filter(db, auth, client):
    admin = factories.user("admin", "admin")
    record("roster.import", "导入花名册 a.xlsx", user=admin)
    record("unit.create", "新建单位 城南区", user=admin)
    db.session.commit()
    auth.login("admin", PASSWORD)
    html = client.get("/audit/").get_data(as_text=True)
    assert html.index("新建单位 城南区") < html.index("导入花名册 a.xlsx")
    assert "创建考试管理员账号 admin" in html
    filtered = client.get("/audit/?action=roster").get_data(as_text=True)
    assert "导入花名册 a.xlsx" in filtered and "新建单位 城南区" not in filtered


def test_record_takes_the_logged_in_user(db, app, auth, client):
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    auth.post("/roster/units", {"name": "城南区", "parent_id": 0})
    from sqlalchemy import select

    from examsite.models import AuditLog

    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "unit.create"))
    assert entry.user.username == "admin" and entry.target_type == "Unit"
    assert entry.ip == "127.0.0.1"
