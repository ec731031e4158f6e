"""What one bank file may hold. 200,000 lines or paragraphs is some 28,000 questions, 50,000
rows of a sheet 50,000 questions (the largest banks offices keep have a few thousand)."""
from ...safe_files import Limits
from ...uploads import UploadError
from ..parsed import Line

MAX_LINES = 200_000
MAX_LINE_CHARS = 20_000
XLSX_LIMITS = Limits(rows=50_000, columns=64)


def bounded(line: Line, unit: str) -> Line:
    """A line within the limits of one bank file, or UploadError."""
    if line.number > MAX_LINES:
        raise UploadError(f"文件超过 {MAX_LINES:,} {unit}，超出了一次可以读取的范围，请拆分成几个文件后分别上传。")
    if len(line.text) > MAX_LINE_CHARS:
        raise UploadError(f"第 {line.number} {unit}有 {len(line.text):,} 个字，超过了每{unit} {MAX_LINE_CHARS:,} 字的上限，"
                          f"不像正常的题库，请检查后重新上传。")
    return line

