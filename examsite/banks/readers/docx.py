"""Word (.docx) banks: paragraphs in document order, with Word's list numbering, read from the
XML (python-docx for the package, lxml for the parts) after safe_files has checked it."""
import io
import zipfile

from ...safe_files import check_package
from ...uploads import UploadError
from ..parsed import Line, Problem
from .limits import bounded
from .tables import TableReader

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

    run_styles = character_styles(document)

    def add(paragraph):
        number = len(lines) + 1
        text, hidden, marks = _paragraph_text(paragraph._p, run_styles)
        if hidden:
            notes.append(Problem(number, "此段含有文本框，文本框中的文字没有导入，请把它移到正文中。"))
        lines.append(bounded(Line(number, text, _numbering_kind(paragraph._p, formats, styles), marks), "段"))

    tables = TableReader(document)  # question tables: a row per question
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            items = tables.items(block, lines, notes)
            if items is None:  # not a question table: its paragraphs are read as text
                for paragraph in _table_paragraphs(block):
                    add(paragraph)
            else:
                lines.extend(items)
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


def _paragraph_text(p, char_styles: dict | None = None) -> tuple[str, bool, list[tuple[int, int, str]]]:
    """The visible text of a paragraph: runs (inserted revisions, smart tags and hyperlinks too),
    line breaks as newlines; deleted revisions and text boxes left out. Returns (text,
    had_text_box, marks): the spans of the text set apart by run formatting (see ``run_marks``).
    """
    parts: list[str] = []
    pieces: list[tuple[int, int, frozenset]] = []  # (start, end, marks) of each run's text
    had_box = False
    size = 0
    styles = char_styles if char_styles is not None else {}

    def walk(element, marks, run=False):
        nonlocal had_box, size
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == W + "txbxContent":
                had_box = had_box or bool("".join(child.itertext()).strip())
                continue
            if tag == W + "rPr":
                if run:  # a run's properties come first in it, before its text
                    marks = run_marks(child, styles)
                continue
            if tag in (W + "pPr", W + "del", W + "delText", W + "instrText", MC_FALLBACK):
                continue
            if tag == W + "t":
                text = child.text or ""
            elif tag in (W + "br", W + "cr"):
                text = "\n"
            elif tag == W + "tab":
                text = "\t"
            else:
                walk(child, _NO_MARKS if tag == W + "r" else marks, tag == W + "r")
                continue
            if marks & _UNDERLINED and _drawn_blank(text):
                text = BLANK
            if text:
                parts.append(text)
                if marks:
                    pieces.append((size, size + len(text), marks))
                size += len(text)

    walk(p, _NO_MARKS)
    text = "".join(parts)
    return text, had_box, _spans(text, pieces) if pieces else []


#: what a run's formatting marks: its colour, its weight and underline (one of three), its highlight
RED, BOLD, UNDERLINE, BOLD_UNDERLINE, HIGHLIGHT = "红色字", "加粗", "下划线", "加粗下划线", "突出显示"
_OFF = {"0", "false", "off", "none"}
_NO_MARKS: frozenset = frozenset()
_UNDERLINED = frozenset((UNDERLINE, BOLD_UNDERLINE))
#: what underlined spaces stand for: a fill blank, as it is typed in text
BLANK = "____"


def _drawn_blank(text: str) -> bool:
    """A run of underlined spaces (three wide at least) or an underlined tab: a fill blank drawn
    in Word; one underlined space between underlined words is just a space."""
    if not text or text.strip() or "\n" in text:
        return False
    return "\t" in text or sum(2 if c == "\u3000" else 1 for c in text) >= 3
_RUN_PROPERTIES = {W + "rStyle": "style", W + "b": "b", W + "u": "u", W + "color": "color",
                   W + "highlight": "highlight", W + "shd": "shd"}


def character_styles(document) -> dict[str, dict[str, object]]:
    """Character styles as id → the run properties they set (based-on styles resolved).

    Only character styles: a paragraph style (or the document's defaults) that makes a whole
    paragraph bold is how the paragraph looks, not an answer marked among its neighbours.
    """
    own, based = {}, {}
    for style in document.styles.element.findall(W + "style"):
        if style.get(W + "type") != "character":
            continue
        style_id = style.get(W + "styleId")
        own[style_id] = _properties(style.find(W + "rPr"))
        own[style_id].pop("style", None)
        parent = style.find(W + "basedOn")
        based[style_id] = parent.get(W + "val") if parent is not None else None
    resolved = {}
    for style_id in own:
        chain, current = [], style_id
        while current in own and current not in chain and len(chain) < 20:
            chain.append(current)
            current = based[current]
        properties: dict[str, object] = {}
        for link in reversed(chain):  # the base first, each style over it
            properties.update(own[link])
        resolved[style_id] = properties
    return resolved


def run_marks(r_pr, styles: dict[str, dict[str, object]]) -> frozenset:
    """The marks of a run, from its properties (w:rPr): its character style's under its own."""
    properties = _properties(r_pr)
    style = properties.pop("style", None)
    if style in styles:
        properties = {**styles[style], **properties}
    if not properties:
        return frozenset()
    marks = set()
    bold, underline = properties.get("b", False), properties.get("u", False)
    if bold and underline:
        marks.add(BOLD_UNDERLINE)
    elif bold:
        marks.add(BOLD)
    elif underline:
        marks.add(UNDERLINE)
    if properties.get("red"):
        marks.add(RED)
    if properties.get("highlight"):
        marks.add(HIGHLIGHT)
    return frozenset(marks)


def _properties(r_pr) -> dict[str, object]:
    """What an rPr sets (directly; a tracked change's old rPr is not looked at): b, u, red,
    highlight as True or False, each only when the rPr says."""
    found: dict[str, object] = {}
    if r_pr is None:
        return found
    for child in r_pr:
        name = _RUN_PROPERTIES.get(child.tag)
        if name is None:
            continue
        if name == "style":
            found["style"] = child.get(W + "val")
        elif name == "b":
            found["b"] = (child.get(W + "val") or "1").lower() not in _OFF
        elif name == "u":
            found["u"] = (child.get(W + "val") or "single").lower() not in _OFF
        elif name == "color":
            found["red"] = is_red(child.get(W + "val"))
        elif name == "highlight":
            found["highlight"] = (child.get(W + "val") or "none").lower() not in _OFF
        else:  # w:shd, the run's 底纹
            found["highlight"] = (child.get(W + "fill") or "auto").upper() not in ("AUTO", "FFFFFF")
    return found


def is_red(value: str | None) -> bool:
    """A colour value (RRGGBB) that reads as red: hue within 15° of red, saturated, not too dark
    (FF0000, C00000, E00000, FF3300, 800000 — not orange, pink or brown)."""
    if not value or len(value) != 6:
        return False
    try:
        red, green, blue = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return False
    high, low = max(red, green, blue), min(red, green, blue)
    if high != red or high < 0.45 or (high - low) / high < 0.6:
        return False
    hue = 60 * (green - blue) / (high - low)  # red is the largest: hue in (-60, 60)
    return -15 <= hue <= 15


def _spans(text: str, pieces: list[tuple[int, int, frozenset]]) -> list[tuple[int, int, str]]:
    """(start, end, mark) spans of ``text`` from the runs' marks: a mark's span goes on across
    runs without it that are only spaces (a space typed unformatted between 一年 and 半), stops
    at a line break, and starts and ends on text that is not a space."""
    spans: list[tuple[int, int, str]] = []
    names = {name for _, _, marks in pieces for name in marks}
    for name in names:
        current = None  # [start, end] of the span being built
        cursor = 0
        for start, end, marks in pieces:
            gap = text[cursor:start] if current is not None else ""
            if current is not None and (gap.strip() or "\n" in gap):
                spans.append((current[0], current[1], name))
                current = None
            cursor = end
            if name not in marks:
                if text[start:end].strip() or "\n" in text[start:end]:
                    if current is not None:
                        spans.append((current[0], current[1], name))
                    current = None
                continue
            for part_start, part_end in _lines_of(text, start, end):
                if current is not None and part_start > current[1] and "\n" in text[current[1]:part_start]:
                    spans.append((current[0], current[1], name))
                    current = None
                if current is None:
                    current = [part_start, part_end]
                else:
                    current[1] = part_end
        if current is not None:
            spans.append((current[0], current[1], name))
    return sorted(spans)


def _lines_of(text: str, start: int, end: int):
    """The stretches of text[start:end] between line breaks, without their outer spaces."""
    position = start
    for piece in text[start:end].split("\n"):
        stripped = piece.strip()
        if stripped:
            lead = position + len(piece) - len(piece.lstrip())
            yield lead, lead + len(stripped)
        position += len(piece) + 1


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

