"""What every question type has to say about itself, and the shapes they share. Pure.

A question type (单选题, 判断题 …) is one subclass of ``QuestionType`` in a module of this
package, registered in ``examsite.qtypes``: its name and label, how its answer is read from
a bank and checked against the stem and options, what the examinee's page needs, how a
response is checked and graded, and how key and response are written for people. Nothing
outside this package branches on the type.
"""
import re
from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup, escape

from ..banks.parsed import LETTERS

#: multiple-choice scoring of a paper plan: 多选、少选、错选均不得分, or a correct subset earns half
ALL_OR_NOTHING = "all_or_nothing"
PARTIAL = "partial"

TRUE_LABEL = "正确"
FALSE_LABEL = "错误"
#: a response with nothing in it
UNANSWERED = "（未作答）"
#: one blank of a fill response left empty while another was filled
EMPTY_BLANK = "（空）"
ALTERNATIVES = " / "
BLANKS = "；"


@dataclass(frozen=True)
class Mark:
    points: float
    correct: bool


class Shape(NamedTuple):
    """What a response to a question must look like: its type, how many options, how many blanks."""
    qtype: str
    options: int
    blanks: int


@dataclass
class ShownOption:
    label: str
    text: str
    correct: bool


class Report:
    """Where settling a question writes its problems (banks.settle gives one per question)."""

    def error(self, message: str) -> None:  # pragma: no cover - an interface
        raise NotImplementedError

    def warning(self, message: str) -> None:  # pragma: no cover - an interface
        raise NotImplementedError


def input_row(kind: str, name: str, value: str, checked: bool, label, css: str = "form-check option") -> str:
    """One radio button or checkbox of the test page with its label; ``name`` and ``value`` are
    the app's own (q-<id>, a bank letter), ``label`` is escaped here."""
    ident = f"{name}-{value}"
    return (f'<div class="{css}">\n  <input class="form-check-input answer-input" type="{kind}" name="{name}" '
            f'id="{ident}" value="{value}"{" checked" if checked else ""}>\n'
            f'  <label class="form-check-label" for="{ident}">{escape(label)}</label>\n</div>\n')


def judge_label(value: bool) -> str:
    return TRUE_LABEL if value else FALSE_LABEL


def letters_label(value: str) -> str:
    """Option letters as people write them: sorted, upper case, no spaces."""
    return "".join(sorted(set(value.replace(" ", "").upper())))


def plain(value) -> str:
    """Any JSON value as text a person reads: lists joined by "；", nothing quoted or bracketed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return judge_label(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return BLANKS.join(part for part in (plain(v) for v in value) if part)
    if isinstance(value, dict):
        return BLANKS.join(f"{k}：{plain(v)}" for k, v in value.items())
    return str(value).strip()


def blank_label(accepted) -> str:
    """One blank of a fill key: its answer, or its alternatives joined by " / "."""
    if isinstance(accepted, (list, tuple)):
        return ALTERNATIVES.join(plain(a) for a in accepted if plain(a))
    return plain(accepted)


class QuestionType:
    """One question type. Subclasses set the attributes and override what differs.

    The defaults describe a type without options whose response is free text; they are also
    what a label of an unknown type falls back to.
    """

    #: stored in Question.qtype and in papers
    name: str = ""
    #: how the interface names it: 单选题
    label: str = ""
    #: in counts: 单选 3，多选 2
    short: str = ""
    #: the words of a section heading (一、单项选择题) that declare it; tried by ``heading_rank``
    heading: re.Pattern | None = None
    heading_rank: int = 50
    #: the order in which ``guess()`` is asked of a question under no heading; None: never guessed
    guess_rank: int | None = None
    #: False for a type only a heading declares, settled into a stored one (选择题 → 单选/多选)
    stored: bool = True
    #: whether its questions have lettered options
    has_options: bool = False
    #: whether the options are shuffled on each examinee's paper
    shuffled: bool = False
    #: an answer written into the stem, as （ B ） or （√）: group 1 is the answer
    inline: re.Pattern | None = None
    #: the JSON shape of a response, read and written by take.js: "letters" (a string of option
    #: letters), "truth" (true/false) or "text" (a list of strings, one per input)
    response: str = "text"

    # ---- reading a bank ------------------------------------------------------------------

    def guess(self, options: list[str], answer_text: str, stem: str) -> bool:
        """Whether a question under no heading is of this type."""
        return False

    def answers_differ(self, a: str, b: str) -> bool:
        """Whether two written answers (the stem's inline one and the answer line's) differ."""
        return a.strip() != b.strip()

    def settle(self, stem: str, options: list[str], answer_text: str, report: Report) -> tuple[str, object]:
        """Read and check the answer against stem and options: (the stored type, the answer).
        Problems go to ``report``; the answer is only used when none was an error."""
        raise NotImplementedError

    def answer_text(self, answer) -> str:
        """A stored answer written the way ``settle`` reads it back: the edit form, the bank's
        Excel export."""
        return plain(answer)

    # ---- the paper -----------------------------------------------------------------------

    @property
    def template(self) -> str:
        """The partial that draws the inputs on the test page (gets ``q`` and ``given``), when
        ``inputs_html`` gives None."""
        return f"qtypes/{self.name}.html"

    def inputs_html(self, q, given) -> Markup | None:
        """The inputs of ``q`` (an ExamineeQuestion) on the test page, with ``given`` (the stored
        response, or None) filled in; None: the page includes ``template`` instead. The types
        most papers are made of write theirs here: the 9:00 herd builds 2,000 papers of 50
        questions in 30 s, and a template costs ten times as much (README 性能)."""
        return None

    def blanks(self, answer) -> int:
        """How many text inputs the examinee's page has (from the key's shape, never its text)."""
        return 0

    def shape(self, item: dict) -> Shape:
        return Shape(self.name, len(item["options"]), self.blanks(item["answer"]))

    def valid_response(self, shape: Shape, response) -> bool:
        """Whether a response (not None) has the shape this question takes."""
        return isinstance(response, list) and len(response) <= shape.blanks \
            and all(isinstance(r, str) and len(r) <= 200 for r in response)

    def grade(self, key, response, points: float, scoring: str) -> Mark:
        """A response (not None) against the key."""
        raise NotImplementedError

    # ---- showing it ----------------------------------------------------------------------

    def shown_options(self, options: list[str], answer) -> list[ShownOption]:
        """The options as a bank page or a review shows them, the key's marked."""
        return []

    def shown_answer(self, answer) -> str:
        """The key on the bank pages (preview, questions, the admin's view of a paper)."""
        return plain(answer)

    def key_label(self, answer) -> str:
        """The key in results and the Excel workbook: A / AC, 正确 / 错误, 五 / 5；纪律."""
        return plain(answer)

    def response_label(self, response) -> str:
        """What an examinee answered (not empty), in results and the workbook."""
        if isinstance(response, bool):
            return judge_label(response)
        if isinstance(response, (list, tuple)):
            parts = [plain(r) for r in response]
            if not any(parts):
                return UNANSWERED
            return BLANKS.join(part or EMPTY_BLANK for part in parts)
        return plain(response) or UNANSWERED

    def seen_key(self, order: list[int], key):
        """The key as the examinee's paper shows it, its options in ``order``."""
        return key

    def seen_response(self, order: list[int], response) -> str:
        """A response (not None) on a review page, in the letters the examinee saw."""
        return BLANKS.join(r or EMPTY_BLANK for r in response) if isinstance(response, list) else plain(response)


#: what labels of an unknown type are written with
GENERIC = QuestionType()


def seen_letters(order: list[int], letters: str) -> str:
    """Bank letters as the letters the examinee saw, his options being shuffled into ``order``."""
    return "".join(sorted(LETTERS[order.index(LETTERS.index(letter))] for letter in letters))
