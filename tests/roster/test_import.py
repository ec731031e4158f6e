"""Importing a roster into the database: lands whole or changes nothing."""
import io

import pytest
from sqlalchemy import func, select

from examsite.models import AuditLog, Staff, Unit
from examsite.roster.services import import_roster

from .. import factories
from ..factories import PASSWORD
from .files import csv_bytes, xlsx


def counts(db):
    return tuple(db.session.scalar(select(func.count(model.id))) for model in (Staff, Unit, AuditLog))


@pytest.fixture
def district(db):
    for path in ("城南区/城关镇/党政办", "城南区/城关镇/经济发展办", "城南区/区财政局/办公室",
                 "城南区/区教育局/办公室"):
        factories.unit(path)
    db.session.commit()


def test_import_adds_staff_into_their_units(db, district):
    data = xlsx([
        ["0001", "张三", "城南区/城关镇/党政办", "乡科级", "主任"],
        ["0002", "李四", "经济发展办", "一般干部", "科员"],
        ["0003", "王五", "区财政局/办公室", "县处级", "局长"],
    ])
    result = import_roster("名单.xlsx", data)
    db.session.commit()
    assert result.ok and (result.added, result.updated, result.unchanged) == (3, 0, 0)
    people = {s.staff_no: s for s in db.session.scalars(select(Staff))}
    assert people["0001"].unit.path == "城南区/城关镇/党政办"
    assert people["0001"].tier.name == "乡科级" and people["0001"].position == "主任"
    assert people["0002"].unit.path == "城南区/城关镇/经济发展办"
    assert people["0003"].unit.path == "城南区/区财政局/办公室"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "roster.import"))
    assert "新增 3 人" in entry.summary and entry.detail["added"] == 3


def test_reimport_updates_by_staff_number_and_never_duplicates(db, district):
    import_roster("a.csv", csv_bytes([["0001", "张三", "党政办", "一般干部", "科员"],
                                      ["0002", "李四", "党政办", "一般干部", "科员"]]))
    db.session.commit()
    result = import_roster("b.csv", csv_bytes([["0001", "张三", "经济发展办", "乡科级", "副主任"],
                                               ["0002", "李四", "党政办", "一般干部", "科员"],
                                               ["0003", "王五", "党政办", "一般干部", ""]]))
    db.session.commit()
    assert (result.added, result.updated, result.unchanged) == (1, 1, 1)
    assert db.session.scalar(select(func.count(Staff.id))) == 3
    moved = db.session.scalar(select(Staff).where(Staff.staff_no == "0001"))
    assert moved.unit.name == "经济发展办" and moved.tier.name == "乡科级" and moved.position == "副主任"


def test_gbk_csv_imports(db, district):
    result = import_roster("名单.csv", csv_bytes([["0001", "欧阳娜", "党政办", "一般干部", "科员"]],
                                                encoding="gbk"))
    db.session.commit()
    assert result.ok
    assert db.session.scalar(select(Staff.name)) == "欧阳娜"


def test_a_path_creates_missing_units_under_an_existing_one(db, district):
    result = import_roster("a.csv", csv_bytes([
        ["1", "张三", "城南区/东岗镇/党政办", "一般干部", ""],
        ["2", "李四", "城南区/东岗镇/党政办", "一般干部", ""],
        ["3", "王五", "城关镇/综治中心", "一般干部", ""],
    ]))
    db.session.commit()
    assert result.new_units == ["城南区/东岗镇", "城南区/东岗镇/党政办", "城南区/城关镇/综治中心"]
    assert db.session.scalar(select(func.count(Unit.id).filter(Unit.name == "东岗镇"))) == 1
    people = {s.staff_no: s.unit.path for s in db.session.scalars(select(Staff))}
    assert people == {"1": "城南区/东岗镇/党政办", "2": "城南区/东岗镇/党政办",
                      "3": "城南区/城关镇/综治中心"}


@pytest.mark.parametrize("rows, message", [
    ([["1", "张三", "不存在的局", "一般干部", ""]], "第 3 行：单位“不存在的局”不存在"),
    ([["1", "张三", "办公室", "一般干部", ""]], "有多个名为“办公室”的单位"),
    ([["1", "张三", "外区/某镇", "一般干部", ""]], "路径的第一级必须是已有的单位"),
    ([["1", "张三", "党政办", "副部级", ""]], "干部层级“副部级”不在已设置的层级中"),
    ([["1", "张三", "党政办", "一般干部", ""], ["1", "李四", "党政办", "一般干部", ""]],
     "第 4 行：工号 1 与第 3 行重复"),
    ([["1", "", "党政办", "一般干部", ""]], "第 3 行：姓名为空"),
])
def test_bad_rows_import_nothing(db, district, rows, message):
    factories.staff("9999", unit_path="城南区/城关镇/党政办")
    db.session.commit()
    before = counts(db)
    # a good row first (row 2), with a new unit: neither may land
    good = ["5000", "好人", "城南区/新镇/新科", "一般干部", ""]
    result = import_roster("a.csv", csv_bytes([good] + rows))
    db.session.rollback()
    assert not result.ok
    assert any(message in error for error in result.errors), result.errors
    assert counts(db) == before


def test_large_roster_imports_in_one_go(db, district):
    rows = [[f"{n:06d}", f"人员{n}", "党政办", "一般干部", "科员"] for n in range(3000)]
    result = import_roster("big.xlsx", xlsx(rows))
    db.session.commit()
    assert result.added == 3000
    result = import_roster("big.xlsx", xlsx(rows))
    assert result.unchanged == 3000 and result.added == 0


# ---- through the web -----------------------------------------------------------------

def upload(auth, filename, data):
    return auth.post("/roster/import", {"file": (io.BytesIO(data), filename)},
                     content_type="multipart/form-data", follow_redirects=True)


def test_admin_previews_confirms_and_sees_the_roster(db, auth, client, district):
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    response = auth.post("/roster/import", {"file": (io.BytesIO(xlsx([["0001", "张三", "党政办", "乡科级", "主任"]])),
                                                     "名单.xlsx")}, content_type="multipart/form-data")
    preview_url = response.headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "导入预览：名单.xlsx" in html and "城南区/城关镇/党政办" in html
    assert counts(db)[0] == 0  # nothing yet
    html = auth.post(preview_url, {}, follow_redirects=True).get_data(as_text=True)
    assert "导入完成：新增 1 人" in html
    assert "张三" in html and "城南区/城关镇/党政办" in html
    assert client.get(preview_url).status_code == 404  # the kept upload is gone


@pytest.mark.parametrize("filename, data, message", [
    ("名单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "旧版 Excel（.xls）"),
    ("照片.png", b"\x89PNG\r\n", "不支持的文件类型"),
    ("坏表.xlsx", b"not a zip at all", "无法作为 Excel（.xlsx）打开"),
    ("缺列.csv", "工号,姓名\r\n1,张三\r\n".encode(), "缺少必需的列：单位、干部层级"),
])
def test_bad_upload_shows_message_and_changes_nothing(db, auth, district, filename, data, message):
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    before = counts(db)
    html = upload(auth, filename, data).get_data(as_text=True)
    assert "本次没有导入任何人员" in html and message in html
    assert counts(db) == before


def test_upload_over_the_limit_is_refused(db, app, auth, district):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    app.config["UPLOAD_LIMIT_MB"] = 0.002
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    before = counts(db)
    response = auth.post("/roster/import", {"file": (io.BytesIO(b"x" * 5000), "big.csv")},
                         content_type="multipart/form-data")
    assert response.status_code == 413
    assert "上传的文件太大" in response.get_data(as_text=True)
    assert counts(db) == before


def test_upload_without_a_file_asks_for_one(db, auth):
    factories.user("admin", "admin")
    auth.login("admin", PASSWORD)
    html = auth.post("/roster/import", {}, follow_redirects=True).get_data(as_text=True)
    assert "请选择要上传的文件" in html
