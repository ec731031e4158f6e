"""Reading roster files, without a database."""
import pytest

from examsite.roster.reader import RosterFileError, read_sheets
from examsite.roster.records import parse_sheets

from .files import HEADER, csv_bytes, xlsx

TIERS = ["县处级", "乡科级", "一般干部"]


def read_table(filename, data):
    """The first sheet, as the tests of a single-sheet file read it."""
    return read_sheets(filename, data)[0]


def parse_records(sheet, tiers, ranks=None):
    parsed = parse_sheets([sheet], tiers, ranks or {})
    return parsed.records, parsed.errors


def test_xlsx_rows_keep_their_row_numbers():
    table = read_table("名单.xlsx", xlsx([["0012", "张三", "城关镇", "乡科级", "科长"],
                                          [], ["0013", "李四", "城关镇", "一般干部", None]]))
    assert table.rows[0][1] == HEADER
    assert [number for number, _, _ in table.rows] == [1, 2, 4]
    assert table.rows[1][1] == ["0012", "张三", "城关镇", "乡科级", "科长"]
    assert table.rows[2][1][4] == ""
    assert table.blank_rows == 1


def test_numeric_staff_number_has_no_trailing_zero():
    table = read_table("a.xlsx", xlsx([[1001, "张三", "城关镇", "乡科级", "科长"]]))
    assert table.rows[1][1][0] == "1001"
    assert table.rows[1][2] == {0}  # the cell was a number


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_or_gbk_is_read_without_mojibake(encoding):
    data = csv_bytes([["A01", "欧阳娜", "城南区/城关镇/党政办", "一般干部", "科员"]], encoding=encoding)
    table = read_table("名单.csv", data)
    assert table.rows[0][1] == HEADER
    assert table.rows[1][1][1] == "欧阳娜"
    assert table.rows[1][1][2] == "城南区/城关镇/党政办"


def test_headers_in_any_order_and_with_spaces():
    header = ["姓 名", "单位", "职务", "干部层级", "工号"]
    table = read_table("a.xlsx", xlsx([["张三", "城关镇", "科员", "一般干部", "007"]], header=header))
    records, errors = parse_records(table, TIERS)
    assert errors == []
    assert records[0].staff_no == "007" and records[0].name == "张三" and records[0].position == "科员"


def test_position_column_is_optional():
    table = read_table("a.csv", csv_bytes([["1", "张三", "城关镇", "一般干部"]], header=HEADER[:4]))
    records, errors = parse_records(table, TIERS)
    assert errors == [] and records[0].position is None


def test_unit_cell_becomes_a_path():
    table = read_table("a.csv", csv_bytes([["1", "张三", "城南区／城关镇 / 党政办", "一般干部", ""]]))
    records, _ = parse_records(table, TIERS)
    assert records[0].unit_path == ("城南区", "城关镇", "党政办")


@pytest.mark.parametrize("name, data, message", [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel（.xls）"),
    ("renamed.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel（.xls）"),
    ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "无法作为 Excel（.xlsx）打开"),
    ("notes.docx", b"PK\x03\x04", "不支持的文件类型"),
    ("empty.csv", b"", "文件是空的"),
    ("blank.csv", b"\r\n ,,\r\n", "没有任何内容"),
    ("binary.csv", b"\x00\x01\x02garbage", "不是文本表格"),
])
def test_unreadable_files_get_a_clear_message(name, data, message):
    with pytest.raises(RosterFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_table(name, data)


def test_missing_columns_are_named():
    table = read_table("a.csv", csv_bytes([["1", "张三"]], header=["工号", "姓名"]))
    records, errors = parse_records(table, TIERS)
    assert records == []
    assert len(errors) == 1
    assert "第 1 行（表头）缺少必需的列：单位、干部层级（或可按对照表换算的“职级”“职务”）" in errors[0]


def test_every_bad_row_is_named_with_its_number():
    rows = [
        ["1", "张三", "城关镇", "一般干部", ""],     # row 2, fine
        ["", "李四", "城关镇", "一般干部", ""],      # row 3, no 工号
        ["3", "", "城关镇", "一般干部", ""],         # row 4, no name
        ["4", "王五", "城关镇", "处级", ""],          # row 5, unknown tier
        ["1", "赵六", "城关镇", "一般干部", ""],     # row 6, duplicate 工号
        ["6", "钱七", "", "", ""],                   # row 7, no unit, no tier
    ]
    records, errors = parse_records(read_table("a.csv", csv_bytes(rows)), TIERS)
    assert errors == [
        "第 3 行：工号为空。",
        "第 4 行：姓名为空。",
        "第 5 行：干部层级“处级”不在已设置的层级中（县处级、乡科级、一般干部）。",
        "第 6 行：工号 1 与第 2 行重复。",
        "第 7 行：单位为空；干部层级为空，职级、职务也都没有填。",
    ]
    assert [r.staff_no for r in records] == ["1"]


def test_header_only_file_is_refused():
    records, errors = parse_records(read_table("a.csv", csv_bytes([])), TIERS)
    assert errors == ["花名册中只有表头，没有人员数据。"]
