"""Rosters in the shapes offices keep them, each written by openpyxl and by xlsxwriter."""
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from examsite.models import AuditLog, Staff, Unit
from examsite.roster import services
from examsite.roster.services import apply_import, import_roster, plan_import

from .. import factories
from ..spreadsheets import workbook

WRITERS = ["openpyxl", "xlsxwriter"]
VALID_ID, OTHER_ID = "11010519491231002X", "440524188001010014"


@pytest.fixture
def district(db):
    for path in ("城南区/城关镇/党政办", "城南区/区纪委监委/第一纪检监察室", "城南区/东岗镇"):
        factories.unit(path)
    db.session.commit()


def people(db) -> dict[str, Staff]:
    return {s.staff_no: s for s in db.session.scalars(select(Staff))}


def counts(db):
    return tuple(db.session.scalar(select(func.count(model.id))) for model in (Staff, Unit, AuditLog))


@pytest.mark.parametrize("writer", WRITERS)
def test_ranks_and_posts_become_tiers_through_the_map(db, district, writer):
    data = workbook({"花名册": [
        ["工号", "姓名", "单位", "职级", "职务"],
        ["0001", "张三", "党政办", "一级主任科员", "主任"],
        ["0002", "李四", "党政办", "四级调研员", ""],
        ["0003", "王五", "党政办", "科员", ""],
        ["0004", "赵六", "党政办", None, "局长"],  # no 职级: the 职务 is looked up
        ["0005", "钱七", "党政办", "二级 主任科员", ""],  # a space typed inside
    ]}, writer)
    result = import_roster("名单.xlsx", data)
    assert result.ok, result.errors
    tiers = {no: s.tier.name for no, s in people(db).items()}
    assert tiers == {"0001": "乡科级", "0002": "县处级", "0003": "一般干部", "0004": "乡科级", "0005": "乡科级"}
    assert people(db)["0001"].rank == "一级主任科员" and people(db)["0001"].position == "主任"


@pytest.mark.parametrize("writer", WRITERS)
def test_unmapped_ranks_are_listed_once_with_their_rows_and_nothing_is_imported(db, district, writer):
    data = workbook({"花名册": [
        ["工号", "姓名", "单位", "职级"],
        ["0001", "张三", "党政办", "五级职员"],
        ["0002", "李四", "党政办", "科员"],
        ["0003", "王五", "党政办", "专技十级"],
        ["0004", "赵六", "党政办", "五级职员"],
    ]}, writer)
    before = counts(db)
    plan = plan_import("名单.xlsx", data)
    assert plan.errors == [
        "“五级职员”没有对应的干部层级（第 2、5 行）：请在“层级对照”页面把它对应到某个层级后重新导入，或在文件中加一列“干部层级”。",
        "“专技十级”没有对应的干部层级（第 4 行）：请在“层级对照”页面把它对应到某个层级后重新导入，或在文件中加一列“干部层级”。",
    ]
    assert not import_roster("名单.xlsx", data).ok
    assert counts(db) == before

    services.add_rank("五级职员", factories.tier("一般干部"))
    services.add_rank("专技十级", factories.tier("一般干部"))
    assert import_roster("名单.xlsx", data).added == 4


def test_the_tier_map_refuses_duplicates_and_blanks(db):
    with pytest.raises(services.RosterError, match="已对应到“乡科级”"):
        services.add_rank("正 科级", factories.tier("一般干部"))
    with pytest.raises(services.RosterError, match="请填写"):
        services.add_rank("  ", factories.tier("一般干部"))


@pytest.mark.parametrize("writer", WRITERS)
def test_unit_cells_as_paths_names_and_spellings(db, district, writer):
    data = workbook({"花名册": [
        ["工号", "姓名", "单位", "干部层级"],
        ["0001", "甲", "城关镇/党政办", "一般干部"],
        ["0002", "乙", "城关镇 党政办", "一般干部"],
        ["0003", "丙", "区纪委监委-第一纪检监察室", "一般干部"],
        ["0004", "丁", "城关镇　党 政办", "一般干部"],  # full-width space, and a space inside the name
        ["0005", "戊", "第１纪检监察室".replace("１", "一"), "一般干部"],
        ["0006", "己", "ＸＸ".replace("ＸＸ", "东岗镇"), "一般干部"],
        ["0007", "庚", "城南区／东岗镇／综治中心", "一般干部"],  # a new unit under 东岗镇
        ["0008", "辛", "东岗镇 综治 中心", "一般干部"],  # the same new unit, spelled apart
    ]}, writer)
    plan = plan_import("名单.xlsx", data)
    assert plan.ok, plan.errors
    assert plan.new_units == ["城南区/东岗镇/综治中心"]
    refused = apply_import(plan)  # new units not confirmed
    assert not refused.ok and "请勾选确认新建" in refused.errors[0]
    assert db.session.scalar(select(func.count(Staff.id))) == 0

    result = apply_import(plan_import("名单.xlsx", data), confirm_units=True)
    assert result.ok and result.added == 8
    units = {no: s.unit.path for no, s in people(db).items()}
    assert {units[n] for n in ("0001", "0002", "0004")} == {"城南区/城关镇/党政办"}
    assert units["0003"] == units["0005"] == "城南区/区纪委监委/第一纪检监察室"
    assert units["0006"] == "城南区/东岗镇"
    assert units["0007"] == units["0008"] == "城南区/东岗镇/综治中心"
    assert db.session.scalar(select(func.count(Unit.id)).where(Unit.name == "综治中心")) == 1


@pytest.mark.parametrize("writer", WRITERS)
def test_cells_as_excel_holds_them(db, district, writer):
    data = workbook({"干部名单": [
        ["城南区干部花名册（2026 年 11 月）"],  # title rows above the header
        ["填报单位：城关镇", None, None, "填报日期：2026-11-20"],
        ["序号", "工号\n（必填）", "姓 名", "单位", "干部\n层级", "身份证号码"],
        [1, "000123", "张　三", "党政办", "一般干部", VALID_ID],
        [2, 456, "阿依古丽・买买提", "党政办", "一般干部", None],  # 工号 held as a number
        [3, "000789", "阿依古丽 • 木拉提", "党政办", "乡科级", "11010519491231002x"],
        [None, None, None, None, None, None],
        [None, "合计", None, None, None, None],
        ["", "", "", "", "", ""],
    ]}, writer)
    plan = plan_import("名单.xlsx", data)
    assert plan.ok, plan.errors
    assert len(plan.warnings) == 1 and "第 5 行" in plan.warnings[0] and "开头的 0 可能已被 Excel 去掉" in plan.warnings[0]
    assert "第 8 行是合计行，已跳过。" in plan.notes
    assert any("跳过空行 1 行" in note for note in plan.notes)
    assert apply_import(plan).added == 3
    staff = people(db)
    assert set(staff) == {"000123", "456", "000789"}
    assert staff["000123"].name == "张三" and staff["000123"].id_number == "**************002X"
    assert staff["456"].name == "阿依古丽·买买提" and staff["456"].id_number is None
    assert staff["000789"].name == "阿依古丽·木拉提"


@pytest.mark.parametrize("writer", WRITERS)
def test_bad_id_numbers_are_named_with_sheet_and_row(db, district, writer):
    data = workbook({
        "城关镇": [["工号", "姓名", "单位", "干部层级", "身份证号"],
                 ["0001", "张三", "党政办", "一般干部", "110105194912310021"]],  # wrong check digit
        "东岗镇": [["工号", "姓名", "单位", "干部层级", "身份证号"],
                 ["0002", "李四", "东岗镇", "一般干部", OTHER_ID],
                 ["0003", "王五", "东岗镇", "一般干部", 440524188001010014]],  # a number: digits lost
    }, writer)
    before = counts(db)
    plan = plan_import("名单.xlsx", data)
    assert plan.errors == [
        "工作表“城关镇”第 2 行：身份证号校验位不对，可能有数字输错。",
        "工作表“东岗镇”第 3 行：身份证号被 Excel 存成了数字，后几位已经丢失：请把这一列设为文本后重新填写。",
    ]
    assert not import_roster("名单.xlsx", data).ok and counts(db) == before


@pytest.mark.parametrize("writer", WRITERS)
def test_a_workbook_with_a_sheet_per_unit(db, district, writer):
    data = workbook({
        "填表说明": [["请按以下格式填写，工号用文本格式。"]],
        "城关镇": [["城关镇干部名单"], ["工号", "姓名", "单位", "干部层级"],
                 ["0001", "张三", "城关镇/党政办", "一般干部"], ["0002", "李四", "城关镇/党政办", "乡科级"]],
        "东岗镇": [["工号", "姓名", "单位", "干部层级"], ["0003", "王五", "东岗镇", "一般干部"],
                 ["0001", "重复", "东岗镇", "一般干部"]],
    }, writer)
    plan = plan_import("名单.xlsx", data)
    assert plan.errors == ["工作表“东岗镇”第 3 行：工号 0001 与工作表“城关镇”第 3 行重复。"]
    assert "工作表“填表说明”中没有含“工号”“姓名”的表头，已跳过。" in plan.notes

    data = workbook({
        "城关镇": [["工号", "姓名", "单位", "干部层级"], ["0001", "张三", "城关镇/党政办", "一般干部"]],
        "东岗镇": [["工号", "姓名", "单位", "干部层级"], ["0003", "王五", "东岗镇", "一般干部"]],
    }, writer)
    assert import_roster("名单.xlsx", data).added == 2
    assert {s.unit.name for s in people(db).values()} == {"党政办", "东岗镇"}


def test_a_gbk_csv_with_ranks(db, district):
    text = "工号,姓名,单位,职级\r\n0001,欧阳娜,城关镇/党政办,三级主任科员\r\n0002,张　三,东岗镇,试用期\r\n"
    result = import_roster("名单.csv", text.encode("gbk"))
    assert result.ok, result.errors
    staff = people(db)
    assert (staff["0001"].name, staff["0001"].tier.name) == ("欧阳娜", "乡科级")
    assert (staff["0002"].name, staff["0002"].tier.name) == ("张三", "一般干部")


def test_preview_counts_new_changed_unchanged_and_leaving(db, district):
    header = ["工号", "姓名", "单位", "干部层级"]
    first = workbook({"名单": [header, ["0001", "张三", "党政办", "一般干部"], ["0002", "李四", "党政办", "一般干部"],
                               ["0003", "王五", "党政办", "一般干部"]]})
    assert import_roster("名单.xlsx", first).added == 3
    db.session.commit()
    second = workbook({"名单": [header, ["0001", "张三", "党政办", "一般干部"], ["0002", "李四", "党政办", "乡科级"],
                                ["0009", "新人", "党政办", "一般干部"]]})
    plan = plan_import("名单.xlsx", second)
    assert (len(plan.added), len(plan.changed), plan.unchanged) == (1, 1, 1)
    assert plan.changed[0].changes == ["干部层级：一般干部 → 乡科级"]
    assert [s.staff_no for s in plan.leaving] == ["0003"]

    result = apply_import(plan)  # leavers kept as they are unless the admin says so
    db.session.commit()
    assert result.marked_leaving == 0 and people(db)["0003"].left_at is None
    result = apply_import(plan_import("名单.xlsx", second), mark_leaving=True)
    db.session.commit()
    assert result.marked_leaving == 1 and people(db)["0003"].left_at is not None

    back = plan_import("名单.xlsx", first)  # he is back in the next roster
    assert [c.staff.staff_no for c in back.changed if "重新在岗（原标为离岗）" in c.changes] == ["0003"]
    apply_import(back)
    assert people(db)["0003"].left_at is None


def test_staff_marked_as_left_are_not_assigned_or_drawn(db, district):
    from examsite.exams.assignment import takes
    from examsite.exams.assignment import expected_staff_query
    from examsite.sampling.services import DrawRequest, population

    factories.bank()
    exam = factories.exam()
    staying, leaving = factories.staff("0001", "张三", "城南区/东岗镇"), factories.staff("0002", "李四", "城南区/东岗镇")
    from examsite.clock import now
    leaving.left_at = now()
    db.session.commit()
    assert takes(exam, staying) and not takes(exam, leaving)
    assert set(db.session.scalars(expected_staff_query(exam))) == {staying.id}
    assert [p.staff_no for p in population(DrawRequest(unit_paths=["城南区/东岗镇"]))] == ["0001"]


def test_export_in_the_import_layout_round_trips(db, district, client, auth):
    data = workbook({"名单": [["工号", "姓名", "单位", "职级", "身份证号"],
                              ["000123", "张三", "党政办", "一级科员", VALID_ID], ["0456", "李四", "东岗镇", "正科级", None]]})
    assert import_roster("名单.xlsx", data).added == 2
    factories.user("admin")
    auth.login("admin", factories.PASSWORD)
    exported = client.get("/roster/export.xlsx")
    assert exported.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(exported.data))["花名册"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("工号", "姓名", "单位", "干部层级", "职级", "职务", "身份证号")
    assert rows[1] == ("000123", "张三", "城南区/城关镇/党政办", "一般干部", "一级科员", None, "**************002X")
    assert sheet["A2"].data_type == "s"  # text: the zeros survive in Excel
    again = plan_import("花名册.xlsx", exported.data)
    assert again.ok and again.unchanged == 2 and not again.added and not again.changed


def test_the_admin_edits_the_tier_map_in_the_browser_pages(db, client, auth):
    from examsite.models import RankTier

    factories.user("admin")
    auth.login("admin", factories.PASSWORD)
    page = client.get("/roster/ranks").get_data(as_text=True)
    assert "一级主任科员" in page and "四级调研员" in page
    tier = factories.tier("一般干部")
    html = auth.post("/roster/ranks", {"rank": "专员", "tier_id": str(tier.id)}, follow_redirects=True).get_data(as_text=True)
    assert "已添加：专员 → 一般干部" in html
    again = auth.post("/roster/ranks", {"rank": "专 员", "tier_id": str(tier.id)}, follow_redirects=True)
    assert "已对应到“一般干部”" in again.get_data(as_text=True)
    entry = db.session.scalar(select(RankTier).where(RankTier.rank == "专员"))
    auth.post(f"/roster/ranks/{entry.id}/delete")
    db.session.expire_all()
    assert db.session.scalar(select(RankTier).where(RankTier.rank == "专员")) is None
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"rank.add", "rank.remove"} <= actions


def test_a_liaison_exports_his_units_only_and_cannot_edit_the_map(db, district, client, auth):
    data = workbook({"名单": [["工号", "姓名", "单位", "干部层级"], ["0001", "张三", "党政办", "一般干部"],
                              ["0002", "李四", "东岗镇", "一般干部"]]})
    import_roster("名单.xlsx", data)
    factories.user("liaison", role="liaison", unit_path="城南区/东岗镇")
    auth.login("liaison", factories.PASSWORD)
    rows = list(openpyxl.load_workbook(io.BytesIO(client.get("/roster/export.xlsx").data))["花名册"].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["0002"]
    assert client.get("/roster/ranks").status_code == 403
    assert client.get("/roster/import").status_code == 403
