"""The 成绩汇总表 of a unit's report, as an Excel workbook and as a Word document.

Both are written from the report's snapshot alone (campaigns.reports.build_snapshot), never
from the database, so a submitted report's sheet never changes. A snapshot with no
``submitted`` part is a draft: its documents say 草稿（未报送） in the title.

The workbook keeps the conventions of the results export (results/export.py): each table has
a title row, a frozen header, an autofilter and set widths; numbers are numbers.
"""
import io
import re

import xlsxwriter

from ..formatting import percent, points
from ..results.export import number_cell, titled_sheet, workbook_styles

FIGURE_HEADERS = ["层级", "应参加", "免测", "参考", "参考率", "合格", "合格率", "优秀", "优秀率", "平均分（百分制）",
                  "优秀等次", "良好等次", "合格等次", "不合格等次"]
BAND_KEYS = ("优秀", "良好", "合格", "不合格")
SIGNATURES = ("单位负责人（签字）：", "（盖章）", "填报人：", "联系电话：", "日期：")
DRAFT = "草稿（未报送）"

#: the lists after the figures: (key, heading, columns as (header, field, width))
PERSON = [("工号", "staff_no", 12), ("姓名", "name", 10), ("单位", "unit", 30), ("层级", "tier", 10),
          ("测试", "test", 26)]
SCORE = [("成绩", "score", 8), ("满分", "full_marks", 7), ("百分制", "percent", 8)]
LISTS = (
    ("failed", "不合格人员", PERSON + SCORE + [("计分说明", "note", 30)]),
    ("absent", "未参加人员", PERSON + [("情况", "status", 20)]),
    ("exempt", "免测人员", PERSON + [("免测类别", "kind", 10), ("原因", "reason", 40)]),
    ("scores", "成绩名单", PERSON + SCORE + [("等次", "band", 8), ("说明", "note", 30)]),
)
NUMERIC = {"score", "full_marks", "percent"}


def is_draft(snapshot: dict) -> bool:
    return not snapshot.get("submitted")


def sheet_title(snapshot: dict) -> str:
    title = f"{snapshot['unit']['name']}“{snapshot['campaign']['title']}”成绩汇总表"
    return f"{title}（{DRAFT}）" if is_draft(snapshot) else title


def status_line(snapshot: dict) -> str:
    """Who submitted it and when, against the deadline; for a draft, when it was drawn up."""
    submitted = snapshot.get("submitted")
    due = snapshot["campaign"]["report_due"]
    if not submitted:
        return f"{DRAFT}：按 {snapshot['generated_at']} 的成绩生成，报送截止 {due}。"
    late = "，逾期报送" if submitted.get("late") else "，按时报送"
    return f"{submitted.get('by') or ''} 于 {submitted['at']} 报送（截止 {due}{late}）。"


def filename(snapshot: dict, extension: str) -> str:
    base = re.sub(r'[\\/:*?"<>|\s]+', "_", f"{snapshot['unit']['name']}-{snapshot['campaign']['title']}").strip("_")
    suffix = "-草稿" if is_draft(snapshot) else ""
    return f"{base or '单位'}-成绩汇总表{suffix}.{extension}"


def figure_rows(snapshot: dict) -> list[dict]:
    return list(snapshot["tiers"]) + [snapshot["total"]]


def info_lines(snapshot: dict) -> list[str]:
    campaign, unit = snapshot["campaign"], snapshot["unit"]
    lines = [f"单位：{unit['path']}",
             f"活动：{campaign['title']}（{campaign['starts_at']} 至 {campaign['ends_at']}）",
             f"报送截止：{campaign['report_due']}"]
    for test in snapshot["tests"]:
        kind = f"（“{test['makeup_of']}”的补测）" if test.get("makeup_of") else ""
        marks = "、".join(f"{m['tier']}满分 {m['full_marks']:g} 分、及格 {m['pass_mark']:g} 分"
                          for m in test["marks"])
        lines.append(f"测试：{test['title']}{kind}，{test['opens_at']} 至 {test['closes_at']}，"
                     f"层级：{'、'.join(test['tiers']) or '—'}" + (f"（{marks}）" if marks else ""))
    if not snapshot["tests"]:
        lines.append("测试：本单位尚未组织自测")
    lines.append(f"等次：{snapshot['bands']['text']}")
    lines.append(f"补测计分：{snapshot['rule']}")
    lines.append(f"报送情况：{status_line(snapshot)}")
    return lines


# ---- Excel ----------------------------------------------------------------------------------

def write_workbook(snapshot: dict) -> io.BytesIO:
    stream = io.BytesIO()
    book = xlsxwriter.Workbook(stream, {"constant_memory": True, "remove_timezone": True,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    styles = workbook_styles(book)
    styles["draft"] = book.add_format({"bold": True, "font_color": "#B02A37", "font_size": 13})
    stamp = sheet_title(snapshot)
    _summary(book, styles, snapshot, stamp)
    for key, heading, columns in LISTS:
        _list(book, styles, snapshot[key], heading, columns, stamp)
    book.close()
    stream.seek(0)
    return stream


def _summary(book, styles, snapshot: dict, stamp: str) -> None:
    sheet = book.add_worksheet("汇总")
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, len(FIGURE_HEADERS) - 1, 10)
    sheet.write_string(0, 0, stamp, styles["draft"] if is_draft(snapshot) else styles["title"])
    row = 1
    for line in info_lines(snapshot):
        sheet.write_string(row, 0, line)
        row += 1
    row += 1
    header = row
    sheet.write_row(row, 0, FIGURE_HEADERS, styles["header"])
    for figures in figure_rows(snapshot):
        row += 1
        sheet.write_string(row, 0, figures["tier"])
        for column, (value, style) in enumerate(
                [(figures["expected"], None), (figures["exempt"], None), (figures["took"], None),
                 (figures["participation"], styles["percent"]), (figures["passed"], None),
                 (figures["pass_rate"], styles["percent"]), (figures["excellent"], None),
                 (figures["excellent_rate"], styles["percent"]), (figures["average"], styles["decimal"])]
                + [(figures["bands"].get(band, 0), None) for band in BAND_KEYS], start=1):
            number_cell(sheet, row, column, value, style)
    sheet.freeze_panes(header + 1, 0)
    row += 2
    for first, second in ((SIGNATURES[0], SIGNATURES[1]), (SIGNATURES[2], SIGNATURES[3]), (SIGNATURES[4], None)):
        sheet.write_string(row, 0, first)
        if second:
            sheet.write_string(row, 6, second)
        row += 2


def _list(book, styles, people: list[dict], heading: str, columns, stamp: str) -> None:
    headers = ["序号"] + [header for header, _, _ in columns]
    sheet = titled_sheet(book, styles, heading, stamp, headers, [6] + [width for _, _, width in columns])
    for row, person in enumerate(people, start=2):
        sheet.write_number(row, 0, row - 1)
        for column, (_, field, _) in enumerate(columns, start=1):
            value = person.get(field)
            if field in NUMERIC:
                number_cell(sheet, row, column, value, styles["decimal"] if field == "percent" else styles["score"])
            else:
                sheet.write_string(row, column, str(value or ""))
    sheet.autofilter(1, 0, max(len(people) + 1, 1), len(headers) - 1)


# ---- Word ----------------------------------------------------------------------------------

def write_docx(snapshot: dict) -> io.BytesIO:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = section.right_margin = Mm(18)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "SimSun", Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    if is_draft(snapshot):
        header = section.header.paragraphs[0]
        header.text = DRAFT
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(sheet_title(snapshot))
    run.bold, run.font.size = True, Pt(16)
    if is_draft(snapshot):
        run.font.color.rgb = RGBColor(0xB0, 0x2A, 0x37)
    for line in info_lines(snapshot):
        document.add_paragraph(line)

    document.add_heading("一、各层级情况", level=2)
    _docx_table(document, FIGURE_HEADERS, [
        [figures["tier"], figures["expected"], figures["exempt"], figures["took"], percent(figures["participation"]),
         figures["passed"], percent(figures["pass_rate"]), figures["excellent"], percent(figures["excellent_rate"]),
         points(figures["average"])] + [figures["bands"].get(band, 0) for band in BAND_KEYS]
        for figures in figure_rows(snapshot)], size=Pt(8))
    _signature_lines(document)

    numbers = ("二", "三", "四", "五")
    for n, (key, heading, columns) in enumerate(LISTS):
        people = snapshot[key]
        if n == 0 or key == "scores":  # the summary signs on a page of its own; the long list starts afresh
            document.add_page_break()
        document.add_heading(f"{numbers[n]}、{heading}（{len(people)} 人）", level=2)
        if not people:
            document.add_paragraph("无。")
            continue
        _docx_table(document, ["序号"] + [header for header, _, _ in columns], [
            [index] + [_cell(person.get(field), field) for _, field, _ in columns]
            for index, person in enumerate(people, start=1)], size=Pt(8))
    stream = io.BytesIO()
    document.save(stream)
    stream.seek(0)
    return stream


def _cell(value, field: str) -> str:
    if field in NUMERIC:
        return points(value)
    return "" if value is None else str(value)


def _docx_table(document, headers: list[str], rows: list[list], size) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    head = table.rows[0]
    mark = OxmlElement("w:tblHeader")  # the header row repeats on every printed page
    mark.set(qn("w:val"), "true")
    head._tr.get_or_add_trPr().append(mark)
    for cell, text in zip(head.cells, headers):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold, run.font.size = True, size
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = str(value)
            for run in cell.paragraphs[0].runs:
                run.font.size = size


def _signature_lines(document) -> None:
    from docx.shared import Pt

    document.add_paragraph()
    for line in (f"{SIGNATURES[0]}__________________　　　　{SIGNATURES[1]}",
                 f"{SIGNATURES[2]}______________　　{SIGNATURES[3]}______________",
                 f"{SIGNATURES[4]}______年____月____日"):
        paragraph = document.add_paragraph(line)
        paragraph.paragraph_format.space_before = Pt(14)
