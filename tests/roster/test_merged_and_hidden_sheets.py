"""Rosters kept by hand with merged cells (a 单位 or 干部层级 merged down over the rows of one
unit) and workbooks with hidden sheets; written by openpyxl and by xlsxwriter."""
import io
import re
import zipfile

import openpyxl
import pytest

from examsite.roster.reader import RosterFileError, read_sheets
from examsite.roster.services import plan_import
from examsite.safe_files import read_xlsx

from .. import factories

WRITERS = ["openpyxl", "xlsxwriter"]
#: (unit, tier, people): each unit's cell merged down over its people, the tier too
GROUPS = [("城关镇/党政办", "一般干部", [("0101", "张三"), ("0102", "李四"), ("0103", "王五")]),
          ("城关镇/经济发展办", "乡科级", [("0201", "赵六"), ("0202", "钱七")]),
          ("东岗镇", "一般干部", [("0301", "孙八")]),
          ("东岗镇", "县处级", [("0302", "周九"), ("0303", "吴十"), ("0304", "郑十一"), ("0305", "冯十二")])]


@pytest.fixture
def district(db):
    for path in ("城南区/城关镇/党政办", "城南区/城关镇/经济发展办", "城南区/东岗镇"):
        factories.unit(path)
    db.session.commit()


def merged_roster(writer: str) -> bytes:
    out = io.BytesIO()
    header = ["序号", "单位", "干部层级", "工号", "姓名"]
    if writer == "openpyxl":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "名单"
        sheet.append(["城南区干部名单"])
        sheet.merge_cells("A1:E1")
        sheet.append(header)
        row, serial = 3, 1
        for unit, tier, people in GROUPS:
            for offset, (number, name) in enumerate(people):
                sheet.cell(row + offset, 1, serial)
                sheet.cell(row + offset, 4, number)
                sheet.cell(row + offset, 5, name)
                serial += 1
            sheet.cell(row, 2, unit)
            sheet.cell(row, 3, tier)
            if len(people) > 1:
                sheet.merge_cells(start_row=row, start_column=2, end_row=row + len(people) - 1, end_column=2)
                sheet.merge_cells(start_row=row, start_column=3, end_row=row + len(people) - 1, end_column=3)
            row += len(people)
        sheet.cell(row, 1, "合计")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        sheet.cell(row, 5, "10 人")
        book.save(out)
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(out)
        sheet = book.add_worksheet("名单")
        centre = book.add_format({"valign": "vcenter", "border": 1})
        sheet.merge_range(0, 0, 0, 4, "城南区干部名单")
        sheet.write_row(1, 0, header)
        row, serial = 2, 1
        for unit, tier, people in GROUPS:
            for offset, (number, name) in enumerate(people):
                sheet.write_number(row + offset, 0, serial)
                sheet.write_string(row + offset, 3, number)
                sheet.write_string(row + offset, 4, name)
                serial += 1
            last = row + len(people) - 1
            if last > row:
                sheet.merge_range(row, 1, last, 1, unit, centre)
                sheet.merge_range(row, 2, last, 2, tier, centre)
            else:
                sheet.write_string(row, 1, unit, centre)
                sheet.write_string(row, 2, tier, centre)
            row = last + 1
        sheet.merge_range(row, 0, row, 3, "合计")
        sheet.write_string(row, 4, "10 人")
        book.close()
    return out.getvalue()


@pytest.mark.parametrize("writer", WRITERS)
def test_a_unit_merged_down_over_its_people_belongs_to_each_of_them(db, district, writer):
    data = merged_roster(writer)
    sheet = read_xlsx(data)[0]
    assert sheet.merged == []  # Excel writes them after the cells: known once the rows are read
    list(sheet.rows)
    assert (3, 2, 5, 2) in sheet.merged and (1, 1, 1, 5) in sheet.merged
    plan = plan_import("名单.xlsx", data)
    assert plan.ok, plan.errors
    got = [(rec.staff_no, rec.name, rec.unit_text, rec.tier) for rec, _ in plan.added]
    assert got == [(number, name, unit, tier) for unit, tier, people in GROUPS for number, name in people]
    assert [plan.unit_label(unit) for _, unit in plan.added][:6] == [
        "城南区/城关镇/党政办"] * 3 + ["城南区/城关镇/经济发展办"] * 2 + ["城南区/东岗镇"]
    assert "第 13 行是合计行，已跳过。" in plan.notes


@pytest.mark.parametrize("writer", WRITERS)
def test_a_hidden_sheet_is_skipped_and_said_so(db, district, writer):
    header = ["工号", "姓名", "单位", "干部层级"]
    visible = [header, ["0001", "张三", "东岗镇", "一般干部"], ["0002", "李四", "东岗镇", "乡科级"]]
    old = [header, ["0001", "张三", "城关镇/党政办", "一般干部"], ["0009", "已调走", "东岗镇", "一般干部"]]
    out = io.BytesIO()
    if writer == "openpyxl":
        book = openpyxl.Workbook()
        book.active.title = "花名册"
        for row in visible:
            book.active.append(row)
        hidden = book.create_sheet("旧名单")
        for row in old:
            hidden.append(row)
        hidden.sheet_state = "hidden"
        book.save(out)
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(out)
        for name, rows in (("花名册", visible), ("旧名单", old)):
            sheet = book.add_worksheet(name)
            for r, row in enumerate(rows):
                sheet.write_row(r, 0, row)
        sheet.hide()
        book.close()
    sheets = read_sheets("名单.xlsx", out.getvalue())
    assert [(s.name, s.state) for s in sheets] == [("花名册", "visible"), ("旧名单", "hidden")]
    plan = plan_import("名单.xlsx", out.getvalue())
    assert plan.ok, plan.errors
    assert [(rec.staff_no, rec.unit_text, rec.place) for rec, _ in plan.added] == [
        ("0001", "东岗镇", "第 2 行"), ("0002", "东岗镇", "第 3 行")]
    assert "工作表“旧名单”在 Excel 中是隐藏的，已跳过。" in plan.notes


def test_merged_ranges_past_the_bound_are_refused(db):
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet("名单")
    sheet.write_row(0, 0, ["工号", "姓名", "单位", "干部层级"] + [f"备注{n}" for n in range(96)])
    for row in range(1, 1000):
        sheet.write_string(row, 0, f"{row:04d}")
    book.close()
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    hostile = io.BytesIO()
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":  # overlapping ranges over the whole sheet
                cells = "".join(f'<mergeCell ref="A1:CV{1000 - n}"/>' for n in range(30))
                data = re.sub(rb"</sheetData>", f'</sheetData><mergeCells count="30">{cells}</mergeCells>'.encode(), data)
            target.writestr(info, data)
    with pytest.raises(RosterFileError, match="合并单元格太多"):
        read_sheets("名单.xlsx", hostile.getvalue())
