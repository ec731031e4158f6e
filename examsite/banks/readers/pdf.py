"""PDF banks: the text layer, in reading order, as lines. Pure: no Flask, no database.

Read with PDFium (pypdfium2), the engine Chrome uses: it reads the embedded subset CJK fonts of
a Word/WPS "导出为 PDF" through their ToUnicode maps, and it reads a 1,000-page bank in a second
or two (pdfplumber and pypdf, pure Python, take a minute or more). Each page's text comes with
the position of each line, so the reader can

* put the lines of a page in reading order, top to bottom (a writer may draw the running
  header last), pieces on the same visual line joined left to right, a page set in two
  columns column by column;
* drop running headers and footers (the same line at the top or bottom of most pages, its digits
  aside) and page numbers (``第 1 页 共 3 页``, ``- 2 -``, ``2/3``, a bare number);
* join a line that Word wrapped (the line before it runs to the right margin, it is not indented
  as a new paragraph, or stands under the text of a hanging-indented numbered line, and does
  not start a question, option, 答案/解析 field or section, by the parser's own patterns; or
  it is the rest of an answer bracket, ``（ A ）``) to the line before, on the same page or
  across a page break;

and the lines then go to the parser like a text file's. Line numbers count the lines so read;
``parse_pdf`` adds the page to each problem's message, since the admin sees pages, not lines.

A PDF without a text layer (a scan) and an encrypted, broken or oversized one are refused with
a Chinese ``UploadError``, after bounded work: at most ``MAX_PAGES`` pages and ``MAX_CHARS``
characters are read, by PDFium in a forked child held to ``TIME_LIMIT`` and ``MEMORY_LIMIT``
(a crash or an exhausted limit there is a refusal here, never a 500 or a worker gone).
"""
import ctypes
import os
import pickle
import re
import resource
import select
import signal
import statistics
import time
import unicodedata
from dataclasses import dataclass, field

import pypdfium2
import pypdfium2.raw as pdfium_c

from ...uploads import UploadError
from ..parsed import Line, ParseResult, Problem
from ..parser import (ANSWER_RE, DIFFICULTY_RE, EXPLANATION_RE, OPTION_LABEL_RE, QUESTION_RE,
                      SOURCE_RE, parse_lines, section_of)
from ..text import fold
from .limits import bounded

MAX_PAGES = 2000
MAX_CHARS = 4_000_000  # some 25,000 questions
TIME_LIMIT = 30  # seconds; a 1,000-page bank reads in about 2
MEMORY_LIMIT = 768 * 1024 * 1024  # bytes more than the app already holds; that bank takes some 100 MB
SANDBOX = True  # read in a child process held to those limits (where the system can fork)
PARALLEL_BYTES = 512 * 1024  # a larger file is read by two children, a half each
SCANNED = "此 PDF 没有文字层（可能是扫描件），请先做文字识别（OCR）或另存为 Word 后再上传。"
BROKEN = "文件无法作为 PDF 打开，可能已损坏或并非 PDF 文件。"
TOO_BIG = "此 PDF 无法读完：展开后过大或已损坏，超出了一次可以读取的范围。请重新导出 PDF 或另存为 Word 后再上传。"
GARBLED = ("此 PDF 的文字读出来是乱码（导出时字体没有附带文字编码），无法识别题目。"
           "请用 Word 或 WPS 打开原文件另存为 .docx 后上传，或重新导出 PDF（勾选“嵌入字体”）。")
ENCRYPTED = "此 PDF 设有打开密码，无法读取。请在 PDF 阅读器或 WPS 中去掉密码（另存为不加密的 PDF）后再上传。"

# Page numbers as Word, WPS and printers write them, on a folded line.
PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:第\s*\d+\s*页\s*(?:[,，/]?\s*共\s*\d+\s*页)?"
    r"|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页"
    r"|[-—–－~]\s*\d+\s*[-—–－~]"
    r"|\d+\s*/\s*\d+"
    r"|(?:page\s*)?\d+(?:\s*(?:of|/)\s*\d+)?)\s*$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
# Characters a PDF's ToUnicode map may give for a common ideograph: the Kangxi radicals
# (⼀ for 一, ⾏ for 行) and the simplified radicals that are whole characters (⻚ for 页),
# the CJK compatibility ideographs; and control characters, which are no text.
_IDEOGRAPHS = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0x2F00, 0x2FD6)}
_IDEOGRAPHS.update({code: unicodedata.normalize("NFC", chr(code)) for code in range(0xF900, 0xFADA)
                    if unicodedata.normalize("NFC", chr(code)) != chr(code)})
_IDEOGRAPHS.update({ord(radical): whole for radical, whole in zip(
    "⺟⺠⻄⻅⻆⻉⻋⻓⻔⻘⻙⻚⻛⻜⻝⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
    "母民西见角贝车长门青韦页风飞食马骨鬼鱼鸟卤麦黄黾齐齿龙龟")})
_IDEOGRAPHS.update({code: None for code in range(0x20) if code != 0x09})
_IDEOGRAPHS.update({0x7F: None, 0xFFFE: None, 0xFFFF: None})
# what a PDF gives for glyphs whose font has no text encoding: private-use code points, U+FFFD
_UNREADABLE_RE = re.compile("[\ue000-\uf8ff\ufffd]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
# Ideographs, CJK punctuation and full-width forms (and the radicals read for ideographs)
_CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


class _Piece:
    """A line of a page as PDFium found it, with where it stands (points, y upwards)."""

    __slots__ = ("text", "left", "right", "middle", "size", "column")

    def __init__(self, text: str, left: float, right: float, bottom: float, top: float, column: int = 0):
        self.text, self.left, self.right = text, left, right
        self.middle, self.size = (bottom + top) / 2, max(top - bottom, 1.0)
        self.column = column  # 0, or 1 and 2 for the left and right column of a two-column page

    @property
    def bottom(self) -> float:
        return self.middle - self.size / 2

    @property
    def top(self) -> float:
        return self.middle + self.size / 2


@dataclass
class PdfText:
    """What ``read_pages`` found: the lines, the page of each, and notes for the admin."""

    lines: list[Line] = field(default_factory=list)
    pages: dict[int, int] = field(default_factory=dict)  # line number → page number
    notes: list[Problem] = field(default_factory=list)
    page_count: int = 0


def read_pdf(data: bytes) -> list[Line]:
    """The bank's lines, in reading order, headers, footers and page numbers dropped, wrapped
    lines joined; numbered from 1."""
    return read_pages(data).lines


def parse_pdf(data: bytes) -> ParseResult:
    """Read and parse a PDF bank; each problem names its page, the reader's notes are warnings."""
    text = read_pages(data)
    result = parse_lines(text.lines, unit="行")
    for problem in result.errors + result.warnings:
        page = text.pages.get(problem.line)
        if page is not None and text.page_count > 1:
            problem.message = f"{problem.message}（PDF 第 {page} 页）"
    result.warnings = sorted(result.warnings + text.notes, key=lambda p: p.line)
    return result


def read_pages(data: bytes) -> PdfText:
    """The text of a PDF, its pages read by PDFium in child processes (two for a large file, on
    the two halves) held to ``TIME_LIMIT`` seconds and ``MEMORY_LIMIT`` bytes each: PDFium
    inflates a page's streams in memory, and a 1 MB file can hold a content stream of gigabytes."""
    if b"%PDF-" not in data[:1024]:
        raise UploadError(BROKEN)
    shares = 2 if len(data) > PARALLEL_BYTES else 1
    parts = _bounded([lambda data, share=share: _read_share(data, share, shares) for share in range(shares)], data)
    count = parts[0][0]
    pages: list[list[_Piece]] = [[] for _ in range(count)]
    pictured: list[int] = []
    for _, found, images in parts:
        for index, lines in found.items():
            pages[index] = lines
        pictured.extend(images)
    if sum(len(piece.text) for lines in pages for piece in lines) > MAX_CHARS:
        raise UploadError(_too_much_text())
    return _assemble(pages, sorted(pictured))


def _bounded(functions, data: bytes) -> list:
    """``function(data)`` for each function, each in a forked child under limits of time and
    memory, at the same time; their results (or the first UploadError) passed back. In this
    process where there is no fork."""
    if not hasattr(os, "fork") or not SANDBOX:
        return [function(data) for function in functions]
    children = []  # (pid, pipe)
    try:
        for function in functions:
            children.append(_fork(function, data))
        outcomes = _collect(children)
    finally:
        for pid, pipe in children:
            pipe.close()
            try:
                os.kill(pid, signal.SIGKILL)  # those still running after a refusal or the deadline
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
    results = []
    for chunks in outcomes:
        if not chunks:  # killed (out of memory) or crashed inside PDFium
            raise UploadError(TOO_BIG)
        kind, value = pickle.loads(b"".join(chunks))
        if kind == "refused":
            raise UploadError(value)
        results.append(value)
    return results


def _fork(function, data: bytes):
    reading, writing = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        raise UploadError("服务器暂时无法读取 PDF，请稍后再试。") from None
    if pid == 0:  # the child: never returns, never runs the parent's exit handlers
        status = 1
        try:
            os.close(reading)
            _quiet()  # a crash here is an answer, not a fault to report in the app's log
            limit = _address_space() + MEMORY_LIMIT
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            try:
                outcome = ("ok", function(data))
            except UploadError as error:
                outcome = ("refused", str(error))
            except MemoryError:
                outcome = ("refused", TOO_BIG)
            payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writing, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(writing)
    return pid, os.fdopen(reading, "rb", buffering=0)


def _quiet() -> None:
    import faulthandler

    faulthandler.disable()
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    except OSError:
        pass


def _collect(children) -> list[list[bytes]]:
    """What each child wrote, until all have finished or the deadline passes."""
    chunks = {pipe: [] for _, pipe in children}
    open_pipes, deadline = [pipe for _, pipe in children], time.monotonic() + TIME_LIMIT
    while open_pipes:
        left = deadline - time.monotonic()
        ready = select.select(open_pipes, [], [], max(left, 0))[0] if left > 0 else []
        if not ready:
            raise UploadError(f"此 PDF 在 {TIME_LIMIT} 秒内没有读完，可能已损坏或过于复杂，请另存为 Word 后再上传。")
        for pipe in ready:
            chunk = pipe.read(1 << 20)
            if chunk:
                chunks[pipe].append(chunk)
            else:
                open_pipes.remove(pipe)
    return [chunks[pipe] for _, pipe in children]


def _too_much_text() -> str:
    return f"此 PDF 的文字超过 {MAX_CHARS:,} 字，超出了一次可以读取的范围，请拆分成几个文件后分别上传。"


def _address_space() -> int:
    """This process's virtual memory now, in bytes (the child's limit counts from it)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 1 << 30


def _read_share(data: bytes, share: int, shares: int) -> tuple[int, dict[int, list[_Piece]], list[int]]:
    """(page count, lines of each page read, pages that are pictures) for the share-th of
    ``shares`` runs of pages."""
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower() or getattr(error, "err_code", None) == 4:
            raise UploadError(ENCRYPTED) from error
        raise UploadError(BROKEN) from error
    try:
        return _read(document, share, shares)
    except pypdfium2.PdfiumError as error:
        raise UploadError(BROKEN) from error
    finally:
        document.close()


def _read(document, share: int, shares: int) -> tuple[int, dict[int, list[_Piece]], list[int]]:
    count = len(document)
    if count == 0:
        raise UploadError(BROKEN)
    if count > MAX_PAGES:
        raise UploadError(f"此 PDF 有 {count:,} 页，超过了一次可以读取的 {MAX_PAGES:,} 页，请拆分成几个文件后分别上传。")
    pages: dict[int, list[_Piece]] = {}
    pictured: list[int] = []
    chars = 0
    for index in range(count * share // shares, count * (share + 1) // shares):
        page = document[index]
        try:
            width = page.get_width()
            textpage = page.get_textpage()
            try:
                pieces = _page_pieces(textpage)
            finally:
                textpage.close()
            if len(pieces) <= 4 and _has_image(page):  # no more text than a header and footer
                pictured.append(index + 1)
        finally:
            page.close()
        chars += sum(len(piece.text) for piece in pieces)
        if chars > MAX_CHARS:
            raise UploadError(_too_much_text())
        pages[index] = _reading_order(pieces, width)
    return count, pages, pictured


def _assemble(pages: list[list[_Piece]], pictured: list[int]) -> PdfText:
    """The lines of the pages read: furniture dropped, wrapped lines joined, numbered."""
    result = PdfText(page_count=len(pages))
    text = "".join(piece.text for lines in pages for piece in lines)
    unreadable = len(_UNREADABLE_RE.findall(text))
    if text and unreadable > 0.3 * len(text):
        raise UploadError(GARBLED)
    dropped = _drop_furniture(pages)
    scanned = [number for number in pictured if not pages[number - 1]]
    if not any(pages):
        raise UploadError(SCANNED)
    if scanned:
        result.notes.append(Problem(0, f"PDF 第 {_page_list(scanned)} 页只有图片、没有文字层（可能是扫描页），"
                                       f"这些页上的题目没有导入；如有题目，请先做文字识别（OCR）。"))
    if dropped:
        shown = "”“".join(list(dropped.values())[:3])
        result.notes.append(Problem(0, f"已去掉每页重复的页眉、页脚和页码（如“{shown}”）。"))
    _number(result, _joined(pages))
    return result


def _page_pieces(textpage) -> list[_Piece]:
    """The page's lines with their boxes: the first and the last character of each line."""
    text = textpage.get_text_range()
    total = textpage.count_chars()
    first, last = pdfium_c.FS_RECTF(), pdfium_c.FS_RECTF()
    first_ref, last_ref = ctypes.byref(first), ctypes.byref(last)
    handle = textpage.raw

    def corners(start: int, end: int) -> tuple[float, float, float, float]:
        """left, right, bottom, top of the characters at start and end together (the font's
        box, not the glyph's ink: 一 is as tall as 二)"""
        pdfium_c.FPDFText_GetLooseCharBox(handle, start, first_ref)
        pdfium_c.FPDFText_GetLooseCharBox(handle, end, last_ref)
        return first.left, last.right, min(first.bottom, last.bottom), max(first.top, last.top)

    pieces = []
    position = 0
    for raw in re.split(r"(\r\n|\r|\n)", text):
        here, position = position, position + len(raw)
        if raw in ("\r\n", "\r", "\n"):
            continue
        start = here + len(raw) - len(raw.lstrip())
        end = here + len(raw.rstrip()) - 1
        if end >= total:
            continue
        if " " in raw:
            raw = _without_generated_spaces(raw, here, handle)
        cleaned = raw.translate(_IDEOGRAPHS).strip()
        if not cleaned:
            continue
        pieces.append(_Piece(cleaned, *corners(start, end)))
    return pieces


def _without_generated_spaces(raw: str, offset: int, handle) -> str:
    """The line less the spaces PDFium put into narrow gaps beside a CJK character (justified
    or 分散对齐 text: 一 年, 2010 年); spaces in the file, wide gaps (a tab, options set apart)
    and spaces between Latin words are kept."""
    kept = []
    before, after = pdfium_c.FS_RECTF(), pdfium_c.FS_RECTF()
    for index, char in enumerate(raw):
        if (char == " " and 0 < index < len(raw) - 1
                and (_CJK.match(raw[index - 1]) or _CJK.match(raw[index + 1]))
                and pdfium_c.FPDFText_IsGenerated(handle, offset + index) == 1):
            pdfium_c.FPDFText_GetLooseCharBox(handle, offset + index - 1, ctypes.byref(before))
            pdfium_c.FPDFText_GetLooseCharBox(handle, offset + index + 1, ctypes.byref(after))
            size = max(before.top - before.bottom, after.top - after.bottom, 1.0)
            if after.left - before.right < 0.6 * size:
                continue
        kept.append(char)
    return "".join(kept)


def _has_image(page) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def _reading_order(pieces: list[_Piece], width: float) -> list[_Piece]:
    """The page's lines in reading order: top to bottom, or on a page set in two columns (an A3
    paper) the left column, then the right; what spans both (a title) above or below them."""
    if len(pieces) >= 6:
        middle = width / 2
        left = [p for p in pieces if p.right <= middle]
        right = [p for p in pieces if p.left >= middle]
        if (min(len(left), len(right)) >= max(3, len(pieces) // 5)
                and any(QUESTION_RE.match(fold(p.text)) for p in right)):  # not just options set side by side
            top = min(max(p.middle for p in left), max(p.middle for p in right))
            bottom = max(min(p.middle for p in left), min(p.middle for p in right))
            across = [p for p in pieces if p.left < middle < p.right]
            # a gutter no line crosses where the columns stand
            if not any(bottom <= p.middle <= top for p in across):
                for piece in left:
                    piece.column = 1
                for piece in right:
                    piece.column = 2
                return (_visual_lines([p for p in across if p.middle > top]) + _visual_lines(left)
                        + _visual_lines(right) + _visual_lines([p for p in across if p.middle < bottom]))
    return _visual_lines(pieces)


def _visual_lines(pieces: list[_Piece]) -> list[_Piece]:
    """Top to bottom; pieces standing side by side on one line joined left to right."""
    if not pieces:
        return []
    lines: list[list[_Piece]] = []
    for piece in sorted(pieces, key=lambda p: -p.middle):
        if lines and abs(lines[-1][0].middle - piece.middle) < 0.4 * min(lines[-1][0].size, piece.size):
            lines[-1].append(piece)
        else:
            lines.append([piece])
    merged = []
    for row in lines:
        if len(row) == 1:
            merged.append(row[0])
            continue
        row.sort(key=lambda p: p.left)
        merged.append(_Piece("  ".join(p.text for p in row), row[0].left, row[-1].right,
                             min(p.bottom for p in row), max(p.top for p in row), row[0].column))
    return merged


def _structured(text: str, sections: bool = True) -> bool:
    """The line starts a question, an option, a field (or a section), by the parser's patterns."""
    folded = fold(text)
    match = OPTION_LABEL_RE.match(folded.lstrip())
    return bool(QUESTION_RE.match(folded) or (match and match.start() == 0)
                or any(pattern.match(folded) for pattern in (ANSWER_RE, EXPLANATION_RE, SOURCE_RE, DIFFICULTY_RE))
                or (sections and section_of(folded) is not None))


def _furniture_key(text: str) -> str:
    return _DIGITS.sub("#", _SPACES.sub("", fold(text)))


def _drop_furniture(pages: list[list[_Piece]], edge: int = 2) -> dict[str, str]:
    """Remove running headers, footers and page numbers from the pages, in place; what was
    dropped, one text of each kind."""
    with_text = sum(1 for lines in pages if lines)
    seen: dict[str, list[float]] = {}
    for lines in pages:
        keys = set()
        for piece in lines[:edge] + lines[-edge:]:
            key = _furniture_key(piece.text)
            if key not in keys:
                keys.add(key)
                seen.setdefault(key, []).append(piece.middle)
    repeated: dict[str, float] = {}  # key → the height it stands at on most pages
    if with_text >= 2:
        for key, places in seen.items():
            # on most pages, at one height (a body line that happens to repeat moves about; the
            # title on page 1 that the header repeats stands lower, and stays)
            height = statistics.median(places)
            if sum(1 for place in places if abs(place - height) < 3) >= max(2, 0.4 * with_text):
                repeated[key] = height
    dropped: dict[str, str] = {}
    for lines in pages:
        candidates = set(map(id, lines[:edge] + lines[-edge:]))
        kept = []
        for position, piece in enumerate(lines):
            if id(piece) in candidates:
                folded = fold(piece.text)
                is_number = PAGE_NUMBER_RE.match(folded) and (
                    not folded.strip().isdigit() or position in (0, len(lines) - 1))
                key = _furniture_key(piece.text)
                # a question, option or 答案 line can repeat at one height by chance (答案：A at
                # the foot of full pages); a section's name repeated so is a running header
                if is_number or (key in repeated and abs(piece.middle - repeated[key]) < 3
                                 and not _structured(piece.text, sections=False)):
                    dropped.setdefault("#" if is_number else key, piece.text)
                    continue
            kept.append(piece)
        lines[:] = kept
    return dropped


def _joined(pages: list[list[_Piece]]) -> list[tuple[int, str]]:
    """(page, text) of each line, wrapped lines joined to the line they continue."""
    margins = {}  # column → (left, right) margin: the medians of the pages' extremes
    for column in {p.column for lines in pages for p in lines}:
        blocks = [[p for p in lines if p.column == column] for lines in pages]
        full = [block for block in blocks if len(block) >= 3] or [block for block in blocks if block]
        # where most pages' text reaches: a page of short lines (the key at the end, the last
        # page of a short paper) does not pull the margin in; a few pages overflowing do not push it out
        lefts = sorted(min(p.left for p in block) for block in full)
        rights = sorted(max(p.right for p in block) for block in full)
        margins[column] = (lefts[(len(lefts) - 1) // 4], rights[len(rights) * 3 // 4 if len(rights) > 1 else 0])
    out: list[list] = []  # [page, text, last piece, first piece]
    for number, lines in enumerate(pages, start=1):
        for piece in lines:
            if out and (_continues(out[-1][2], out[-1][3], piece, margins) or _inside_brackets(out[-1], piece, margins)):
                previous = out[-1]
                glue = " " if _ASCII_WORD.match(previous[1][-1]) and _ASCII_WORD.match(piece.text[0]) else ""
                previous[1] = previous[1] + glue + piece.text
                previous[2] = piece
            else:
                out.append([number, piece.text, piece, piece])
    return [(page, text) for page, text, _, _ in out]


def _continues(before: _Piece, first: _Piece, piece: _Piece, margins: dict[int, tuple[float, float]]) -> bool:
    """Whether ``piece`` is the line Word wrapped ``before`` onto (``first`` is the first line
    of the paragraph so far): the line before runs to its margin, this one starts no question,
    option, field or section and is not indented as a new paragraph is; or it stands under the
    text of a numbered line set with a hanging indent (Word's list numbering)."""
    size = max(before.size, piece.size)
    if before.right < margins[before.column][1] - 2.5 * size or _structured(piece.text):
        return False
    if piece.left <= margins[piece.column][0] + 1.2 * size:
        return True
    return (first.column == piece.column and first.left + 0.5 * size < piece.left <= first.left + 5 * size
            and _structured(first.text))


_OPEN_BRACKET_RE = re.compile(r"[(（]([^()（）]{0,10})$")
_ANSWER_CHARS = r"[\sA-Ha-h√×✓✗对错正确误、,，]{0,12}"
_CLOSING_ANSWER_RE = re.compile(_ANSWER_CHARS + r"[)）]")
_WHOLE_ANSWER_RE = re.compile(r"[(（]" + _ANSWER_CHARS + r"[)）]\s*[。.？?]?\s*$")


def _inside_brackets(previous: list, piece: _Piece, margins: dict[int, tuple[float, float]]) -> bool:
    """The line before ran to the margin inside a bracket opened near its end (``规定（`` wrapped
    before ``A）``), or this line is nothing but such a bracket (``（A）``): the answer written in
    the stem, wrapped; this line goes on with the one before, though it looks like an option."""
    before = previous[2]
    if before.right < margins[before.column][1] - 2.5 * before.size:
        return False
    if _OPEN_BRACKET_RE.search(previous[1]):
        return bool(_CLOSING_ANSWER_RE.match(piece.text))
    return bool(_WHOLE_ANSWER_RE.match(piece.text))  # （ A ） alone, wrapped whole onto its line


def _number(result: PdfText, lines: list[tuple[int, str]]) -> None:
    for number, (page, text) in enumerate(lines, start=1):
        result.lines.append(bounded(Line(number, text), "行"))
        result.pages[number] = page


def _page_list(numbers: list[int]) -> str:
    shown = "、".join(str(n) for n in numbers[:10])
    return shown + (f" 等 {len(numbers)}" if len(numbers) > 10 else "")
