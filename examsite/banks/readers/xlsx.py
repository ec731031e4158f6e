"""Excel (.xlsx) banks: a row per question."""
import re

from ...safe_files import read_xlsx
from ...uploads import UploadError
from ..parsed import LETTERS, Draft, ParseResult, Problem
from ..parser import SECTION_TYPES, Parser
from ..text import fold
from .limits import XLSX_LIMITS

XLSX_COLUMNS = ["题型", "题干"] + [f"选项{letter}" for letter in LETTERS] + ["答案", "解析", "出处", "难度", "分值"]
TYPE_WORDS = {"single": "single", "multiple": "multiple", "judge": "judge", "fill": "fill"}


def _header_key(text) -> str:
    return re.sub(r"\s+", "", fold(str(text or ""))).upper()


def parse_xlsx(data: bytes) -> ParseResult:
    """A bank in the column layout 题型, 题干, 选项A…选项H, 答案, 解析, 出处, 难度 (分值 optional)."""
    parser = Parser()
    rows = read_xlsx(data, XLSX_LIMITS, first_only=True)[0].rows  # streamed, bounded in rows and columns
    columns = None
    for number, row in rows:
        cells = ["" if value is None else _cell(value) for value in row]
        if not any(cells):
            continue
        if columns is None:
            columns = _xlsx_columns(cells, number)
            continue
        parser.add_draft(*_xlsx_draft(number, cells, columns))
    return parser.close()


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_columns(header: list[str], number: int) -> dict[str, int]:
    wanted = {_header_key(name): name for name in XLSX_COLUMNS}
    wanted.update({letter: f"选项{letter}" for letter in LETTERS})  # a bare A … H header
    columns = {}
    for index, cell in enumerate(header):
        name = wanted.get(_header_key(cell))
        if name and name not in columns:
            columns[name] = index
    missing = [name for name in ("题干", "答案") if name not in columns]
    if missing:
        raise UploadError(
            f"第 {number} 行（表头）缺少必需的列：{'、'.join(missing)}。"
            f"Excel 题库的列为：{'、'.join(XLSX_COLUMNS)}。"
        )
    return columns


def _xlsx_draft(number: int, cells: list[str], columns: dict[str, int]) -> tuple[Draft, list[Problem]]:
    def cell(name):
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    problems = []
    declared = None
    type_text = cell("题型")
    if type_text:
        declared = TYPE_WORDS.get(type_text.lower()) or next(
            (t for pattern, t in SECTION_TYPES if pattern.search(type_text)), None)
        if declared is None:
            problems.append(Problem(number, f"题型“{type_text}”无法识别（应为 单选题、多选题、判断题 或 填空题）。"))
    options = [cell(f"选项{letter}") for letter in LETTERS]
    while options and not options[-1]:
        options.pop()
    for index, text in enumerate(options):
        if not text:
            problems.append(Problem(number, f"选项{LETTERS[index]}为空，但后面还有选项。"))
    points = None
    if cell("分值"):
        try:
            points = float(fold(cell("分值")))
        except ValueError:
            problems.append(Problem(number, f"分值“{cell('分值')}”不是数字。"))
    draft = Draft(
        line=number, declared=declared, points=points, stem=[cell("题干")],
        options=[o for o in options if o], answer=cell("答案") or None, answer_line=number,
        explanation=[cell("解析")] if cell("解析") else [],
        source=[cell("出处")] if cell("出处") else [],
        difficulty=cell("难度") or None,
    )
    return draft, problems
