"""The question-bank parser: numbered lines of text → questions. Pure: no Flask, no database.

Banks arrive typed by hand over years, in many styles at once. The parser reads them line by
line with a small state machine: a section heading sets the type and points, a numbered line
starts a question, lettered lines are its options, and 答案/解析/出处/难度 lines fill in the
rest. Matching runs on a folded copy of each line (full-width letters, digits and punctuation
made half-width, one character for one, so positions agree); the text kept and shown is always
the original. Every line that fits nowhere is reported: silence is the worst failure.
"""
import re

from .parsed import LETTERS, TYPE_NAMES, Draft, Line, ParseResult, Problem, Question, Rejected  # noqa: F401 (the parser's vocabulary)
from .settle import INLINE_CHOICE_RE, settle
from .text import fold

# A section heading: 一、单项选择题（共8题，每题2分）, or a bare 【判断题】.
SECTION_RE = re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[、.]\s*(\S.*)$")
BARE_SECTION_RE = re.compile(
    r"^\s*[【\[]?\s*((?:单项|多项|不定项)?选择题?|单选题?|多选题?|判断题?|填空题?|判断正误)\s*[】\]]?"
    r"\s*(?:\(.*\))?\s*[:]?\s*$"
)
SECTION_TYPES = (
    (re.compile(r"多项选择|多选|不定项"), "multiple"),
    (re.compile(r"单项选择|单选"), "single"),
    (re.compile(r"判断"), "judge"),
    (re.compile(r"填空"), "fill"),
    (re.compile(r"选择"), "choice"),  # single or multiple, told apart by the answer
)
POINTS_RE = re.compile(r"每(?:小)?题\s*(\d+(?:\.\d+)?)\s*分")

# A question number: 1． 2、 3. 4) （6） (7) 第8题. "4.5" is not question 4.
QUESTION_RE = re.compile(
    r"^\s*(?:(\d{1,4})\s*(?:\.(?!\d)|、|:|\)(?!\s*$))|\(\s*(\d{1,4})\s*\)|第\s*(\d{1,4})\s*题\s*[.、:]?)\s*"
)
# An option label: A． A、 A. （A） Ａ． A: — not inside a word.
OPTION_LABEL_RE = re.compile(r"(?<![A-Za-z0-9_])(?:\(\s*([A-H])\s*\)|([A-H])\s*[.、:])\s*")
ANSWER_RE = re.compile(
    r"^\s*(?:[【\[]\s*(?:参考|正确|标准)?答案\s*[】\]]\s*:?|(?:参考|正确|标准)?答案\s*(?::|\s)|答\s*:)\s*(.*)$"
)
EXPLANATION_RE = re.compile(r"^\s*(?:[【\[]\s*(?:答案|试题)?解析\s*[】\]]\s*:?|(?:答案|试题)?解析\s*:)\s*(.*)$")
SOURCE_RE = re.compile(
    r"^\s*(?:[【\[]\s*(?:出处|法规依据|依据|来源)\s*[】\]]\s*:?|(?:出处|法规依据|依据|来源)\s*:)\s*(.*)$"
)
DIFFICULTY_RE = re.compile(r"^\s*(?:[【\[]\s*难度\s*[】\]]\s*:?|难度\s*:)\s*(.*)$")
# 答案：C at the end of a stem or option line.
TRAILING_ANSWER_RE = re.compile(
    r"^(.*?\S)\s*[【\[]?(?:参考|正确|标准)?答案[】\]]?\s*:\s*"
    r"([A-H](?:\s*[、,]?\s*[A-H])*|[√✓✔×✗✕╳]|对|错|正确|错误)\s*[.。]?\s*$"
)

def _field_line(folded: str) -> tuple[str, int] | None:
    """('answer' | 'explanation' | 'source' | 'difficulty', where its value starts) or None."""
    for pattern, name in ((EXPLANATION_RE, "explanation"), (SOURCE_RE, "source"),
                          (ANSWER_RE, "answer"), (DIFFICULTY_RE, "difficulty")):
        match = pattern.match(folded)
        if match:
            return name, match.start(1)
    return None


def section_of(folded: str) -> tuple[str | None, float | None] | None:
    """(type, points) if the line is a section heading, else None."""
    match = SECTION_RE.match(folded)
    title = match.group(2) if match else None
    if title is None:
        bare = BARE_SECTION_RE.match(folded)
        if not bare:
            return None
        title = folded
    qtype = next((t for pattern, t in SECTION_TYPES if pattern.search(title)), None)
    points = POINTS_RE.search(title)
    return qtype, float(points.group(1)) if points else None


def split_options(original: str, folded: str, expected: str) -> tuple[str, list[str]]:
    """Split ``A．甲 B．乙`` into options, taking only labels in order from ``expected``.

    Returns the text before the first label and the option texts.
    """
    cuts: list[tuple[int, int]] = []
    want = expected
    for match in OPTION_LABEL_RE.finditer(folded):
        letter = match.group(1) or match.group(2)
        if letter == want:
            cuts.append((match.start(), match.end()))
            want = chr(ord(want) + 1)
    if not cuts:
        return original, []
    head = original[:cuts[0][0]]
    bodies = [original[start:(cuts[i + 1][0] if i + 1 < len(cuts) else len(original))].strip()
              for i, (_, start) in enumerate(cuts)]
    return head, bodies


def starts_with_option(folded: str, expected: str) -> bool:
    match = OPTION_LABEL_RE.match(folded.lstrip())
    return bool(match) and (match.group(1) or match.group(2)) == expected


class Parser:
    def __init__(self, unit: str = "行"):
        self.result = ParseResult(unit=unit)
        self.section: str | None = None
        self.section_points: float | None = None
        self.current: Draft | None = None
        self.field: str | None = None
        self.seen: dict[str, int] = {}

    # -- reading lines ------------------------------------------------------------------

    def feed(self, line: Line) -> None:
        for piece in line.text.split("\n"):
            self._feed_text(line.number, piece, line.numbered)

    def _feed_text(self, number: int, text: str, numbered: str | None) -> None:
        original = text.strip()
        if not original:
            return
        folded = fold(original)

        question = QUESTION_RE.match(folded)
        labelled = None if question else _field_line(folded)
        if not question and not labelled and numbered != "question":
            heading = section_of(folded) if numbered in (None, "section") else None
            if heading is not None or numbered == "section":
                self._finish()
                self.section, self.section_points = heading if heading else (None, None)
                return
        if question or (numbered == "question" and not labelled):
            self._finish()
            rest = original[question.end():] if question else original
            self.current = Draft(line=number, declared=self.section, points=self.section_points)
            self.field = "stem"
            self._take_stem_text(rest)
            return
        if labelled:
            name, start = labelled
            self._take_field(name, number, original[start:].strip())
            return

        if self.current is not None and self.field in ("stem", "option"):
            expected = LETTERS[len(self.current.options)] if len(self.current.options) < 8 else None
            if numbered == "option" or (expected and starts_with_option(folded, expected)):
                self._take_option_text(original, numbered == "option")
                return
            if self.current.options and starts_with_option(folded, "A"):
                self._error(number, "选项 A 重复出现，可能漏写了题号。")
                return

        if self.current is not None and self.field in ("stem", "option", "explanation", "source"):
            self._continue(original)
            return
        if self.current is None:
            self.result.warnings.append(Problem(number, f"未识别为题目，已忽略：“{_clip(original)}”"))
        else:
            self._error(number, f"无法识别这一行（不是题干、选项、答案或解析，可能漏写了题号）：“{_clip(original)}”")

    def add_draft(self, draft: Draft, problems: list[Problem]) -> None:
        """Take a question read elsewhere (a spreadsheet row), with problems found in reading it."""
        self._finish()
        if problems:
            self.result.errors.extend(problems)
            self.result.rejected.append(_rejected(draft))
            return
        self.current = draft
        self._finish()

    def _take_stem_text(self, text: str) -> None:
        text, trailing = _split_trailing_answer(text)
        # an inline answer such as （A、B、C） holds labels but is no list of options
        masked = INLINE_CHOICE_RE.sub(lambda m: "#" * len(m.group(0)), fold(text))
        head, options = split_options(text, masked, "A")
        if len(options) >= 2:  # options written on the stem's own line
            self.current.stem.append(head.strip())
            self.current.options.extend(options)
            self.field = "option"
        else:
            self.current.stem.append(text.strip())
        if trailing:
            self.current.answer, self.current.answer_line = trailing, self.current.line

    def _take_option_text(self, original: str, auto_numbered: bool) -> None:
        original, trailing = _split_trailing_answer(original)
        draft = self.current
        if auto_numbered:
            options = [original.strip()]
        else:
            _, options = split_options(original, fold(original), LETTERS[len(draft.options)])
        draft.options.extend(options[:8 - len(draft.options)])
        self.field = "option"
        if trailing:
            draft.answer, draft.answer_line = trailing, draft.line

    def _take_field(self, name: str, number: int, value: str) -> None:
        if self.current is None:
            self._error(number, "这一行前面没有题目（答案、解析、出处须写在题目之后）。")
            return
        if name == "answer":
            if self.current.answer is not None and self.current.answer_line != number:
                self._error(number, "同一题有两处答案。")
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

    # -- settling a question ----------------------------------------------------------------

    def _finish(self) -> None:
        draft, self.current, self.field = self.current, None, None
        if draft is None:
            return
        question = settle(draft, self.result)
        if question is None:
            self.result.rejected.append(_rejected(draft))
            return
        earlier = self.seen.get(question.fingerprint)
        if earlier is not None:
            self.result.warnings.append(Problem(question.line, f"与第 {earlier} {self.result.unit}的题目重复。"))
        else:
            self.seen[question.fingerprint] = question.line
        self.result.questions.append(question)

    def close(self) -> ParseResult:
        self._finish()
        if not self.result.questions and not self.result.errors:
            self.result.errors.append(Problem(0, "文件中没有找到任何题目。请检查题号格式（如“1．”“2、”）。"))
        self.result.errors.sort(key=lambda p: p.line)
        self.result.warnings.sort(key=lambda p: p.line)
        for problem in self.result.errors + self.result.warnings:
            problem.unit = self.result.unit
        return self.result


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
    match = TRAILING_ANSWER_RE.match(fold(text))
    if not match:
        return text, None
    return text[:match.end(1)], text[match.start(2):match.end(2)]



def _rejected(draft: Draft) -> Rejected:
    return Rejected(draft.line, "\n".join(part for part in draft.stem if part).strip(),
                    [option.strip() for option in draft.options], draft.answer)


def _clip(text: str, size: int = 30) -> str:
    return text if len(text) <= size else text[:size] + "…"
