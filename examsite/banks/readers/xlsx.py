"""Excel (.xlsx) banks: a row per question, in every sheet of the workbook.

As offices fill them by hand: a title row (merged) above the header, the columns in any order
and spelling (readers/rows.py), one sheet per type (the sheet's name gives the type when there
is no 题型 column), a 说明 sheet of instructions (skipped, and said so), options in a column
each or all in one, answers as A,B,D,E / ABCDE / c / 正确 / √, numbers typed as numbers.
Whichever sheet was active when the file was saved, every sheet is read. Problems name their
sheet and row (工作表“多选题”第 7 行) when the workbook has more than one sheet.
"""
import datetime
import re
from bisect import bisect_left, bisect_right

from ...safe_files import read_xlsx
from ...uploads import UploadError
from ..parsed import LETTERS, ParseResult, Problem
from ..parser import Parser, section_of
from ..text import clip, fold
from .limits import XLSX_LIMITS
from .rows import find_header, row_draft, row_kind, type_of

XLSX_COLUMNS = ["题型", "题干"] + [f"选项{letter}" for letter in LETTERS] + ["答案", "解析", "出处", "难度", "分值"]
#: sheets of instructions, not questions
INSTRUCTIONS = re.compile(r"说明|须知|帮助|示例|样例|填写要求|导入要求|注意事项|README", re.IGNORECASE)
#: cells merged ranges may fill in, in one file (a 题型 merged down over the rows of one type fills a few)
MAX_MERGED_FILL = 200_000
_REPEAT = re.compile(r"与第 (\d+) 行的题目重复")


def parse_xlsx(data: bytes) -> ParseResult:
    """Every sheet of a workbook with a header row naming 题干 (or 题目, 试题内容 …) and 答案."""
    read, notes, hidden_sheets = _sheets(data)
    if not read:
        return ParseResult(errors=[Problem(0, "文件中没有任何内容，请检查后重新上传。")], warnings=notes)
    several = len(read) + hidden_sheets > 1
    parser = Parser()
    places: dict[int, str] = {}  # line → 工作表“…”第 N 行, when there are several sheets
    offset, headed, first_rows = 0, 0, None
    for name, rows in read:
        label = f"工作表“{name}”"
        if INSTRUCTIONS.search(name) and several:
            notes.append(Problem(0, f"{label}是填写说明，没有读取其中的内容。"))
            continue
        found = find_header([cells for _, cells in rows])
        if found is None:
            first_rows = first_rows or (label if several else "", rows[0])
            if several and type_of(name) is None:
                notes.append(Problem(0, f"{label}中没有含“题干”“答案”的表头，不是题目，已跳过。"))
            elif several:
                parser.result.errors.append(Problem(0, f"{label}中没有找到表头（需有“题干”和“答案”两列），"
                                                       f"其中的题目没有读取。"))
            continue
        headed += 1
        index, columns = found
        header_row = rows[index][0]
        if "answer" not in columns:
            raise UploadError(f"{label if several else ''}第 {header_row} 行（表头）缺少必需的列：答案。"
                              f"Excel 题库的列为：{'、'.join(XLSX_COLUMNS)}。")
        declared = None if "type" in columns else type_of(name)
        for number, cells in rows[index + 1:]:
            line = offset + number
            if several:
                places[line] = f"{label}第 {number} 行"
            declared = _row(parser, cells, columns, line, declared, places.get(line, ""), notes)
        offset += rows[-1][0]
    if not headed and not parser.result.errors:
        if first_rows is None:
            raise UploadError("工作簿中只有填写说明，没有题目。请把题目填在有“题干”“答案”表头的工作表中。")
        label, (number, cells) = first_rows
        seen = "、".join(c for c in cells if c)[:60] or "（无）"
        raise UploadError(f"{label}前 10 行中没有找到表头，缺少必需的列：题干、答案（“题干”也可写作“题目”“试题内容”，"
                          f"“答案”也可写作“正确答案”“参考答案”）。第 {number} 行的内容：{seen}。"
                          f"Excel 题库的列为：{'、'.join(XLSX_COLUMNS)}。")
    result = parser.close()
    result.warnings = notes + result.warnings
    for problem in result.errors + result.warnings:
        if problem.line in places:
            problem.place = places[problem.line]
        if places:
            problem.message = _REPEAT.sub(lambda m: f"与{places.get(int(m.group(1)), m.group(0))}的题目重复",
                                          problem.message)
    return result


def _sheets(data: bytes) -> tuple[list[tuple[str, list]], list[Problem], int]:
    """The visible sheets holding something, as (name, [(row number, [text cells])]), what was
    set aside (hidden sheets, not read; hidden rows, read) said as warnings, and how many hidden
    sheets held something. A cell merged down (a 题型 over the rows of one type) gives its
    value to every row it covers."""
    read, notes, budget, hidden_sheets = [], [], MAX_MERGED_FILL, 0
    for sheet in read_xlsx(data, XLSX_LIMITS):  # streamed, bounded in rows and columns
        rows = [(number, [cell_text(value) for value in row]) for number, row in sheet.rows]
        if not rows:
            continue
        label = f"工作表“{sheet.name}”"
        if getattr(sheet, "state", "visible") != "visible":
            notes.append(Problem(0, f"{label}是隐藏的工作表，没有读取。"))
            hidden_sheets += 1
            continue
        hidden = len(getattr(sheet, "hidden", ()))  # known once the rows are read
        if hidden:
            notes.append(Problem(0, f"{label}有 {hidden} 行是隐藏的（被筛选或手工隐藏），已照常读取，"
                                    f"请确认这些行也是要导入的题目。"))
        budget = _fill_down(rows, getattr(sheet, "merged", ()), budget)
        read.append((sheet.name, rows))
    return read, notes, hidden_sheets


def _fill_down(rows: list, merged, budget: int) -> int:
    """A value merged down over rows, in the first column of its range, for each row it covers
    (Excel keeps it in the top cell only). Returns what is left of ``budget`` (cells filled)."""
    numbers = [number for number, _ in rows]
    for top, left, bottom, _right in merged:
        first = bisect_left(numbers, top)
        if bottom <= top or first == len(numbers) or numbers[first] != top or left > len(rows[first][1]):
            continue
        value = rows[first][1][left - 1]
        for index in range(first + 1, bisect_right(numbers, bottom)):
            cells = rows[index][1]
            budget -= 1
            if budget < 0:
                raise UploadError("文件中的合并单元格太多，超出了可以读取的范围，请取消合并单元格后再上传。")
            if len(cells) < left:
                cells.extend([""] * (left - len(cells)))
            if not cells[left - 1]:
                cells[left - 1] = value
    return budget


def _row(parser: Parser, cells: list[str], columns: dict[str, int], line: int, declared, place, notes):
    """Read one row; returns the type of the rows that follow (a 一、单项选择题 row changes it)."""
    named = {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}
    kind = row_kind(cells, named, columns)
    if kind == "section":
        heading = section_of(fold(next(t for t in cells if t)))[0]
        return declared if "type" in columns else heading
    if kind == "remark":  # 注：…, 制表人：… under the table
        notes.append(Problem(line, f"不是题目，已忽略：“{clip(next(t for t in cells if t))}”", place=place))
    if kind == "question":
        parser.add_draft(*row_draft(named, line, place, declared))
    return declared


def cell_text(value) -> str:
    """A cell as text: a number typed as a number (序号 3, an answer 5) as written, TRUE as 正确."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "正确" if value else "错误"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    return str(value).strip()
