"""Read a bank file (.docx, .txt, .xlsx) and parse it. Pure: no Flask, no database.

``parse_bank(filename, data)`` is the one entry point: whole-file problems (old Word, empty,
too large, unreadable) come back as errors on line 0, like any other problem.
"""
import io
import re
import zipfile

from ..safe_files import Limits, check_package, read_xlsx
from ..uploads import UploadError, decode_text, is_old_office
from .parser import LETTERS, SECTION_TYPES, Draft, Line, ParseResult, Parser, Problem, parse_lines
from .text import fold

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
#: Word's list number formats → what a numbered paragraph is in a bank
NUMBER_KINDS = {
    "decimal": "question", "decimalZero": "question", "decimalEnclosedCircle": "question",
    "decimalEnclosedParen": "question", "decimalFullWidth": "question", "decimalHalfWidth": "question",
    "decimalEnclosedFullstop": "question", "upperLetter": "option", "lowerLetter": "option",
    "chineseCounting": "section", "chineseCountingThousand": "section",
    "ideographTraditional": "section", "chineseLegalSimplified": "section",
    "japaneseCounting": "section", "upperRoman": "section", "lowerRoman": "section",
}
XLSX_COLUMNS = ["题型", "题干"] + [f"选项{letter}" for letter in LETTERS] + ["答案", "解析", "出处", "难度", "分值"]
TYPE_WORDS = {"single": "single", "multiple": "multiple", "judge": "judge", "fill": "fill"}
#: what one bank file may hold: 200,000 lines or paragraphs is some 28,000 questions, 50,000 rows of
#: a sheet 50,000 questions (the largest banks offices keep have a few thousand)
MAX_LINES = 200_000
MAX_LINE_CHARS = 20_000
XLSX_LIMITS = Limits(rows=50_000, columns=64)


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
    raise UploadError("不支持的文件类型，请上传 Word（.docx）、文本（.txt）或 Excel（.xlsx）文件。")


# ---- .txt ---------------------------------------------------------------------------------

def read_txt(data: bytes) -> list[Line]:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadError("文件内容不是文本，无法读取。请上传 .docx、.txt 或 .xlsx 格式的题库。")
    text = decode_text(data)
    if "\x00" in text:
        raise UploadError("文件内容不是文本，无法读取。请上传 .docx、.txt 或 .xlsx 格式的题库。")
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        lines.append(_bounded(Line(number, line), "行"))
    return lines


def _bounded(line: Line, unit: str) -> Line:
    """A line within the limits of one bank file, or UploadError."""
    if line.number > MAX_LINES:
        raise UploadError(f"文件超过 {MAX_LINES:,} {unit}，超出了一次可以读取的范围，请拆分成几个文件后分别上传。")
    if len(line.text) > MAX_LINE_CHARS:
        raise UploadError(f"第 {line.number} {unit}有 {len(line.text):,} 个字，超过了每{unit} {MAX_LINE_CHARS:,} 字的上限，"
                          f"不像正常的题库，请检查后重新上传。")
    return line


# ---- .docx --------------------------------------------------------------------------------

def read_docx(data: bytes) -> tuple[list[Line], list[Problem]]:
    """Paragraphs in document order (tables included), numbered from 1, with list numbering kinds."""
    from lxml.etree import LxmlError

    broken = "文件无法作为 Word（.docx）打开，可能已损坏或并非 Word 文件。"
    check_package(data, "Word")  # sizes and every XML part, before python-docx inflates anything
    try:
        return _docx_lines(data)
    except UploadError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError, TypeError, IndexError,
            LxmlError, RecursionError) as error:  # a well-formed package python-docx cannot make sense of
        raise UploadError(broken) from error


def _docx_lines(data: bytes) -> tuple[list[Line], list[Problem]]:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    formats = _numbering_formats(document)
    styles = _style_numbering(document)
    lines: list[Line] = []
    notes: list[Problem] = []

    def add(paragraph):
        number = len(lines) + 1
        text, hidden = _paragraph_text(paragraph._p)
        if hidden:
            notes.append(Problem(number, "此段含有文本框，文本框中的文字没有导入，请把它移到正文中。"))
        lines.append(_bounded(Line(number, text, _numbering_kind(paragraph._p, formats, styles)), "段"))

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for paragraph in _table_paragraphs(block):
                add(paragraph)
        else:
            add(block)
    return lines, notes


def _table_paragraphs(table):
    """Each cell's paragraphs once, row by row (a merged cell appears once)."""
    seen = set()  # the cell elements themselves: keeping them alive keeps their identity
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            yield from cell.paragraphs


def _paragraph_text(p) -> tuple[str, bool]:
    """The visible text of a paragraph: runs (inserted revisions, smart tags and hyperlinks too),
    line breaks as newlines; deleted revisions and text boxes left out. Returns (text, had_text_box).
    """
    parts: list[str] = []
    had_box = False

    def walk(element):
        nonlocal had_box
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == W + "txbxContent":
                had_box = had_box or bool("".join(child.itertext()).strip())
                continue
            if tag in (W + "pPr", W + "rPr", W + "del", W + "delText", W + "instrText", MC_FALLBACK):
                continue
            if tag == W + "t":
                parts.append(child.text or "")
            elif tag in (W + "br", W + "cr"):
                parts.append("\n")
            elif tag == W + "tab":
                parts.append("\t")
            else:
                walk(child)

    walk(p)
    return "".join(parts), had_box


def _numbering_formats(document) -> dict[str, dict[str, str]]:
    """numId → {ilvl → numFmt} from the document's numbering part."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return {}
    abstract = {}
    for node in numbering.findall(W + "abstractNum"):
        levels = {}
        for level in node.findall(W + "lvl"):
            fmt = level.find(W + "numFmt")
            levels[level.get(W + "ilvl")] = fmt.get(W + "val") if fmt is not None else "decimal"
        abstract[node.get(W + "abstractNumId")] = levels
    formats = {}
    for node in numbering.findall(W + "num"):
        ref = node.find(W + "abstractNumId")
        if ref is not None:
            formats[node.get(W + "numId")] = abstract.get(ref.get(W + "val"), {})
    return formats


def _style_numbering(document) -> tuple[dict[str, tuple], str | None]:
    """Paragraph styles as id → (numId, ilvl, based-on id), and the default paragraph style id.

    Read once from styles.xml: python-docx's per-paragraph ``style`` lookup scans every style
    each time, which makes a 5,000-question bank take seconds.
    """
    styles, default = {}, None
    for style in document.styles.element.findall(W + "style"):
        if style.get(W + "type") != "paragraph":
            continue
        style_id = style.get(W + "styleId")
        if style.get(W + "default") in ("1", "true"):
            default = style_id
        num_id, level = _num_pr(style.find(W + "pPr"))
        based = style.find(W + "basedOn")
        styles[style_id] = (num_id, level, based.get(W + "val") if based is not None else None)
    return styles, default


def _numbering_kind(p, formats, styles) -> str | None:
    """'question', 'option' or 'section' when Word numbers the paragraph, from it or its style."""
    style_table, default_style = styles
    p_pr = p.find(W + "pPr")
    num_id, level = _num_pr(p_pr)
    style_ref = p_pr.find(W + "pStyle") if p_pr is not None else None
    style_id = style_ref.get(W + "val") if style_ref is not None else default_style
    seen = set()
    while num_id is None and style_id in style_table and style_id not in seen:
        seen.add(style_id)
        num_id, style_level, style_id = style_table[style_id]
        level = level or style_level
    if num_id is None or num_id == "0":
        return None
    return NUMBER_KINDS.get(formats.get(num_id, {}).get(level or "0", "decimal"))


def _num_pr(p_pr) -> tuple[str | None, str | None]:
    num_pr = p_pr.find(W + "numPr") if p_pr is not None else None
    if num_pr is None:
        return None, None
    num_id, level = num_pr.find(W + "numId"), num_pr.find(W + "ilvl")
    return (num_id.get(W + "val") if num_id is not None else None,
            level.get(W + "val") if level is not None else None)


# ---- .xlsx --------------------------------------------------------------------------------

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
