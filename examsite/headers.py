"""Finding the header row of a table typed by hand (a roster sheet, a bank in Excel or in a
Word table). Pure.

Title rows and notes sit above the header; columns come in any order and in several
spellings (工号 / 人员编号, 题干 / 试题内容), with spaces, line breaks and remarks such as
（必填） inside the cell. A header is the first of the top rows that names the required fields.
"""
import re
import unicodedata

_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_REMARK = re.compile(r"[(（][^)）]*[)）]")
#: how far down a sheet the header may be
SEARCH_ROWS = 10


def header_key(text: str) -> str:
    """'工 号\\n（必填）' → '工号': width folded, spaces, line breaks, remarks in brackets and *
    marks removed, letters upper-cased."""
    folded = _SPACES.sub("", unicodedata.normalize("NFKC", str(text or "")))
    return _REMARK.sub("", folded).replace("*", "").upper()


def columns_of(cells: list[str], aliases: dict[str, str]) -> dict[str, int]:
    """The position of each field named in ``cells``; ``aliases`` maps header_key(spelling) → field.
    The first column of a field wins."""
    columns: dict[str, int] = {}
    for position, cell in enumerate(cells):
        name = aliases.get(header_key(cell))
        if name and name not in columns:
            columns[name] = position
    return columns


def alias_table(spellings: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """{field: (spelling, …)} → {header_key(spelling): field}."""
    return {header_key(spelling): name for name, names in spellings.items() for spelling in names}


def stacked(upper: list[str], lower: list[str]) -> list[str]:
    """Two header rows read as one: each column's lower cell, or the upper one where the lower
    is blank. Excel keeps a merged cell's text in its first cell only, so a group cell merged
    across (基本信息 over 工号 | 姓名) gives way to the names below it, and a cell merged down
    over both rows (序号) shows through its blank lower half."""
    width = max(len(upper), len(lower))

    def cell(row, position):
        return str(row[position] or "") if position < len(row) else ""
    return [cell(lower, i) if cell(lower, i).strip() else cell(upper, i) for i in range(width)]


def find_header_rows(rows: list[list[str]], aliases: dict[str, str], required: tuple[str, ...],
                     search: int = SEARCH_ROWS) -> tuple[int, int, dict[str, int]] | None:
    """(index in ``rows`` of its first row, how many rows it spans (1 or 2), column of each
    field) of a header that may span two rows, as HR systems export them: a group row
    (基本信息 | 基本信息 | 任职信息, merged across) above the column names, some cells (序号, 工号)
    merged down over both (blank below, or repeating the name when the merged value was filled
    in). Two rows are taken together only when they name more fields than the upper one alone,
    so a header followed by data stays a one-row header; when the upper row adds nothing (a
    title, a group row), the header is the lower row alone."""
    for index, cells in enumerate(rows[:search]):
        alone = columns_of(cells, aliases)
        if index + 1 < len(rows):
            both = columns_of(stacked(cells, rows[index + 1]), aliases)
            if all(name in both for name in required) and len(both) > len(alone):
                if columns_of(rows[index + 1], aliases) != both:
                    return index, 2, both
                continue  # the lower row names it all: it is the header, or the first of two
        if all(name in alone for name in required):
            return index, 1, alone
    return None
