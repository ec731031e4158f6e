"""Plain-text banks."""
from ...uploads import UploadError, decode_text
from ..parsed import Line
from .limits import bounded


def read_txt(data: bytes) -> list[Line]:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadError("文件内容不是文本，无法读取。请上传 .docx、.txt 或 .xlsx 格式的题库。")
    text = decode_text(data)
    if "\x00" in text:
        raise UploadError("文件内容不是文本，无法读取。请上传 .docx、.txt 或 .xlsx 格式的题库。")
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        lines.append(bounded(Line(number, line), "行"))
    return lines

