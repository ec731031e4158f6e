"""Read a bank file (.docx, .txt, .xlsx, .pdf) and parse it. Pure: no Flask, no database.

``parse_bank(filename, data)`` is the one entry point: whole-file problems (old Word, empty,
too large, unreadable) come back as errors on line 0, like any other problem. Each kind of
file has its reader module; they all end in the parser (``..parser``).
"""
from ...uploads import UploadError, is_old_office
from ..parsed import ParseResult, Problem
from ..parser import parse_lines
from .docx import read_docx
from .pdf import parse_pdf
from .txt import read_txt
from .xlsx import XLSX_COLUMNS, parse_xlsx

__all__ = ["XLSX_COLUMNS", "parse_bank"]


def parse_bank(filename: str, data: bytes, limit_bytes: int | None = None) -> ParseResult:
    """Parse an uploaded bank of any supported kind."""
    try:
        return _parse(filename, data, limit_bytes)
    except UploadError as error:
        return ParseResult(errors=[Problem(0, str(error))])


def _parse(filename: str, data: bytes, limit_bytes: int | None) -> ParseResult:
    name = (filename or "").lower()
    if not data:
        raise UploadError("文件是空的，请检查后重新上传。")
    if limit_bytes is not None and len(data) > limit_bytes:
        raise UploadError(f"文件有 {len(data) / 1048576:.1f} MB，超过了 {limit_bytes / 1048576:g} MB 的上传上限。")
    if name.endswith(".doc") or (is_old_office(data) and not name.endswith(".xls")):
        raise UploadError("这是旧版 Word（.doc）文件，请在 Word 中“另存为” .docx 格式后再上传。")
    if name.endswith(".xls"):
        raise UploadError("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再上传。")
    if name.endswith(".docx"):
        lines, notes = read_docx(data)
        result = parse_lines(lines, unit="段")  # Word has no line numbers to look up; it has paragraphs
        for note in notes:
            note.unit = "段"
        result.warnings = sorted(result.warnings + notes, key=lambda p: p.line)
        return result
    if name.endswith(".txt"):
        return parse_lines(read_txt(data))
    if name.endswith(".xlsx"):
        return parse_xlsx(data)
    if name.endswith(".pdf"):
        return parse_pdf(data)  # its problems name their page
    raise UploadError("不支持的文件类型，请上传 Word（.docx）、文本（.txt）、Excel（.xlsx）或 PDF（.pdf）文件。")
