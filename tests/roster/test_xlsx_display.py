"""safe_files.read_xlsx: numbers as Excel shows them under a zero-padding format (when asked),
hidden rows and AutoFilters noted; the bank reader's default values unchanged. And the
two-row header finding in headers.py."""
import datetime
import io

import openpyxl
import pytest

from examsite.headers import alias_table, find_header_rows, stacked
from examsite.safe_files import Shown, read_xlsx

FORMATS = [("000000", 1234, "001234"), ("00000000", 7, "00000007"), ('"GH"0000', 12, "GH0012"),
           ("0000\\号", 5, "0005号"), ("000000_ ", 42, "000042"), ("000000;-000000", 99, "000099")]
KEPT = [("0.00", 1234), ("#,##0", 5678), ("0", 77), ("General", 12), ("@", 34), ("0%", 1), ("000000", 12.5),
        ("000000", -3)]


def book(cells, writer, hidden=(), autofilter=None) -> bytes:
    """One sheet; cells: [(value, number format or None)] in column A from row 1."""
    out = io.BytesIO()
    if writer == "openpyxl":
        wb = openpyxl.Workbook()
        sheet = wb.active
        for row, (value, fmt) in enumerate(cells, start=1):
            sheet.cell(row, 1, value)
            sheet.cell(row, 2, f"第{row}行")
            if fmt:
                sheet.cell(row, 1).number_format = fmt
        for row in hidden:
            sheet.row_dimensions[row].hidden = True
        if autofilter:
            sheet.auto_filter.ref = autofilter
        wb.save(out)
    else:
        import xlsxwriter

        wb = xlsxwriter.Workbook(out)
        sheet = wb.add_worksheet()
        for row, (value, fmt) in enumerate(cells):
            style = wb.add_format({"num_format": fmt}) if fmt else None
            if isinstance(value, datetime.date):
                sheet.write_datetime(row, 0, value, style)
            else:
                sheet.write(row, 0, value, style)
            sheet.write_string(row, 1, f"第{row + 1}行")
        for row in hidden:
            sheet.set_row(row - 1, None, None, {"hidden": True})
        if autofilter:
            sheet.autofilter(autofilter)
        wb.close()
    return out.getvalue()


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
def test_padded_numbers_are_shown_as_excel_shows_them_only_when_asked(writer):
    cells = [(value, fmt) for fmt, value, _ in FORMATS] + [(value, fmt) for fmt, value in KEPT]
    cells.append((datetime.datetime(2026, 11, 30, 9, 0), "yyyy-mm-dd"))
    data = book(cells, writer)
    shown = [row[0] for _, row in read_xlsx(data, shown=True)[0].rows]
    assert shown[:len(FORMATS)] == [text for _, _, text in FORMATS]
    assert all(isinstance(v, Shown) for v in shown[:len(FORMATS)])
    assert [v.number for v in shown[:len(FORMATS)]] == [value for _, value, _ in FORMATS]
    assert shown[len(FORMATS):-1] == [value for _, value in KEPT]
    assert not any(isinstance(v, str) for v in shown[len(FORMATS):-1])
    assert shown[-1] == datetime.datetime(2026, 11, 30, 9, 0)
    plain = [row[0] for _, row in read_xlsx(data)[0].rows]  # the bank reader's call: numbers stay numbers
    assert plain[:len(FORMATS)] == [value for _, value, _ in FORMATS]
    assert not any(isinstance(v, str) for v in plain[:-1]) and plain[-1] == shown[-1]


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
def test_hidden_rows_and_the_autofilter_are_noted_and_rows_still_yielded(writer):
    data = book([(n, None) for n in range(1, 13)], writer, hidden=(3, 4, 9), autofilter="A1:B12")
    sheet = read_xlsx(data)[0]
    assert sheet.hidden == set() and sheet.filtered is False  # known as the rows are read
    rows = list(sheet.rows)
    assert [number for number, _ in rows] == list(range(1, 13))  # hidden rows are yielded too
    assert sheet.hidden == {3, 4, 9} and sheet.filtered is True
    again = read_xlsx(book([(1, None), (2, None)], writer))[0]
    list(again.rows)
    assert again.hidden == set() and again.filtered is False


ALIASES = alias_table({"staff_no": ("工号",), "name": ("姓名",), "unit": ("单位",), "rank": ("职级",),
                       "id_number": ("身份证号",)})
REQUIRED = ("staff_no", "name")


def test_stacked_takes_the_lower_cell_and_the_upper_where_the_lower_is_blank():
    assert stacked(["序号", "基本信息", None, "任职信息"], ["", "工号", "姓名", "职级", "备注"]) == [
        "序号", "工号", "姓名", "职级", "备注"]
    assert stacked(["工号", "姓名", "身份证号"], ["", " "]) == ["工号", "姓名", "身份证号"]


@pytest.mark.parametrize("rows, expected", [
    # a group row merged across, a column merged down: two rows
    ([["花名册"], ["序号", "基本信息", "", "", "身份证号"], ["", "工号", "姓名", "单位", ""], ["1", "001", "张三", "城关镇", "x"]],
     (1, 2, {"staff_no": 1, "name": 2, "unit": 3, "id_number": 4})),
    # 工号 and 姓名 merged down, the rest under a group cell
    ([["工号", "姓名", "任职信息", ""], ["", "", "单位", "职级"], ["001", "张三", "城关镇", "科员"]],
     (0, 2, {"staff_no": 0, "name": 1, "unit": 2, "rank": 3})),
    # a group row that adds nothing: the one row below it
    ([["序号", "基本信息", ""], ["", "工号", "姓名"], ["1", "001", "张三"]], (1, 1, {"staff_no": 1, "name": 2})),
    # an ordinary header followed by data stays one row, whatever is blank in the data
    ([["工号", "姓名", "单位", "职级"], ["001", "张三", "", ""]], (0, 1, {"staff_no": 0, "name": 1, "unit": 2, "rank": 3})),
    # a title row above an ordinary header
    ([["填报单位：城关镇", "", "", "填报日期"], ["", "工号", "姓名", "单位"], ["", "1", "甲", "乙"]],
     (1, 1, {"staff_no": 1, "name": 2, "unit": 3})),
    # merged cells read with their value filled in: the lower row names everything
    ([["序号", "工号", "姓名", "基本信息", "基本信息", "身份证号"], ["序号", "工号", "姓名", "单位", "职级", "身份证号"], ["1"]],
     (1, 1, {"staff_no": 1, "name": 2, "unit": 3, "rank": 4, "id_number": 5})),
    # a header merged down over two rows in every cell
    ([["工号", "姓名", "单位"], ["工号", "姓名", "单位"], ["1", "甲", "乙"]], (0, 1, {"staff_no": 0, "name": 1, "unit": 2})),
    ([["说明"], ["工号"], ["1"]], None),
])
def test_find_header_rows(rows, expected):
    assert find_header_rows(rows, ALIASES, REQUIRED) == expected
