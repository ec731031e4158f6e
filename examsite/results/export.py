"""A test's results as one Excel workbook (xlsxwriter, written row by row in constant memory).

Sheets: 成绩明细 (every person; a campaign's test adds the band, 等次, and a test with make-ups
the make-up score and the score that counts), 单位汇总, 层级汇总, 试题分析, 图表 (native Excel charts of the
pass rate per unit and of the score distribution). Each table has a title row naming the test
and the export time, a frozen header, an autofilter and set column widths; numbers are
numbers and times are Excel datetimes.
"""
import io
import re
from datetime import datetime

import xlsxwriter

from .. import qtypes
from ..clock import to_local
from .services import STATUS, Results, answer_label, type_name
from .statistics import ItemStats, PlanMarks, Summary, plan_marks

SUMMARY_HEADERS = ["应参加", "已开始", "已交卷", "未参加", "参与率", "平均分", "中位数", "及格人数", "及格率"]


def export_filename(exam, moment: datetime) -> str:
    title = re.sub(r'[\\/:*?"<>|\s]+', "_", exam.title).strip("_") or "测试"
    return f"{title}-成绩-{moment:%Y%m%d-%H%M}.xlsx"


def write_workbook(result: Results, items: list[ItemStats], moment: datetime, sittings=None, target=None):
    """Write the workbook to ``target`` (a path), or to a returned in-memory stream.
    ``moment`` is the export time in local time; ``sittings`` (results.makeups) the test's
    make-ups, if any."""
    stream = io.BytesIO() if target is None else None
    book = xlsxwriter.Workbook(stream if target is None else str(target), {"constant_memory": True, "remove_timezone": True,
                                                                       "strings_to_formulas": False, "strings_to_urls": False})
    styles = workbook_styles(book)
    stamp = f"{result.exam.title}（导出时间 {moment:%Y-%m-%d %H:%M}）"
    planned = {section["qtype"] for plan in result.exam.plans for section in plan.sections}
    types = [qtype for qtype in qtypes.REGISTRY if qtype in planned]  # a column each, in display order
    _people(book, styles, result, types, stamp, sittings)
    units = result.by_unit()
    _summaries(book, styles, "单位汇总", "单位", units, stamp)
    marks = {m.tier: m for m in plan_marks(result.exam.plans)}
    _summaries(book, styles, "层级汇总", "层级", result.by_tier(), stamp, marks)
    _items(book, styles, items, stamp)
    _charts(book, styles, result, len(units), stamp)
    book.close()
    if stream is not None:
        stream.seek(0)
    return stream


def workbook_styles(book) -> dict:
    return {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "header": book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True,
                                   "valign": "vcenter"}),
        "time": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "percent": book.add_format({"num_format": "0.0%"}),
        "score": book.add_format({"num_format": "0.##"}),
        "decimal": book.add_format({"num_format": "0.00"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }


def titled_sheet(book, styles, name: str, stamp: str, headers: list[str], widths: list[float]):
    """A worksheet with its title row, header row, widths and frozen header."""
    sheet = book.add_worksheet(name)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.write_string(0, 0, f"{stamp} {name}", styles["title"])
    sheet.write_row(1, 0, headers, styles["header"])
    sheet.freeze_panes(2, 0)
    return sheet


def number_cell(sheet, row, column, value, style=None):
    if value is None:
        sheet.write_blank(row, column, None, style)
    else:
        sheet.write_number(row, column, value, style)


MAKEUP_HEADERS = ["补测状态", "补测得分", "计入成绩", "计入等次", "计分说明"]


def _people(book, styles, result: Results, types: list[str], stamp: str, sittings=None) -> None:
    banded = result.bands is not None
    headers = (["工号", "姓名", "单位", "层级", "状态"] + [type_name(t) for t in types]
               + ["总分", "是否及格"] + (["等次"] if banded else []) + ["开始时间", "交卷时间", "用时（分钟）"]
               + (MAKEUP_HEADERS if sittings else []))
    sheet = titled_sheet(book, styles, "成绩明细", stamp, headers,
                   [12, 10, 32, 10, 8] + [8] * len(types) + [8, 9] + ([8] if banded else []) + [17, 17, 11]
                   + ([9, 9, 9, 9, 30] if sittings else []))
    row = 2
    for person in result.rows:
        sheet.write_string(row, 0, person.staff_no)
        sheet.write_string(row, 1, person.name)
        sheet.write_string(row, 2, person.unit_path)
        sheet.write_string(row, 3, person.tier)
        sheet.write_string(row, 4, f"免测（{person.exempt}）" if person.exempt else STATUS[person.status])
        column = 5
        detail = person.per_type if person.status == "submitted" else {}
        for qtype in types:
            number_cell(sheet, row, column, detail.get(qtype), styles["score"])
            column += 1
        number_cell(sheet, row, column, person.score, styles["score"])
        if person.passed is not None:
            sheet.write_string(row, column + 1, "及格" if person.passed else "不及格")
        if banded:
            column += 1
            if person.band:
                sheet.write_string(row, column + 1, person.band)
        for offset, moment in ((2, person.started_at), (3, person.submitted_at)):
            if moment is not None:
                sheet.write_datetime(row, column + offset, to_local(moment), styles["time"])
        used = person.seconds_used
        number_cell(sheet, row, column + 4, round(used / 60, 1) if used is not None else None)
        if sittings:
            _sittings_cells(sheet, styles, row, column + 5, sittings.of(person.staff_id))
        row += 1
    sheet.autofilter(1, 0, max(row - 1, 1), len(headers) - 1)


def _sittings_cells(sheet, styles, row: int, column: int, standing) -> None:
    """The make-up columns of one person (campaigns.standings.Standing, or None)."""
    if standing is None:
        return
    if standing.status == "exempt":
        sheet.write_string(row, column, f"免测（{standing.exemption}）")
        return
    if standing.makeup_status:
        sheet.write_string(row, column, STATUS[standing.makeup_status])
    number_cell(sheet, row, column + 1, standing.makeup.score if standing.makeup else None, styles["score"])
    number_cell(sheet, row, column + 2, standing.score, styles["score"])
    if standing.band:
        sheet.write_string(row, column + 3, standing.band)
    if standing.note:
        sheet.write_string(row, column + 4, standing.note)


def _summary_cells(sheet, styles, row: int, name: str, summary: Summary) -> None:
    sheet.write_string(row, 0, name)
    for column, (value, style) in enumerate(
            [(summary.assigned, None), (summary.started, None), (summary.submitted, None), (summary.absent, None),
             (summary.participation, styles["percent"]), (summary.average, styles["decimal"]),
             (summary.median, styles["decimal"]), (summary.passed, None), (summary.pass_rate, styles["percent"])],
            start=1):
        number_cell(sheet, row, column, value, style)


def _summaries(book, styles, name: str, first: str, rows: list[tuple[str, Summary]], stamp: str,
               marks: dict[str, PlanMarks] | None = None) -> None:
    """A summary per unit or tier; with ``marks`` (per tier) the paper's full marks and pass mark
    follow in two more columns."""
    extra = ["满分", "及格分"] if marks is not None else []
    headers = [first] + SUMMARY_HEADERS + extra
    sheet = titled_sheet(book, styles, name, stamp, headers, [32] + [9] * (len(headers) - 1))
    for row, (label, summary) in enumerate(rows, start=2):
        _summary_cells(sheet, styles, row, label, summary)
        if marks is not None:
            plan = marks.get(label)
            number_cell(sheet, row, len(SUMMARY_HEADERS) + 1, plan.full_marks if plan else None, styles["score"])
            number_cell(sheet, row, len(SUMMARY_HEADERS) + 2, plan.pass_mark if plan else None, styles["score"])
    sheet.autofilter(1, 0, max(len(rows) + 1, 1), len(headers) - 1)


def _items(book, styles, items: list[ItemStats], stamp: str) -> None:
    headers = ["题目", "题型", "标准答案", "作答人数", "答对人数", "正确率", "区分度", "多数人答错", "答案可能有误",
               "前 27% 多选的答案", "各答案占比"]
    sheet = titled_sheet(book, styles, "试题分析", stamp, headers, [60, 8, 12, 9, 9, 9, 9, 10, 11, 14, 40])
    for row, item in enumerate(items, start=2):
        sheet.write_string(row, 0, item.stem, styles["wrap"])
        sheet.write_string(row, 1, type_name(item.qtype))
        sheet.write_string(row, 2, answer_label(item.qtype, item.key))
        sheet.write_number(row, 3, item.seen)
        sheet.write_number(row, 4, item.correct)
        number_cell(sheet, row, 5, item.correct_rate, styles["percent"])
        number_cell(sheet, row, 6, item.discrimination, styles["decimal"])
        sheet.write_string(row, 7, "是" if item.hard else "")
        sheet.write_string(row, 8, "是" if item.key_suspect else "")
        sheet.write_string(row, 9, item.top_choice or "")
        shares = sorted(item.choices.items(), key=lambda pair: -pair[1])[:8]
        sheet.write_string(row, 10, "；".join(f"{choice} {share:.1%}" for choice, share in shares), styles["wrap"])
    sheet.autofilter(1, 0, max(len(items) + 1, 1), len(headers) - 1)


def _charts(book, styles, result: Results, unit_count: int, stamp: str) -> None:
    """The distribution table and two charts; the pass-rate chart reads 单位汇总."""
    sheet = titled_sheet(book, styles, "图表", stamp, ["分数段", "人数"], [12, 8])
    bins = result.distribution()
    for row, band in enumerate(bins, start=2):
        sheet.write_string(row, 0, band.label)
        sheet.write_number(row, 1, band.count)
    if bins:
        spread = book.add_chart({"type": "column"})
        spread.add_series({"name": "人数", "categories": ["图表", 2, 0, len(bins) + 1, 0],
                           "values": ["图表", 2, 1, len(bins) + 1, 1], "fill": {"color": "#B02A37"},
                           "data_labels": {"value": True}})
        spread.set_title({"name": "成绩分布"})
        spread.set_x_axis({"name": "分数段"})
        spread.set_y_axis({"name": "人数"})
        spread.set_legend({"none": True})
        sheet.insert_chart(1, 3, spread, {"x_scale": 1.4, "y_scale": 1.2})
    if unit_count:
        rates = book.add_chart({"type": "bar"})
        rates.add_series({"name": "及格率", "categories": ["单位汇总", 2, 0, unit_count + 1, 0],
                          "values": ["单位汇总", 2, 9, unit_count + 1, 9], "fill": {"color": "#B02A37"},
                          "data_labels": {"value": True, "num_format": "0.0%"}})
        rates.set_title({"name": "各单位及格率"})
        rates.set_x_axis({"num_format": "0%", "min": 0, "max": 1})
        rates.set_y_axis({"reverse": True})
        rates.set_legend({"none": True})
        sheet.insert_chart(20, 3, rates, {"x_scale": 1.4, "y_scale": max(1.0, unit_count / 12)})
