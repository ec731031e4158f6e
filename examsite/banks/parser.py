"""The question-bank parser: numbered lines of text → questions. Pure: no Flask, no database.

Banks arrive typed by hand over years, in many styles at once. The parser reads them line by
line with a small state machine: a section heading sets the type and points, a numbered line
starts a question, lettered lines are its options, and 答案/解析/出处/难度 lines fill in the
rest. Matching runs on a folded copy of each line (full-width letters, digits and punctuation
made half-width, one character for one, so positions agree); the text kept and shown is always
the original, cleaned of invisible characters (text.clean). Every line that fits nowhere is
reported: silence is the worst failure.

Questions are kept as drafts and settled only when the whole file has been read (``close``):
a key at the end of the paper or after a section (answer_key) may still answer them, and an
answer marked by formatting (marks) is taken only when the whole bank marks its answers so.
Paper furniture — the 姓名：____ line, 评分标准, 注意事项, page numbers — is a warning
(furniture), never a question.
"""
import re
from dataclasses import dataclass

from . import answer_key
from .answer_key import KeyEntry, KeyGroup, KeyRegion
from .furniture import furniture, instruction, notes_heading
from .marks import apply_marks, covering
from .. import qtypes
from .parsed import LETTERS, Draft, Line, ParseResult, Problem, Question, Rejected  # noqa: F401 (the parser's vocabulary)
from .settle import INLINE_CHOICE_RE, settle, take_inline
from .text import clean, clean_positions, clip, fold, match_key

# A section heading: 一、单项选择题（共8题，每题2分）, （一）判断题, or a bare 【判断题】; a part:
# 第一部分 单项选择题 (its sections inside keep its type).
CN_NUMERALS = "一二三四五六七八九十"
SECTION_RE = re.compile(
    r"^\s*(?:([一二三四五六七八九十]{1,3})\s*[、.]|\(\s*([一二三四五六七八九十]{1,3})\s*\))\s*(?P<title>\S.*)$"
)
PART_RE = re.compile(
    r"^\s*第\s*([一二三四五六七八九十]{1,3}|\d{1,2})\s*(?:部分|大题|章|节|篇|单元)\s*[、.:]?\s*(?P<title>.*)$"
)
BARE_SECTION_RE = re.compile(
    r"^\s*[【\[]?\s*((?:单项|多项|不定项)?选择题?|单选题?|多选题?|判断题?|填空题?|判断正误)\s*[】\]]?"
    r"\s*(?:\(.*\))?\s*[:]?\s*$"
)
POINTS_RE = re.compile(r"每(?:小|道)?题\s*(\d+(?:\.\d+)?)\s*分")
# What makes a 一、… line a question numbered so rather than a heading: a blank, an answer in
# brackets, a question mark or full stop at the end, or a length no heading has.
_STEM_SHAPE_RE = re.compile(r"_|\(\s*\)|\(\s*[A-H√×✓✗对错]{1,8}\s*\)|\(\s*(?:正确|错误)\s*\)|[?？。]\s*$")

_BARE_NUMERAL_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}\s*[、.]|\(\s*[一二三四五六七八九十]{1,3}\s*\))$")
# A sub-heading inside a key line, after an entry: … 5.C 二、1.ABC …, … 5.C；多选题：1.ABC …
_INNER_HEADING_RE = re.compile(
    r"(?<=[\s;,，；])(?:[一二三四五六七八九十]{1,3}\s*[、.]|\(\s*[一二三四五六七八九十]{1,3}\s*\)"
    r"|(?:单项选择|多项选择|不定项选择|单选|多选|判断|填空)题?\s*:)"
)
# How a heading can start (to look for a key's entries after one on the same line).
_HEADING_START_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.]|\(\s*[一二三四五六七八九十]|第|[【\[]|单|多|判|填|不定)")

_ASKS_RE = re.compile(r"_|\(\s*\)|\(\s*[A-H√×✓✗对错]{1,8}\s*\)|[?？]\s*$")

# A question number: 1． 2、 3. 4) （6） (7) 第8题. "4.5" is not question 4.
QUESTION_RE = re.compile(
    r"^\s*(?:(\d{1,4})\s*(?:\.(?!\d)|、|:|\)(?!\s*$))|\(\s*(\d{1,4})\s*\)|第\s*(\d{1,4})\s*题\s*[.、:]?)\s*"
)
# An option label: A． A、 A. （A） Ａ． A: A) a. — not inside a word.
OPTION_LABEL_RE = re.compile(r"(?<![A-Za-z0-9_])(?:\(\s*([A-Ha-h])\s*\)|([A-Ha-h])\s*(?:[.、:]|\)))\s*")
ANSWER_RE = re.compile(
    r"^\s*(?:[【\[]\s*(?:参考|正确|标准)?答案\s*[】\]]\s*(?:为|是)?\s*:?"
    r"|(?:参考|正确|标准)?答案\s*(?:为|是)?\s*(?::|\s)|(?:参考|正确|标准)?答案(?:为|是)|答\s*:)\s*(.*)$"
)
EXPLANATION_RE = re.compile(r"^\s*(?:[【\[]\s*(?:答案|试题)?解析\s*[】\]]\s*:?|(?:答案|试题)?解析\s*:)\s*(.*)$")
SOURCE_RE = re.compile(
    r"^\s*(?:[【\[]\s*(?:出处|法规依据|依据|来源)\s*[】\]]\s*:?|(?:出处|法规依据|依据|来源)\s*:)\s*(.*)$"
)
DIFFICULTY_RE = re.compile(r"^\s*(?:[【\[]\s*难度\s*[】\]]\s*:?|难度\s*:)\s*(.*)$")
_ANSWER_VALUE = r"([A-Ha-h](?:\s*[、,]?\s*[A-Ha-h])*|[√✓✔×✗✕╳]|对|错|正确|错误)"
# 答案：C at the end of a stem or option line; （答案：C） too.
TRAILING_ANSWER_RE = re.compile(
    r"^(.*?\S)\s*(?:[【\[](?:参考|正确|标准)?答案[】\]]\s*:?|(?:参考|正确|标准)?答案\s*(?:为|是)?\s*:)\s*"
    + _ANSWER_VALUE + r"\s*[.。]?\s*$"
)
TRAILING_PAREN_ANSWER_RE = re.compile(
    r"^(.*?\S)\s*\(\s*(?:参考|正确|标准)?答案\s*(?:为|是)?\s*:?\s*" + _ANSWER_VALUE + r"\s*\)\s*[.。]?\s*$"
)
# 【解析】 or 解析： inside a key line, after its entries.
_KEY_EXPLANATION_RE = re.compile(r"[【\[]\s*(?:答案)?解析\s*[】\]]\s*:?|(?:答案)?解析\s*:")

# A field after another on its line: 答案：C　解析：…… 【出处】……, 解析：…… 【出处】…… .
_LATER_FIELD_RE = re.compile(
    r"(?P<explanation>[【\[]\s*(?:答案|试题)?解析\s*[】\]]\s*:?|(?:答案|试题)?解析\s*:)"
    r"|(?P<source>[【\[]\s*(?:出处|法规依据|依据|来源)\s*[】\]]\s*:?|(?:出处|法规依据|依据|来源)\s*:)"
    r"|(?P<difficulty>[【\[]\s*难度\s*[】\]]\s*:?|难度\s*:)"
)
# which later fields a field's text may hand over to (an explanation may well say 依据：…)
_LATER_FIELDS = {"answer": ("explanation", "source", "difficulty"), "explanation": ("source", "difficulty"),
                 "source": ("difficulty",), "difficulty": ()}


def _fields_of_line(name: str, start: int, folded: str) -> list[tuple[str, int, int]]:
    """The fields of a labelled line, as (name, start, end) of each value: one, or several when
    the answer is followed by its 解析 (or 出处, 难度) on the same line."""
    fields, position = [], start
    while True:
        later = next((m for m in _LATER_FIELD_RE.finditer(folded, position)
                      if m.lastgroup in _LATER_FIELDS[name]
                      and (m.group(0)[0] in "【[" or m.start() == 0 or folded[m.start() - 1] in " 。.;,")), None)
        if later is None:
            fields.append((name, start, len(folded)))
            return fields
        end = later.start()
        while name == "answer" and end > start and folded[end - 1] in " ,;。.":  # 答案：错误，解析：…
            end -= 1
        fields.append((name, start, end))
        name, start = later.lastgroup, later.end()
        position = start


def _field_line(folded: str) -> tuple[str, int] | None:
    """('answer' | 'explanation' | 'source' | 'difficulty', where its value starts) or None."""
    for pattern, name in ((EXPLANATION_RE, "explanation"), (SOURCE_RE, "source"),
                          (ANSWER_RE, "answer"), (DIFFICULTY_RE, "difficulty")):
        match = pattern.match(folded)
        if match:
            return name, match.start(1)
    return None


def _type_of(title: str) -> str | None:
    return qtypes.type_of_heading(title)


def _stem_shaped(title: str) -> bool:
    return bool(_STEM_SHAPE_RE.search(title)) or len(title) >= 40


def section_of(folded: str) -> tuple[str | None, float | None] | None:
    """(type, points) if the line is a section heading, else None."""
    heading = _heading(folded)
    return None if heading is None else heading[:2]


def _heading(folded: str) -> tuple[str | None, float | None, str, bool] | None:
    """(type, points, title, is a part) if the line is a heading, else None. A 一、… line with no
    type in it that is shaped like a stem is a question, no heading."""
    part = PART_RE.match(folded)
    if part:
        title = part.group("title")
        return _type_of(title), _points(title), title, True
    match = SECTION_RE.match(folded)
    if match:
        title = match.group("title")
        qtype = _type_of(title)
        if qtype is None and _stem_shaped(title):
            return None
        return qtype, _points(title), title, False
    if BARE_SECTION_RE.match(folded):
        return _type_of(folded), _points(folded), folded, False
    return None


def _points(title: str) -> float | None:
    points = POINTS_RE.search(title)
    return float(points.group(1)) if points else None


def _heading_with_entries(original: str, folded: str):
    """(heading, KeyLine) for a key line that starts with its sub-heading: 一、单项选择题 1-5
    BCADA, 判断题：1.√ 2.×, 一、1.B 2.C; else None."""
    if not _HEADING_START_RE.match(folded):
        return None
    for tried, match in enumerate(answer_key.ENTRY_START_RE.finditer(folded)):
        if tried > 3:  # the sub-heading is short: its entries start soon after it
            return None
        if match.start() == 0:
            continue
        head_text = folded[:match.start()].strip().rstrip(":").strip()
        head = (None, None, "", False) if _BARE_NUMERAL_RE.match(head_text) else _heading(head_text)
        if head is not None:
            read = answer_key.read_key_line(original[match.start():], folded[match.start():])
            if read is not None:
                return head, read
    return None


def _chinese_number(text: str) -> int:
    """一 … 九十九."""
    digits = [CN_NUMERALS.index(c) + 1 for c in text]
    if len(digits) == 1:
        return digits[0]
    if len(digits) == 2:
        return 10 + digits[1] if digits[0] == 10 else digits[0] * 10
    return digits[0] * 10 + digits[2]


def _chinese_question(folded: str) -> tuple[int, int] | None:
    """(number, where the stem starts) for a question numbered 一、 （一）: shaped like a stem."""
    match = SECTION_RE.match(folded)
    if match is None:
        return None
    title = match.group("title")
    if _type_of(title) is not None or not _stem_shaped(title):
        return None
    return _chinese_number(match.group(1) or match.group(2)), match.start("title")


def _option_spans(folded: str, expected: str) -> list[tuple[int, int, int]]:
    """(label start, text start, text end) of each option label in order from ``expected``."""
    cuts: list[tuple[int, int]] = []
    want = expected
    for match in OPTION_LABEL_RE.finditer(folded):
        letter = (match.group(1) or match.group(2)).upper()
        if letter == want:
            cuts.append((match.start(), match.end()))
            want = chr(ord(want) + 1)
    return [(label, start, cuts[i + 1][0] if i + 1 < len(cuts) else len(folded))
            for i, (label, start) in enumerate(cuts)]


def split_options(original: str, folded: str, expected: str) -> tuple[str, list[str]]:
    """Split ``A．甲 B．乙`` into options, taking only labels in order from ``expected``.

    Returns the text before the first label and the option texts.
    """
    spans = _option_spans(folded, expected)
    if not spans:
        return original, []
    return original[:spans[0][0]], [original[start:end].strip() for _, start, end in spans]


def starts_with_option(folded: str, expected: str) -> bool:
    match = OPTION_LABEL_RE.match(folded.lstrip())
    return bool(match) and (match.group(1) or match.group(2)).upper() == expected


@dataclass
class Section:
    """A heading of the paper, in the order they come."""

    line: int
    qtype: str | None
    points: float | None
    title: str  # match_key of its title, to find it again under the key's sub-headings


class Parser:
    def __init__(self, unit: str = "行"):
        self.result = ParseResult(unit=unit)
        self.section: str | None = None
        self.section_points: float | None = None
        self.section_index: int | None = None
        self.sections: list[Section] = []
        self.part_type: str | None = None  # the type of the 第X部分 the sections are in
        self.current: Draft | None = None
        self.field: str | None = None
        self.seen: dict[str, int] = {}
        #: every question read, in file order, settled at close (a key at the end may answer it)
        self.drafts: list[Draft] = []
        self.problems: dict[int, list[Problem]] = {}  # id(draft) → problems found in reading it
        self.key: KeyRegion | None = None  # the key being read
        self.regions: list[KeyRegion] = []
        self.key_field: str | None = None  # 'explanation' after a key entry's 解析
        self.notes = False  # inside 注意事项, whose numbered lines are instructions

    # -- reading lines ------------------------------------------------------------------

    def feed(self, line: Line) -> None:
        if "\n" not in line.text:
            self._feed_text(line.number, line.text, line.numbered, line.marks)
            return
        offset = 0
        for piece in line.text.split("\n"):
            marks = [(max(a - offset, 0), min(b - offset, len(piece)), name) for a, b, name in line.marks
                     if a < offset + len(piece) and b > offset] if line.marks else None
            self._feed_text(line.number, piece, line.numbered, marks)
            offset += len(piece) + 1

    def _feed_text(self, number: int, text: str, numbered: str | None, marks=None) -> None:
        if marks:
            text, where = clean_positions(text)
            lead = len(text) - len(text.lstrip())
            marks = [(where[a] - lead, where[b] - lead, name) for a, b, name in marks]
        else:
            text = clean(text)
        original = text.strip()
        if not original:
            return
        folded = fold(original)
        if self.key is not None:
            cuts = [m.start() for m in _INNER_HEADING_RE.finditer(folded)]
            if cuts and not (marks or numbered):  # 一、1.B 2.C 二、1.ABC 三、1.√: each part by itself
                for start, end in zip([0] + cuts, cuts + [len(folded)]):
                    if original[start:end].strip():
                        self._feed_text(number, original[start:end], None)
                return
            if self._feed_key(number, original, folded, numbered):
                return
        if self.current is None and notes_heading(folded):
            self.notes = True
            self._warn_furniture(number, original, "注意事项")
            return
        kind = furniture(folded)
        if kind is not None:
            self._furniture(number, original, folded, kind)
            return
        question = QUESTION_RE.match(folded)
        if self.notes:
            if question and instruction(folded):
                self._warn_furniture(number, original, "注意事项")
                return
            self.notes = False
        if answer_key.is_key_heading(folded) and not self._empty_answer_line(folded):
            self._start_key(number)
            return

        chinese = None if question else _chinese_question(folded)
        if not question and self.current is not None and self.field in ("explanation", "source") \
                and self._enumeration(folded, chinese):
            self._continue(original)  # （一）警告；（二）严重警告 … inside an explanation
            return
        labelled = None if question or chinese else _field_line(folded)
        if labelled and labelled[0] == "answer" and self._key_in_answer_line(number, original, folded, labelled[1]):
            return
        if question and self._bare_key_line(number, original, folded):
            return
        if not question and not chinese and not labelled and numbered != "question":
            heading = _heading(folded) if numbered in (None, "section") else None
            if heading is not None or numbered == "section":
                self._finish()
                self._open_section(number, heading)
                return
            if folded[:1].isdigit() and self._bare_key_line(number, original, folded):
                return
        if question or chinese or (numbered == "question" and not labelled):
            self._finish()
            if question:
                typed = int(next(g for g in question.groups() if g is not None))
                start = question.end()
            elif chinese:
                typed, start = chinese
            else:
                typed, start = None, 0
            self.current = Draft(line=number, declared=self.section, points=self.section_points,
                                 number=typed, section=self.section_index)
            self.field = "stem"
            self._take_stem_text(original[start:], _shift(marks, start))
            return
        if labelled:
            for name, start, end in _fields_of_line(*labelled, folded):
                self._take_field(name, number, original[start:end].strip())
            return

        if self.current is not None and self.field in ("stem", "option"):
            expected = LETTERS[len(self.current.options)] if len(self.current.options) < 8 else None
            if numbered == "option" or (expected and starts_with_option(folded, expected)):
                self._take_option_text(original, numbered == "option", marks)
                return
            if self.current.options and starts_with_option(folded, "A"):
                self._question_error(number, "选项 A 重复出现，可能漏写了题号。")
                return

        if self.current is not None and self.field in ("stem", "option", "explanation", "source"):
            self._continue(original)
            return
        if self.current is None:
            self.result.warnings.append(Problem(number, f"未识别为题目，已忽略：“{clip(original)}”"))
        else:
            self._question_error(number, f"无法识别这一行（不是题干、选项、答案或解析，可能漏写了题号）：“{clip(original)}”")

    def _enumeration(self, folded: str, chinese) -> bool:
        """A 一、… or （一）… line with no type in it, inside an explanation or source, that does
        not ask anything: part of the text, not a heading or a question."""
        match = SECTION_RE.match(folded)
        if match is None or _type_of(match.group("title")):
            return False
        return chinese is None or not _ASKS_RE.search(match.group("title"))

    def add_draft(self, draft: Draft, problems: list[Problem]) -> None:
        """Take a question read elsewhere (a spreadsheet row), with problems found in reading it."""
        self._finish()
        self._end_key()
        if problems:
            self.problems[id(draft)] = problems
        if draft.section is None:  # a table's row under the paper's heading: its key is that section's
            draft.section = self.section_index
        self.drafts.append(draft)

    def _open_section(self, number: int, heading) -> None:
        qtype, points, title, part = heading if heading else (None, None, "", False)
        if part:
            self.part_type = qtype
        elif qtype is None:
            qtype = self.part_type
        if points is None and not part and self.sections and self.sections[-1].qtype == qtype:
            points = self.sections[-1].points if self.part_type is not None else None
        self.sections.append(Section(number, qtype, points, _title_key(title)))
        self.section_index = len(self.sections) - 1
        self.section, self.section_points = qtype, points

    def _furniture(self, number: int, original: str, folded: str, kind: str) -> None:
        if kind == "分值说明" and self.current is None and self.section_index is not None \
                and self.section_points is None and _points(folded) is not None \
                and not any(d.section == self.section_index for d in self.drafts[-1:]):
            # （每题2分，共20分） under a heading: the section's points
            self.section_points = self.sections[self.section_index].points = _points(folded)
            return
        self._warn_furniture(number, original, kind)

    def _warn_furniture(self, number: int, original: str, kind: str) -> None:
        self.result.warnings.append(Problem(number, f"不是题目（{kind}），已忽略：“{clip(original)}”"))

    def _take_stem_text(self, text: str, marks=None) -> None:
        text, trailing = _split_trailing_answer(text)
        # an inline answer such as （A、B、C） holds labels but is no list of options
        masked = INLINE_CHOICE_RE.sub(lambda m: "#" * len(m.group(0)), fold(text))
        spans = _option_spans(masked, "A")
        if len(spans) >= 2:  # options written on the stem's own line
            self.current.stem.append(text[:spans[0][0]].strip())
            self._add_options(text, spans, marks)
            self.field = "option"
        else:
            self.current.stem.append(text.strip())
        if trailing:
            self.current.answer, self.current.answer_line = trailing, self.current.line

    def _take_option_text(self, original: str, auto_numbered: bool, marks=None) -> None:
        original, trailing = _split_trailing_answer(original)
        draft = self.current
        if auto_numbered:
            spans = [(0, 0, len(original))]
        else:
            spans = _option_spans(fold(original), LETTERS[len(draft.options)])
        self._add_options(original, spans[:8 - len(draft.options)], marks)
        self.field = "option"
        if trailing:
            draft.answer, draft.answer_line = trailing, draft.line

    def _add_options(self, text: str, spans, marks) -> None:
        draft = self.current
        draft.option_marks += [frozenset()] * (len(draft.options) - len(draft.option_marks))
        for _, start, end in spans:
            draft.options.append(text[start:end].strip())
            draft.option_marks.append(covering(text, start, end, marks) if marks else frozenset())

    def _take_field(self, name: str, number: int, value: str) -> None:
        if self.current is None:
            self._error(number, "这一行前面没有题目（答案、解析、出处须写在题目之后）。")
            return
        if name == "answer":
            if self.current.answer is not None and self.current.answer_line != number:
                self._question_error(number, "同一题有两处答案。")
            self.current.answer, self.current.answer_line = value, number
            self.field = "answer"
        elif name == "explanation":
            self.current.explanation.append(value)
            self.field = "explanation"
        elif name == "source":
            self.current.source.append(value)
            self.field = "source"
        else:
            self.current.difficulty = value
            self.field = "difficulty"

    def _continue(self, original: str) -> None:
        draft = self.current
        if self.field == "stem":
            draft.stem.append(original)
        elif self.field == "option":
            draft.options[-1] = f"{draft.options[-1]}{original}"
        elif self.field == "explanation":
            draft.explanation.append(original)
        else:
            draft.source.append(original)

    def _error(self, line: int, message: str) -> None:
        self.result.errors.append(Problem(line, message))

    def _question_error(self, line: int, message: str) -> None:
        """A problem of the question being read: it is reported, and the question is not taken."""
        self.problems.setdefault(id(self.current), []).append(Problem(line, message))

    # -- answer keys ----------------------------------------------------------------------

    def _empty_answer_line(self, folded: str) -> bool:
        """A bare 答案： under a question that has none, in a bank that writes answers after
        each question: that question's (empty) answer line, not a key."""
        if not answer_key.bare_answer_heading(folded) or self.current is None or self.current.answer is not None:
            return False
        return bool(self.drafts) and self.drafts[-1].answer is not None

    def _start_key(self, number: int) -> KeyRegion:
        self._finish()
        start = self.regions[-1].end if self.regions else 0
        self.key = KeyRegion(line=number, start=start, end=len(self.drafts))
        self.regions.append(self.key)
        self.key_field = None
        self.notes = False
        return self.key

    def _end_key(self) -> None:
        if self.key is not None:
            self._flush_key_table()
        self.key, self.key_field = None, None

    def _key_in_answer_line(self, number, original, folded, start) -> bool:
        """参考答案：1-5 BCADA (a key after a section, on its answer line)."""
        read = answer_key.read_key_line(original[start:], folded[start:])
        if read is None and (_heading_with_entries(original[start:], folded[start:]) is not None
                             or _heading(folded[start:]) is not None):
            self._start_key(number)  # 参考答案：一、单项选择题 1-5 BCADA
            self._key_heading(number, original[start:], folded[start:])
            return True
        if read is None or not (read.ranged or len(read.entries) >= 2):
            return False
        self._start_key(number)
        self._key_entries(number, read)
        return True

    def _bare_key_line(self, number, original, folded) -> bool:
        """1-5 BCADA, or 1.C 2.A 3.B, with no 参考答案 heading before it."""
        if not answer_key.several_entries(folded):
            return False
        read = answer_key.read_key_line(original, folded)
        if read is None:
            return False
        short = all(answer_key.split_run(fold(value), 1) is not None for _, value in read.entries)
        if not (read.ranged or (len(read.entries) >= 2 and short)):
            return False
        self._start_key(number)
        self._key_entries(number, read)
        return True

    def _key_entries(self, number: int, read) -> None:
        group = self.key.group(number)
        for problem in read.problems:
            self._error(number, f"参考答案：{problem}")
        for typed, value in read.entries:
            group.entries.append(KeyEntry(typed, value, number))
        self.key_field = None

    def _feed_key(self, number: int, original: str, folded: str, numbered: str | None) -> bool:
        """Read a line of a key; False when the key has ended and the line is the paper's."""
        region = self.key
        last = next((g.entries[-1] for g in reversed(region.groups) if g.entries), None)
        labelled = _field_line(folded)
        if labelled and labelled[0] in ("explanation", "source"):
            if last is None:
                self._error(number, "参考答案中这一行前面没有题号。")
            elif labelled[0] == "explanation":
                last.explanation.append(original[labelled[1]:].strip())
                self.key_field = "explanation"
            return True
        if self._key_table(number, original, folded):
            return True
        heading = self._key_heading(number, original, folded)
        if heading is not None:
            return heading
        if answer_key.is_key_heading(folded):
            return True
        value_start = 0
        answer = ANSWER_RE.match(folded)
        if answer:
            value_start = answer.start(1)
        explanation = _KEY_EXPLANATION_RE.search(folded, value_start + 1)
        cut = explanation.start() if explanation else len(folded)
        read = answer_key.read_key_line(original[value_start:cut], folded[value_start:cut])
        if read is not None:
            self._key_entries(number, read)
            if explanation:
                entries = region.group(number).entries
                if entries:
                    entries[-1].explanation.append(original[explanation.end():].strip())
                self.key_field = "explanation"
            return True
        if numbered == "question" and value_start == 0 and not answer_key.stem_like(original):
            run = [original]  # Word numbers the key's entries itself: each paragraph is one answer
        else:
            run = answer_key.positional_run(folded[value_start:])
            if run is not None and region.end - region.start == 1 and not region.has_entries:
                run = [original[value_start:].strip()]  # 【答案】 and, on the next line, A B: one question's
        if run is not None:
            group = region.group(number)
            after = group.entries[-1].number if group.entries else 0
            group.entries += [KeyEntry(after + i, v, number, positional=True) for i, v in enumerate(run, start=1)]
            self.key_field = None
            return True
        kind = furniture(folded)
        if kind is not None:
            self._warn_furniture(number, original, kind)
            return True
        if QUESTION_RE.match(folded) or _chinese_question(folded) or numbered == "question":
            self._end_key()  # the paper goes on: a question, not an entry of the key
            return False
        if self.key_field == "explanation" and last is not None:
            last.explanation.append(original)
            return True
        self._error(number, f"参考答案中无法识别这一行：“{clip(original)}”")
        return True

    def _key_table(self, number: int, original: str, folded: str) -> bool:
        """A key kept as a table: a 题号 row and an 答案 row (in a text file, one line each; from a
        Word table, a paragraph for each cell), perhaps several pairs of them."""
        region = self.key
        table = region.table
        row = answer_key.NUMBERS_ROW_RE.match(folded)
        if row:
            self._flush_key_table()
            region.table = answer_key.KeyTable(number, [int(n) for n in row.group(1).split()])
            return True
        if table is None:
            return False
        if table.answers is None:
            if answer_key.BARE_NUMBERS_RE.match(folded):
                table.numbers += [int(n) for n in folded.split()]
                return True
            answers = answer_key.ANSWERS_ROW_RE.match(folded)
            if answers:
                table.answers, table.line_of_answers = original[answers.start(1):].split(), number
                if len(table.answers) >= len(table.numbers):
                    self._flush_key_table()
                return True
        elif len(table.answers) < len(table.numbers) and not answer_key.is_key_heading(folded) \
                and _heading(folded) is None:
            table.answers += original.split()
            if len(table.answers) >= len(table.numbers):
                self._flush_key_table()
            return True
        self._flush_key_table()
        return False

    def _flush_key_table(self) -> None:
        region = self.key
        table, region.table = region.table, None
        if table is None:
            return
        unit = self.result.unit
        if table.answers is None:
            self._error(table.line, "参考答案：这一行题号下面没有对应的答案行。")
        elif len(table.answers) != len(table.numbers):
            self._error(table.line_of_answers, f"参考答案：题号行（第 {table.line} {unit}）有 {len(table.numbers)} 个题号，"
                                               f"答案行却有 {len(table.answers)} 个答案。")
        else:
            group = region.group(table.line)
            group.entries += [KeyEntry(n, v, table.line_of_answers) for n, v in zip(table.numbers, table.answers)]

    def _key_heading(self, number: int, original: str, folded: str) -> bool | None:
        """A heading inside a key: True when it is the key's sub-heading (一、单项选择题 …,
        perhaps with entries after it on the line), False when it starts a new section of the
        paper (the key answered the section before it), None when it is no heading."""
        heading, rest = _heading_with_entries(original, folded) or (None, None)
        bare = False
        if heading is None:
            heading = _heading(folded)
            if heading is None:
                # 一、 alone on its line, its entries on the next: the key's next part, in order
                bare = _BARE_NUMERAL_RE.match(folded.strip().rstrip(":").strip()) is not None
                if not bare:
                    return None
                heading = (None, None, folded.strip().rstrip(":").strip(), False)
        qtype, _, title, part = heading
        region = self.key
        claimed = {group.section for group in region.groups}
        in_scope = []
        for draft in self.drafts[region.start:region.end]:
            if draft.section is not None and draft.section not in in_scope:
                in_scope.append(draft.section)
        free = [s for s in in_scope if s not in claimed]
        if bare:
            if not free:
                return None
            group = KeyGroup(number, title=title, qtype=self.sections[free[0]].qtype, section=free[0])
            region.groups.append(group)
            self.key_field = None
            return True
        key = _title_key(title)
        section = next((s for s in free if key and self.sections[s].title == key), None)
        if section is None:
            section = next((s for s in free if answer_key.types_agree(self.sections[s].qtype, qtype)), None)
        if section is None:
            had_heading = any(group.title is not None for group in region.groups)
            untyped = all(self.sections[s].qtype is None for s in free) or qtype is None
            if rest is not None or not region.has_entries or (had_heading and free and untyped):
                section = free[0] if free and (untyped or rest is not None or not region.has_entries) else None
            else:
                self._end_key()
                return False
        group = KeyGroup(number, title=clip(re.sub(r"\(.*?\)", "", title).strip(" :"), 20) or None,
                         qtype=qtype, section=section)
        region.groups.append(group)
        if rest is not None:
            self._key_entries(number, rest)
        self.key_field = None
        return True

    # -- settling the questions ------------------------------------------------------------

    def _finish(self) -> None:
        draft, self.current, self.field = self.current, None, None
        if draft is not None:
            self.drafts.append(draft)

    def close(self) -> ParseResult:
        self._finish()
        self._end_key()
        result = self.result
        drafts = [None if id(d) in self.problems else d for d in self.drafts]
        rejected = answer_key.apply_keys(self.regions, drafts, result, _inline_answer) if self.regions else set()
        apply_marks([d for d in drafts if d is not None and id(d) not in rejected], result, _inline_answer)
        for draft in self.drafts:
            problems = self.problems.get(id(draft))
            if problems is not None:
                result.errors.extend(problems)
            if problems is not None or id(draft) in rejected:
                result.rejected.append(_rejected(draft))
                continue
            reported = len(result.errors), len(result.warnings)
            question = settle(draft, result)
            if draft.place:  # what settling found is named by the row it is on
                for problem in result.errors[reported[0]:] + result.warnings[reported[1]:]:
                    problem.place = problem.place or draft.place
            if question is None:
                result.rejected.append(_rejected(draft))
                continue
            question.place = draft.place
            earlier = self.seen.get(question.fingerprint)
            if earlier is not None:
                result.warnings.append(Problem(question.line, f"与第 {earlier} {result.unit}的题目重复。"))
            else:
                self.seen[question.fingerprint] = question.line
            result.questions.append(question)
        if not result.questions and not result.errors:
            result.errors.append(Problem(0, "文件中没有找到任何题目。请检查题号格式（如“1．”“2、”）。"))
        result.errors.sort(key=lambda p: p.line)
        result.warnings.sort(key=lambda p: p.line)
        for problem in result.errors + result.warnings:
            problem.unit = result.unit
        return result


def parse_lines(items, unit: str = "行") -> ParseResult:
    """Parse a bank given as Line objects (or (number, text) pairs), with questions read
    elsewhere (a table's rows) among them as (Draft, [Problem]) pairs; ``unit`` is what the
    numbers count, for the messages."""
    parser = Parser(unit)
    for item in items:
        if isinstance(item, Line):
            parser.feed(item)
        elif isinstance(item[0], Draft):
            parser.add_draft(*item)
        else:
            parser.feed(Line(*item))
    return parser.close()


def parse_text(text: str) -> ParseResult:
    return parse_lines(Line(n, t) for n, t in enumerate(text.splitlines(), start=1))


def _split_trailing_answer(text: str) -> tuple[str, str | None]:
    folded = fold(text)
    match = TRAILING_ANSWER_RE.match(folded) or TRAILING_PAREN_ANSWER_RE.match(folded)
    if not match:
        return text, None
    return text[:match.end(1)], text[match.start(2):match.end(2)]


def _inline_answer(draft: Draft) -> str | None:
    """The answer written into the stem, （ B ） or （√）, as settle will read it."""
    return take_inline("\n".join(part for part in draft.stem if part), bool(draft.options))[1]


def _shift(marks, start: int):
    if not marks:
        return marks
    return [(a - start, b - start, name) for a, b, name in marks if b > start]


def _title_key(title: str) -> str:
    return match_key(re.sub(r"\(.*?\)|（.*?）", "", title))


def _rejected(draft: Draft) -> Rejected:
    return Rejected(draft.line, "\n".join(part for part in draft.stem if part).strip(),
                    [option.strip() for option in draft.options], draft.answer, draft.place)
