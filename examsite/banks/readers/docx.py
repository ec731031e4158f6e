"""Word (.docx) banks: paragraphs in document order, with Word's list numbering, read from the
XML (python-docx for the package, lxml for the parts) after safe_files has checked it."""
import io
import zipfile

from ...safe_files import check_package
from ...uploads import UploadError
from ..parsed import Line, Problem
from .limits import bounded
from .tables import docx_table_items

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

    def add(paragraph):
        number = len(lines) + 1
        text, hidden = _paragraph_text(paragraph._p)
        if hidden:
            notes.append(Problem(number, "此段含有文本框，文本框中的文字没有导入，请把它移到正文中。"))
        lines.append(bounded(Line(number, text, _numbering_kind(paragraph._p, formats, styles)), "段"))

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            items = docx_table_items(block, len(lines) + 1)
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

