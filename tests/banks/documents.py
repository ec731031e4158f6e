"""Word documents as offices make them, written with python-docx."""
import io

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn


def new() -> docx.Document:
    return docx.Document()


def save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_list(document, fmt: str) -> int:
    """A new list definition numbered in ``fmt`` (decimal, upperLetter, chineseCounting); its numId."""
    numbering = document.part.numbering_part.element
    abstract_id = 100 + len(numbering.findall(qn("w:abstractNum")))
    num_id = abstract_id
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
    )
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
    first_num = numbering.find(qn("w:num"))
    first_num.addprevious(abstract)  # abstractNum elements must come before num elements
    numbering.append(num)
    return num_id


def numbered(document, text: str, num_id: int):
    """A paragraph numbered by Word's list numbering: the number is not in its text."""
    paragraph = document.add_paragraph(text)
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def with_breaks(document, *lines: str):
    """One paragraph whose lines are separated by manual line breaks (Shift+Enter)."""
    paragraph = document.add_paragraph()
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        if index < len(lines) - 1:
            run.add_break()
    return paragraph


def with_insertion(document, before: str, inserted: str, deleted: str = ""):
    """A paragraph with a tracked insertion (and optionally a tracked deletion)."""
    paragraph = document.add_paragraph(before)
    ins = parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="a"><w:r><w:t xml:space="preserve">{inserted}</w:t></w:r></w:ins>')
    paragraph._p.append(ins)
    if deleted:
        gone = parse_xml(f'<w:del {nsdecls("w")} w:id="2" w:author="a"><w:r><w:delText>{deleted}</w:delText></w:r></w:del>')
        paragraph._p.append(gone)
    return paragraph


def with_text_box(document, text: str, box_text: str):
    paragraph = document.add_paragraph(text)
    box = parse_xml(
        f'<w:r {nsdecls("w", "wp", "a")} xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<w:drawing><wp:inline><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>'
        f'<w:p><w:r><w:t>{box_text}</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp>'
        f'</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
    )
    paragraph._p.append(box)
    return paragraph
