"""Banks kept as a Word table: a header row naming the columns (readers/rows.py), a row per
question.

As offices keep them: the header row repeated on each page (or the table split into several,
each with its header), a 题型 cell merged down over the rows of one type, section rows
(二、多项选择题) across the table, options all in one cell (one line, a paragraph each, line
breaks inside a paragraph), a 解析 of several paragraphs, a title and a 说明 above the table.
A table whose first rows name no 题干 with an answer, options or a type is no question table:
its paragraphs are left to the paragraph reader. Problems name the row: 表格第 5 行 (第 2 个
表格第 5 行 in a file of several tables), the row as Word counts it, the header being row 1.
"""
from ...headers import columns_of
from ..parsed import LETTERS, Line, Problem
from ..parser import parse_lines, section_of
from ..text import clip, fold
from .limits import MAX_LINE_CHARS, MAX_LINES, bounded
from .rows import ALIASES, find_header, row_draft, row_kind

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Word allows 63 columns; a gridSpan beyond that is not a table anyone typed
MAX_COLUMNS = 64
#: how far down a table its header may be (a title row merged across above it)
HEADER_ROWS = 3
_T, _BR, _CR, _TAB = W + "t", W + "br", W + "cr", W + "tab"
#: what only the paragraph reader's full walk reads right: text boxes, fields, revisions, content controls
_SPECIAL = (W + "txbxContent", "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",
            W + "instrText", W + "del", W + "ins", W + "sdt", W + "fldSimple")


class TableReader:
    """The question tables of one document, read in order, with what lies between them."""

    def __init__(self, document):
        self.count = len(document.element.body.findall(W + "tbl"))
        self.seen = 0  # tables met so far, question tables or not, as the reader counts them
        self.section: tuple[str | None, float | None] = (None, None)
        self.after = 0  # lines[after:] have been read since the last question table
        self.last: tuple[int, dict[str, int]] | None = None  # the last question table's width and columns
        self.document = document
        self.styles: dict | None = None  # the document's character styles, read when a table needs them

    def items(self, table, lines: list, notes: list[Problem]) -> list | None:
        """The parser items of a table (one per row below the header), or None when it is no
        question table. The text since the last question table sets the section, and when it
        holds no question (a title, a 说明) it is set aside as warnings rather than parsed.

        A table without a header right after a question table of the same columns (nothing
        but blank paragraphs or a page break between) is its continuation: the table split
        in two, its header not repeated."""
        self.seen += 1
        grid = _grid(table._tbl)
        found = find_header(grid[:HEADER_ROWS])
        if found is None and self._continues(grid, lines):
            found = (-1, self.last[1])
        if found is None:
            return key_table_lines(grid, len(lines) + 1)
        self._text_before(lines, notes)
        label = "表格" if self.count <= 1 else f"第 {self.seen} 个表格"
        marks = None
        if "answer" not in found[1]:  # the answers may be marked by formatting: read the runs' marks
            if self.styles is None:
                from .docx import character_styles
                self.styles = character_styles(self.document)
            grid, marks = _grid_walk(table._tbl, self.styles)
        items, self.section = table_items(grid, found, len(lines) + 1, notes, label, self.section, marks)
        self.after = len(lines) + len(items)
        self.last = (max(len(row) for row in grid) if grid else 0, found[1])
        return items

    def _continues(self, grid: list[list[str]], lines: list) -> bool:
        if self.last is None or not grid or max(len(row) for row in grid) != self.last[0]:
            return False
        if any(not isinstance(item, Line) or item.text.strip() for item in lines[self.after:]):
            return False
        columns, first = self.last[1], grid[0]
        return all(columns[name] < len(first) and first[columns[name]] for name in ("stem", "answer")
                   if name in columns)

    def _text_before(self, lines: list, notes: list[Problem]) -> None:
        rest = []
        for item in lines[self.after:]:
            text = item.text.strip() if isinstance(item, Line) else ""
            if not text:
                continue
            heading = section_of(fold(text)) if "\n" not in text else None
            if heading is not None:
                self.section = heading
            elif item.numbered != "section":
                rest.append(item)
        if not rest or parse_lines(rest, unit="段").questions:
            return  # questions written as paragraphs before the table: the parser reads them
        for item in rest:
            notes.append(Problem(item.number, f"不是题目，已忽略：“{clip(item.text.strip())}”"))
            lines[item.number - 1] = Line(item.number, "")


def key_table_lines(grid: list[list[str]], first_number: int) -> list[Line] | None:
    """A key kept as a table, a row per question (题号 | 答案, or 题型 | 题号 | 答案), as the lines
    a key is typed in: 一、单项选择题 where the 题型 changes, then 1．C. None for another table.

    Read as paragraphs, its cells would come one a paragraph (题号, 答案, 1, C, …), which no key
    reader can pair up."""
    for index, cells in enumerate(grid[:HEADER_ROWS]):
        columns = columns_of(cells, ALIASES)
        if {"number", "answer"} <= set(columns) <= {"number", "answer", "type"}:
            break
    else:
        return None
    texts, kind = ["参考答案"], None  # the header row says as much, with a heading above it or not
    for cells in grid[index + 1:]:
        def cell(name):
            position = columns.get(name)
            return cells[position].strip() if position is not None and position < len(cells) else ""

        if cell("type") and cell("type") != kind:
            kind = cell("type")
            texts.append(kind)
        if cell("number") and cell("answer"):
            texts.append(f"{cell('number')}．{cell('answer')}")
        else:
            texts.append("")  # a blank row: the numbers stay in step with the rows
    return [bounded(Line(first_number + offset, text), "段") for offset, text in enumerate(texts)]


def table_items(grid: list[list[str]], found, first_number: int, notes: list[Problem], label: str = "表格",
                section=(None, None), marks: list | None = None) -> tuple[list, tuple]:
    """The rows below a table's header as parser items, one a row so the numbers stay in step:
    (Draft, [Problem]) for a question, an empty Line for a row that is none (the header
    repeated, a blank row, a section row, a remark: said in ``notes``).

    ``found`` is the header (its index in ``grid``, the columns); ``section`` the type and
    points of the heading above the table. Returns the items and the section at the end (a
    section row, 二、多项选择题 merged across, changes it)."""
    header_index, columns = found
    declared, points = section
    items: list = []
    for index in range(header_index + 1, len(grid)):
        cells = grid[index]
        number = first_number + len(items)
        place = f"{label}第 {index + 1} 行"
        for text in cells:
            if len(text) > MAX_LINE_CHARS or number > MAX_LINES:
                bounded(Line(number, text), "段")
        named = {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}
        kind = row_kind(cells, named, columns)
        if kind != "question":
            if kind == "remark":
                notes.append(Problem(number, f"不是题目，已忽略：“{clip(_only(cells))}”", place=place))
            elif kind == "section":  # the parser sees it too: a key at the end is matched by section
                declared, points = section_of(fold(_only(cells)))
                items.append(Line(number, _only(cells)))
                continue
            items.append(Line(number, ""))
            continue
        draft, problems = row_draft(named, number, place, None if named.get("type") else declared, points)
        if marks is not None:
            _option_marks(draft, cells, marks[index], columns)
        items.append((draft, problems))
    return items, (declared, points)


def _only(cells: list[str]) -> str:
    return next(text for text in cells if text)


def _grid(tbl) -> list[list[str]]:
    """The table's rows as text cells by grid column: a cell spanning columns (gridSpan) in
    its first column, a cell merged down (vMerge) repeated in every row it covers.

    Read in one pass over the elements that matter (a 5,000-row table in a fraction of a
    second); a table holding text boxes, fields, revisions or a table inside a cell goes the
    paragraph reader's way, cell by cell."""
    if next(tbl.iter(*_SPECIAL), None) is not None or sum(1 for _ in tbl.iter(W + "tbl")) > 1:
        return _grid_walk(tbl)
    rows: list[list] = []  # each row: [gridBefore, [span, merge, [paragraph parts …]] …]
    cell = None
    for element in tbl.iter(W + "tr", W + "gridBefore", W + "tc", W + "gridSpan", W + "vMerge", W + "p",
                            _T, _BR, _CR, _TAB):
        tag = element.tag
        if tag == _T:
            if cell is not None and cell[2]:
                cell[2][-1].append(element.text or "")
        elif tag == W + "p":
            if cell is not None:
                cell[2].append([])
        elif tag in (_BR, _CR, _TAB):
            if cell is not None and cell[2] and element.getparent().tag != W + "tabs":  # not a tab stop
                cell[2][-1].append("\t" if tag == _TAB else "\n")
        elif tag == W + "tc":
            cell = [1, None, []]
            rows[-1].append(cell)
        elif tag == W + "tr":
            rows.append([0])
            cell = None
        elif tag == W + "gridSpan" and cell is not None:
            cell[0] = _number(element, 1)
        elif tag == W + "vMerge" and cell is not None:
            cell[1] = element.get(W + "val") or "continue"
        elif tag == W + "gridBefore" and rows and cell is None:
            rows[-1][0] = _number(element, 0)
    grid: list[list[str]] = []
    above: dict[int, str] = {}
    for before, *cells in rows:
        texts = [""] * min(before, MAX_COLUMNS)
        for span, merge, paragraphs in cells:
            column = len(texts)
            if merge == "continue":
                text = above.get(column, "")
            else:
                text = "\n".join("".join(parts) for parts in paragraphs).strip()
                above[column] = text
            texts.append(text)
            texts.extend([""] * (min(span, MAX_COLUMNS) - 1))
            if len(texts) >= MAX_COLUMNS:
                break
        grid.append(texts[:MAX_COLUMNS])
    return grid


def _grid_walk(tbl, styles: dict | None = None):
    """_grid cell by cell, each paragraph read as the paragraph reader reads it. With the
    document's character ``styles``, also the formatting marks of each cell's text (Line.marks
    spans), as (rows, marks by row and column)."""
    from .docx import _paragraph_text

    def text_of(tc) -> tuple[str, list]:
        parts, spans, size = [], [], 0
        for child in tc.iterchildren(W + "p", W + "sdt"):
            paragraphs = [child] if child.tag == W + "p" else child.iter(W + "p")
            for p in paragraphs:
                found = _paragraph_text(p, styles) if styles is not None else _paragraph_text(p)
                text = found if isinstance(found, str) else found[0]
                if styles is not None and not isinstance(found, str) and len(found) > 2:
                    spans.extend((start + size, end + size, mark) for start, end, mark in found[2])
                parts.append(text)
                size += len(text) + 1
        raw = "\n".join(parts)
        lead, text = len(raw) - len(raw.lstrip()), raw.strip()
        return text, [(max(start - lead, 0), min(end - lead, len(text)), mark) for start, end, mark in spans
                      if end - lead > 0 and start - lead < len(text)]

    rows: list[list[str]] = []
    marks: list[list[list]] = []
    above: dict[int, tuple[str, list]] = {}  # grid column → the text (and marks) of the cell merged down from it
    for tr in tbl.iterchildren(W + "tr"):
        cells: list[str] = []
        spans: list[list] = []
        tr_pr = tr.find(W + "trPr")
        before = tr_pr.find(W + "gridBefore") if tr_pr is not None else None
        cells.extend([""] * min(_number(before, 0), MAX_COLUMNS))
        spans.extend([[] for _ in cells])
        for tc in tr.iterchildren(W + "tc"):
            tc_pr = tc.find(W + "tcPr")
            span = _number(tc_pr.find(W + "gridSpan") if tc_pr is not None else None, 1)
            merge = tc_pr.find(W + "vMerge") if tc_pr is not None else None
            column = len(cells)
            if merge is not None and merge.get(W + "val") in (None, "continue"):
                text, marked = above.get(column, ("", []))
            else:
                text, marked = text_of(tc)
                above[column] = (text, marked)
            cells.append(text)
            spans.append(marked)
            cells.extend([""] * (min(span, MAX_COLUMNS) - 1))
            spans.extend([[] for _ in range(min(span, MAX_COLUMNS) - 1)])
            if len(cells) >= MAX_COLUMNS:
                break
        rows.append(cells[:MAX_COLUMNS])
        marks.append(spans[:MAX_COLUMNS])
    return (rows, marks) if styles is not None else rows


def _option_marks(draft, cells: list[str], spans: list[list], columns: dict[str, int]) -> None:
    """The marks covering each option's text in its cell (an option column each, or all in the
    选项 cell or the stem's), for answers marked by formatting (marks.apply_marks)."""
    from ..marks import covering

    if len(draft.options) < 2:
        return
    found = []
    lettered = [columns[letter] for letter in LETTERS if letter in columns and columns[letter] < len(cells)
                and cells[columns[letter]]]
    if len(lettered) == len(draft.options):
        for column, option in zip(lettered, draft.options):
            at = cells[column].find(option)
            found.append(covering(cells[column], at, at + len(option), spans[column]) if at >= 0 else frozenset())
    else:
        column = columns.get("options")
        if column is None or column >= len(cells) or not cells[column]:
            column = columns["stem"]
        text, cursor = cells[column] if column < len(cells) else "", 0
        for option in draft.options:
            at = text.find(option, cursor)
            if at < 0:
                found.append(frozenset())
                continue
            found.append(covering(text, at, at + len(option), spans[column]))
            cursor = at + len(option)
    draft.option_marks = found


def _number(element, default: int) -> int:
    value = element.get(W + "val") if element is not None else None
    return int(value) if value is not None and value.isdigit() and 0 < int(value) < 1000 else default
