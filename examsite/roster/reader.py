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
class Table:
    """The header and the data rows of a sheet, each row with its 1-based row number."""

    header: list[str]
    header_row: int
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def read_table(filename: str, data: bytes) -> Table:
    """Read the first sheet of an .xlsx or a .csv (UTF-8 or GBK) as text cells."""
    name = (filename or "").lower()
    if not data:
        raise RosterFileError("文件是空的，请检查后重新上传。")
    if name.endswith(".xls") or is_old_office(data):
        raise RosterFileError("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再上传。")
    if name.endswith(".xlsx"):
        grid = _xlsx_grid(data)
    elif name.endswith(".csv"):
        grid = _csv_grid(data)
    else:
        raise RosterFileError("不支持的文件类型，请上传 .xlsx 或 .csv 格式的花名册。")
    return _to_table(grid)


def _xlsx_grid(data: bytes):
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise RosterFileError("文件无法作为 Excel（.xlsx）打开，可能已损坏或并非表格文件。") from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [cell_text(value) for value in row]
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
        yield [cell_text(value) for value in row]


def cell_text(value) -> str:
    """A cell as text: whole numbers without a trailing .0, blanks as ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _to_table(grid) -> Table:
    table = None
    for number, cells in enumerate(grid, start=1):
        if not any(cells):
            continue
        if table is None:
            table = Table(header=cells, header_row=number)
        else:
            table.rows.append((number, cells))
    if table is None:
        raise RosterFileError("文件中没有任何内容，请检查后重新上传。")
    return table
