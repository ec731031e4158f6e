"""Read an uploaded roster (.xlsx or .csv) into rows of text cells. Pure: no Flask, no database."""
import csv
import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException


from ..uploads import UploadError, decode_text, is_old_office

#: the roster reader's name for an unreadable file
RosterFileError = UploadError


@dataclass
class Sheet:
    """The non-blank rows of one sheet (one .csv is one sheet named ""), as text cells.

    Each row keeps its 1-based row number and the positions of the cells Excel held as
    numbers (a 工号 typed as a number may have lost its leading zeros).
    """

    name: str
    rows: list[tuple[int, list[str], frozenset[int]]] = field(default_factory=list)
    blank_rows: int = 0


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
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise RosterFileError("文件无法作为 Excel（.xlsx）打开，可能已损坏或并非表格文件。") from error
    try:
        return [_sheet(sheet.title, ([(cell_text(v), isinstance(v, (int, float)) and not isinstance(v, bool))
                                      for v in row] for row in sheet.iter_rows(values_only=True)))
                for sheet in workbook.worksheets]
    finally:
        workbook.close()


def _csv_grid(data: bytes):
    if b"\x00" in data[:4096]:
        raise RosterFileError("文件内容不是文本表格（CSV），请上传 .xlsx 或 .csv 格式的花名册。")
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    for row in csv.reader(io.StringIO(text), dialect):
        yield [(cell_text(value), False) for value in row]


def _sheet(name: str, grid) -> Sheet:
    sheet = Sheet(name)
    for number, cells in enumerate(grid, start=1):
        texts = [text for text, _ in cells]
        if any(texts):
            sheet.rows.append((number, texts, frozenset(i for i, (_, numeric) in enumerate(cells) if numeric)))
    if sheet.rows:  # blank rows inside the list; those above or below it are just the sheet's margins
        sheet.blank_rows = sheet.rows[-1][0] - sheet.rows[0][0] + 1 - len(sheet.rows)
    return sheet


def cell_text(value) -> str:
    """A cell as text: whole numbers without a trailing .0, blanks as ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
