"""A campaign's district page as one Excel workbook (xlsxwriter, the results export's conventions:
a title row naming the campaign and the export time, a frozen header, an autofilter, set column
widths; numbers are numbers, rates are percentages).

Sheets: 单位排名 (the league with the bands and flags), 分层级 (each unit's figures per tier),
自测与抽测 (per unit and tier the self-test average beside the spot test's, and the gap),
提示 (one row per flag).
"""
import io
import re
from datetime import datetime

import xlsxwriter

from ..results.export import number_cell, titled_sheet, workbook_styles
from .bands import BANDS
from .figures import REPORT_STATES, Figures
from .services import Overview

FIGURE_HEADERS = ["应参加", "免测", "参考", "参考率", "合格", "合格率", "优秀", "优秀率", "平均分（百分制）"]


def export_filename(campaign, moment: datetime) -> str:
    title = re.sub(r'[\\/:*?"<>|\s]+', "_", campaign.title).strip("_") or "活动"
    return f"{title}-活动汇总-{moment:%Y%m%d-%H%M}.xlsx"


def write_workbook(view: Overview, moment: datetime, target=None):
    """Write the workbook to ``target`` (a path), or to a returned in-memory stream.
    ``moment`` is the export time in local time."""
    stream = io.BytesIO() if target is None else None
    book = xlsxwriter.Workbook(stream if target is None else str(target), {
        "constant_memory": True, "remove_timezone": True, "strings_to_formulas": False, "strings_to_urls": False})
    styles = workbook_styles(book)
    stamp = f"{view.campaign.title}（导出时间 {moment:%Y-%m-%d %H:%M}）"
    _league(book, styles, view, stamp)
    _tiers(book, styles, view, stamp)
    _gaps(book, styles, view, stamp)
    _flags(book, styles, view, stamp)
    book.close()
    if stream is not None:
        stream.seek(0)
    return stream


def _figures(sheet, styles, row: int, column: int, figures: Figures) -> int:
    for value, style in ((figures.expected, None), (figures.exempt, None), (figures.took, None),
                         (figures.participation, styles["percent"]), (figures.passed, None),
                         (figures.pass_rate, styles["percent"]), (figures.excellent, None),
                         (figures.excellent_rate, styles["percent"]), (figures.average, styles["decimal"])):
        number_cell(sheet, row, column, value, style)
        column += 1
    return column


def _league(book, styles, view: Overview, stamp: str) -> None:
    headers = (["名次", "单位", "自测场次", "报送"] + FIGURE_HEADERS + list(BANDS) + ["提示"])
    sheet = titled_sheet(book, styles, "单位排名", stamp, headers, [6, 24, 8, 11] + [9] * len(FIGURE_HEADERS)
                   + [7] * len(BANDS) + [50])
    row = 2
    for line in view.lines:
        number_cell(sheet, row, 0, line.rank)
        sheet.write_string(row, 1, line.name)
        sheet.write_number(row, 2, len(line.tests))
        sheet.write_string(row, 3, REPORT_STATES[line.report])
        column = _figures(sheet, styles, row, 4, line.own)
        for band in BANDS:
            sheet.write_number(row, column, line.own.bands.get(band, 0))
            column += 1
        sheet.write_string(row, column, "；".join(line.flags), styles["wrap"])
        row += 1
    sheet.autofilter(1, 0, max(row - 1, 1), len(headers) - 1)


def _tiers(book, styles, view: Overview, stamp: str) -> None:
    headers = ["单位", "层级"] + FIGURE_HEADERS + list(BANDS)
    sheet = titled_sheet(book, styles, "分层级", stamp, headers, [24, 10] + [9] * len(FIGURE_HEADERS) + [7] * len(BANDS))
    row = 2
    for line in sorted(view.lines, key=lambda each: each.name):
        for tier in view.tiers:
            figures = line.own_tiers.get(tier)
            if figures is None:
                continue
            sheet.write_string(row, 0, line.name)
            sheet.write_string(row, 1, tier)
            column = _figures(sheet, styles, row, 2, figures)
            for band in BANDS:
                sheet.write_number(row, column, figures.bands.get(band, 0))
                column += 1
            row += 1
    sheet.autofilter(1, 0, max(row - 1, 1), len(headers) - 1)


def _gaps(book, styles, view: Overview, stamp: str) -> None:
    headers = ["单位", "层级", "自测平均分", "抽测参考", "抽测平均分", "差值（自测−抽测）", f"差值超过 {view.thresholds.gap:g} 分"]
    sheet = titled_sheet(book, styles, "自测与抽测", stamp, headers, [24, 10, 11, 9, 11, 14, 14])
    for row, gap in enumerate(view.gaps, start=2):
        line = view.line_of(gap.unit_id)
        sheet.write_string(row, 0, gap.unit)
        sheet.write_string(row, 1, gap.tier)
        number_cell(sheet, row, 2, gap.own, styles["decimal"])
        number_cell(sheet, row, 3, line.spot_tiers[gap.tier].took if line else None)
        number_cell(sheet, row, 4, gap.spot, styles["decimal"])
        number_cell(sheet, row, 5, gap.gap, styles["decimal"])
        sheet.write_string(row, 6, "是" if gap.flagged else "")
    sheet.autofilter(1, 0, max(len(view.gaps) + 1, 1), len(headers) - 1)


def _flags(book, styles, view: Overview, stamp: str) -> None:
    headers = ["单位", "名次", "提示"]
    sheet = titled_sheet(book, styles, "提示", stamp, headers, [24, 6, 60])
    row = 2
    for line in sorted(view.lines, key=lambda each: each.name):
        for flag in line.flags:
            sheet.write_string(row, 0, line.name)
            number_cell(sheet, row, 1, line.rank)
            sheet.write_string(row, 2, flag)
            row += 1
    sheet.autofilter(1, 0, max(row - 1, 1), len(headers) - 1)
