"""Read an uploaded roster (.xlsx or .csv) into rows of text cells. Pure: no Flask, no database."""
import csv
import io
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from ..safe_files import Limits, read_xlsx
from ..uploads import UploadError, decode_text, is_old_office

#: the roster reader's name for an unreadable file
RosterFileError = UploadError

#: what one roster file may hold: a city's staff (50,000) twice over, in any number of sheets
MAX_ROWS = 100_000
XLSX_LIMITS = Limits(rows=MAX_ROWS, columns=100)
MAX_CELL_CHARS = 1000
#: cells one file's merged ranges may fill in (a merged 单位 over the rows of one unit fills a few)
MAX_MERGED_FILL = 2_000_000


@dataclass
class Sheet:
    """The non-blank rows of one sheet (one .csv is one sheet named ""), as text cells.

    Each row keeps its 1-based row number and the positions of the cells Excel held as
    numbers (a 工号 typed as a number may have lost its leading zeros). A number under a
    zero-padding format (000000) is read as Excel shows it (001234), as text.
    """

    name: str
    rows: list[tuple[int, list[str], frozenset[int]]] = field(default_factory=list)
    blank_rows: int = 0
    #: numbers of the rows (among ``rows``) Excel hides: filtered out, or hidden by hand
    hidden: frozenset[int] = frozenset()
    #: whether the sheet has an AutoFilter (its hidden rows are the ones the filter left out)
    filtered: bool = False
    #: "visible", or "hidden" / "veryHidden" for a sheet Excel does not show
    state: str = "visible"


def read_sheets(filename: str, data: bytes) -> list[Sheet]:
    """Every sheet of an .xlsx, or the one sheet of a .csv (UTF-8 or GBK)."""
    name = (filename or "").lower()
    if not data:
        raise RosterFileError("文件是空的，请检查后重新上传。")
    if name.endswith(".xls") or is_old_office(data):
        raise RosterFileError("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再上传。")
    if name.endswith(".xlsx"):
        sheets = _xlsx_sheets(data)
    elif name.endswith(".csv"):
        sheets = [_sheet("", _csv_grid(data))]
    else:
        raise RosterFileError("不支持的文件类型，请上传 .xlsx 或 .csv 格式的花名册。")
    if not any(sheet.rows for sheet in sheets):
        raise RosterFileError("文件中没有任何内容，请检查后重新上传。")
    return sheets


def _xlsx_sheets(data: bytes) -> list[Sheet]:
    """Streamed with safe_files.read_xlsx: bounded in rows, columns, sizes and XML."""
    sheets, total, budget = [], 0, MAX_MERGED_FILL
    for found in read_xlsx(data, XLSX_LIMITS, shown=True):
        sheet = _sheet(found.name, ((number, [(cell_text(v), isinstance(v, (int, float)) and not isinstance(v, bool))
                                              for v in row]) for number, row in found.rows), total)
        sheet.hidden, sheet.filtered = frozenset(found.hidden), found.filtered  # complete: the rows were all read
        sheet.state = found.state
        total += len(sheet.rows)
        width = max((len(texts) for _, texts, _ in sheet.rows), default=0)  # as wide as its widest row, as Excel shows it
        sheet.rows = [(number, texts + [""] * (width - len(texts)), numeric) for number, texts, numeric in sheet.rows]
        budget = _fill_merged(sheet, found.merged, budget)
        sheets.append(sheet)
    return sheets


def _fill_merged(sheet: Sheet, merged: list[tuple[int, int, int, int]], budget: int) -> int:
    """Give every cell of a merged range its value, as Excel shows it: a 单位 or 干部层级 merged
    down over the rows of one unit belongs to each of those rows. Only the rows the sheet holds
    are filled; returns what is left of ``budget`` (cells visited), which bounds a hostile file."""
    if not merged or not sheet.rows:
        return budget
    numbers = [number for number, _, _ in sheet.rows]
    spans = []  # rows under a merged value: blank only because the merge covers them
    for top, left, bottom, right in merged:
        first = bisect_left(numbers, top)
        if first == len(numbers) or numbers[first] != top or left > len(sheet.rows[first][1]):
            continue
        value, is_number = sheet.rows[first][1][left - 1], left - 1 in sheet.rows[first][2]
        if not value:
            continue
        if bottom > top:
            spans.append((top + 1, min(bottom, numbers[-1])))
        for index in range(first, bisect_right(numbers, bottom)):
            number, cells, numeric = sheet.rows[index]
            columns = range(left - 1, min(right, len(cells)))
            budget -= len(columns)
            if budget < 0:
                raise RosterFileError("文件中的合并单元格太多，超出了可以读取的范围，请取消合并单元格后再上传。")
            filled = [column for column in columns if not cells[column]]
            for column in filled:
                cells[column] = value
            if filled and is_number:
                sheet.rows[index] = (number, cells, numeric | frozenset(filled))
    sheet.blank_rows -= _covered_blank_rows(sorted(spans), numbers)
    return budget


def _covered_blank_rows(spans: list[tuple[int, int]], numbers: list[int]) -> int:
    """How many of the rows missing from ``numbers`` (blank) lie in the union of ``spans``."""
    count, start, end = 0, None, None
    for low, high in spans + [(None, None)]:
        if start is not None and (low is None or low > end + 1):
            if end >= start:
                count += (end - start + 1) - (bisect_right(numbers, end) - bisect_left(numbers, start))
            start = None
        if low is None:
            break
        if start is None:
            start, end = low, high
        else:
            end = max(end, high)
    return count


def _csv_grid(data: bytes):
    binary = "文件内容不是文本表格（CSV），请上传 .xlsx 或 .csv 格式的花名册。"
    if b"\x00" in data[:4096]:
        raise RosterFileError(binary)
    text = decode_text(data)
    if "\x00" in text:
        raise RosterFileError(binary)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for number, row in enumerate(reader, start=1):
            if len(row) > XLSX_LIMITS.columns:
                raise RosterFileError(f"第 {number} 行有 {len(row)} 列，超过了 {XLSX_LIMITS.columns} 列的上限，"
                                      f"请检查分隔符或删去多余的列后再上传。")
            yield number, [(cell_text(_formula_text(value)), False) for value in row]
    except csv.Error as error:  # a field longer than the csv module allows, a stray NUL …
        raise RosterFileError(f"第 {reader.line_num} 行无法按表格读取（{error}），请检查后重新上传。") from error


def _sheet(name: str, grid, before: int = 0) -> Sheet:
    """The non-blank rows of ``grid``, pairs of (row number, [(text, numeric)])."""
    sheet = Sheet(name)
    for number, cells in grid:
        texts = [text for text, _ in cells]
        if any(texts):
            if before + len(sheet.rows) >= MAX_ROWS:
                raise RosterFileError(f"文件超过 {MAX_ROWS:,} 行，超出了一次可以读取的范围，请拆分成几个文件后分别上传。")
            if any(len(text) > MAX_CELL_CHARS for text in texts):
                raise RosterFileError(f"{'工作表“' + name + '”' if name else ''}第 {number} 行有超过 "
                                      f"{MAX_CELL_CHARS} 字的单元格，不像花名册，请检查后重新上传。")
            sheet.rows.append((number, texts, frozenset(i for i, (_, numeric) in enumerate(cells) if numeric)))
    if sheet.rows:  # blank rows inside the list; those above or below it are just the sheet's margins
        sheet.blank_rows = sheet.rows[-1][0] - sheet.rows[0][0] + 1 - len(sheet.rows)
    return sheet


def _formula_text(value: str) -> str:
    """'="001234"', as systems export a number they want Excel to keep as text → '001234'."""
    if value.startswith('="') and value.endswith('"') and len(value) >= 3:
        return value[2:-1].replace('""', '"')
    return value


#: characters copy-paste from web pages and OA systems leaves in cells, unseen: zero-width spaces
#: and joiners, word joiners, a BOM in mid-file
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def cell_text(value) -> str:
    """A cell as text: whole numbers without a trailing .0, blanks as '', invisible characters
    removed and no-break spaces made plain spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _INVISIBLE.sub("", str(value)).replace("\u00a0", " ").strip()
