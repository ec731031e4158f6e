"""Headers as offices and HR systems lay them out: spellings, a header merged down over two rows,
headers repeated down the sheet; and a property test over generated two-row headers, column
orders, merges and filtered rows, without a database."""
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examsite.roster.reader import read_sheets
from examsite.roster.records import parse_sheets

from .hr_export import id_number

TIERS = ["县处级", "乡科级", "一般干部"]
RANKS = {"四级调研员": "县处级", "一级主任科员": "乡科级", "科员": "一般干部"}
WRITERS = ["openpyxl", "xlsxwriter"]


def write(rows, writer, merges=(), hidden=()) -> bytes:
    """rows of cells (None blank); merges as (first row, first col, last row, last col), 1-based,
    with the value in the first cell, written the way each library writes a merge."""
    out = io.BytesIO()
    if writer == "openpyxl":
        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        for top, left, bottom, right in merges:
            sheet.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
        for row in hidden:
            sheet.row_dimensions[row].hidden = True
        if hidden:
            sheet.auto_filter.ref = f"A1:{openpyxl.utils.get_column_letter(max(len(r) for r in rows))}{len(rows)}"
        book.save(out)
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(out)
        sheet = book.add_worksheet()
        covered = set()
        for top, left, bottom, right in merges:
            sheet.merge_range(top - 1, left - 1, bottom - 1, right - 1, rows[top - 1][left - 1])
            covered |= {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and (r, c) not in covered:
                    (sheet.write_string if isinstance(value, str) else sheet.write_number)(r - 1, c - 1, value)
            if r in hidden:
                sheet.set_row(r - 1, None, None, {"hidden": True})
        if hidden:
            sheet.autofilter(0, 0, len(rows) - 1, max(len(r) for r in rows) - 1)
        book.close()
    return out.getvalue()


def parse(data, name="名单.xlsx"):
    return parse_sheets(read_sheets(name, data), TIERS, RANKS)


@pytest.mark.parametrize("writer", WRITERS)
def test_hr_spellings_of_the_columns(writer):
    rows = [["人员编码", "人员姓名", "所属单位", "现任职级", "担任职务", "证件号码"],
            ["A001", "张三", "城关镇", "科员", "办事员", id_number(1)],
            ["A002", "李四", "城关镇", "四级调研员", "副局长", id_number(2)]]
    parsed = parse(write(rows, writer))
    assert parsed.errors == []
    assert [(r.staff_no, r.name, r.unit_text, r.rank, r.tier, r.position, r.id_number[-4:]) for r in parsed.records] == [
        ("A001", "张三", "城关镇", "科员", "一般干部", "办事员", id_number(1)[-4:].upper()),
        ("A002", "李四", "城关镇", "四级调研员", "县处级", "副局长", id_number(2)[-4:].upper())]


@pytest.mark.parametrize("writer", WRITERS)
def test_a_header_merged_down_over_two_rows_and_repeated_down_the_sheet(writer):
    header = ["工号", "姓名", "单位", "职级"]
    rows = [["城南区干部名单"], header, [None] * 4]
    merges = [(1, 1, 1, 4)] + [(2, c, 3, c) for c in range(1, 5)]  # every header cell merged over rows 2–3
    for n in range(1, 31):
        rows.append([f"{n:04d}", f"人员{n}", "城关镇", "科员"])
        if n % 12 == 0:  # the header again, as on each printed page
            rows.append(header)
    parsed = parse(write(rows, writer, merges))
    assert parsed.errors == []
    assert [r.staff_no for r in parsed.records] == [f"{n:04d}" for n in range(1, 31)]
    assert parsed.notes == ["第 16、29 行是重复的表头，已跳过。"]


FIELDS = ["工号", "姓名", "单位", "职级", "身份证号"]
EXTRAS = ["序号", "性别", "出生年月", "备注"]
GROUPS = ["基本信息", "任职信息", "其他信息"]


@st.composite
def hr_sheets(draw):
    columns = draw(st.permutations(FIELDS + draw(st.lists(st.sampled_from(EXTRAS), unique=True, max_size=3))))
    down = [draw(st.booleans()) for _ in columns]  # merged down over both header rows, or under a group cell
    titles = draw(st.integers(0, 2))
    people = draw(st.integers(1, 30))
    hidden = draw(st.sets(st.integers(0, people - 1), max_size=people - 1))
    number_as_int = draw(st.booleans())
    return columns, down, titles, people, hidden, number_as_int, draw(st.sampled_from(WRITERS))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hr_sheets())
def test_generated_two_row_headers_read_every_shown_person(shape):
    columns, down, titles, count, hidden, number_as_int, writer = shape
    width = len(columns)
    rows, merges = [], []
    for t in range(titles):
        rows.append([f"标题第{t + 1}行"] + [None] * (width - 1))
        merges.append((t + 1, 1, t + 1, width))
    upper, lower = [None] * width, [None] * width
    top = titles + 1
    c = 0
    group = 0
    while c < width:
        if down[c]:
            upper[c] = columns[c]
            merges.append((top, c + 1, top + 1, c + 1))
            c += 1
            continue
        end = c
        while end + 1 < width and not down[end + 1]:
            end += 1
        upper[c] = GROUPS[group % len(GROUPS)]
        group += 1
        if end > c:
            merges.append((top, c + 1, top, end + 1))
        for k in range(c, end + 1):
            lower[k] = columns[k]
        c = end + 1
    rows += [upper, lower]
    ranks = list(RANKS)
    people = []
    for n in range(count):
        person = {"工号": f"{n + 7:06d}", "姓名": f"干部{n}", "单位": "城关镇/党政办", "职级": ranks[n % 3],
                  "身份证号": id_number(n), "序号": n + 1, "性别": "男", "出生年月": "1980.01", "备注": ""}
        people.append(person)
        rows.append([(n + 7 if number_as_int and col == "工号" else person[col] or None) for col in columns])
    first_data = len(rows) - count + 1
    hidden_rows = {first_data + n for n in hidden}
    parsed = parse(write(rows, writer, merges, hidden_rows))
    assert parsed.errors == []
    shown = [p for n, p in enumerate(people) if n not in hidden]
    expected_numbers = [str(int(p["工号"])) if number_as_int else p["工号"] for p in shown]
    assert [r.staff_no for r in parsed.records] == expected_numbers
    assert [r.tier for r in parsed.records] == [RANKS[p["职级"]] for p in shown]
    assert [r.id_number for r in parsed.records] == ["*" * 14 + p["身份证号"][-4:].upper() for p in shown]
    assert [r.row for r in parsed.records] == [first_data + n for n in range(count) if n not in hidden]
    assert [(h.row, h.name) for h in parsed.hidden] == [(first_data + n, people[n]["姓名"]) for n in sorted(hidden)]
