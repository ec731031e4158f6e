"""What the types answered by option letters share (单选, 多选 and the 选择题 a heading declares)."""
import re

from markupsafe import Markup

from ..banks.parsed import LETTERS
from ..banks.text import fold
from .base import (UNANSWERED, Mark, QuestionType, Shape, ShownOption, input_row, letters_label, plain,
                   seen_letters)

# An answer written into the stem: （ B ） （ABCD）.
INLINE_CHOICE_RE = re.compile(r"\(\s*([A-H](?:\s*[、,]?\s*[A-H])*)\s*\)")
_CHOICE_SEPARATORS = re.compile(r"[\s、,;/和及]+")


def parse_choice_answer(text: str) -> str | None:
    """'A、B、C' / 'ACD' / 'A B C' / 'A,C' → 'ABC'; None when it is not option letters."""
    value = _CHOICE_SEPARATORS.sub("", fold(text).strip().rstrip("。.")).upper()
    if not re.fullmatch(r"[A-H]+", value):
        return None
    return "".join(sorted(set(value)))


def response_letters(response) -> str:
    """A response's letters, sorted, upper case; "" when it is not a string."""
    if not isinstance(response, str):
        return ""
    return "".join(sorted(set(response.upper())))


# B．二年 / D 五年 / ABC（监督、调查、处置）: the letters, then the text of their options
_LETTERS_THEN_TEXT = re.compile(
    r"^\s*([A-Ha-h](?:\s*[、,]?\s*[A-Ha-h])*)(?:\s*[.、:]\s*|\s+|\s*(?=\())(\S.*)$")
_LABEL = re.compile(r"(?<![A-Za-z])[A-Ha-h]\s*[.、:]")


def letters_with_their_texts(text: str, options: list[str]) -> str | None:
    """The letters of an answer that goes on with the text of the options it names (B．二年,
    ABC（监督、调查、处置）, A．监督 B．调查); None when what follows the letters is anything else."""
    from ..banks.text import match_key

    match = _LETTERS_THEN_TEXT.match(fold(text).strip().rstrip("。."))
    if match is None:
        return None
    # A．监督 B．调查 C．处置: the letters of the options written out after the first
    letters = parse_choice_answer(match.group(1) + "".join(m.group(0)[0] for m in _LABEL.finditer(match.group(2))))
    if letters is None or any(LETTERS.index(letter) >= len(options) for letter in letters):
        return None
    rest = match_key(_LABEL.sub("", match.group(2)))
    for letter in letters:
        key = match_key(options[LETTERS.index(letter)])
        if not key or key not in rest:
            return None
        rest = rest.replace(key, "", 1)
    return letters if not rest else None


class Lettered(QuestionType):
    has_options = True
    shuffled = True
    inline = INLINE_CHOICE_RE
    response = "letters"
    #: at most one letter in an answer and a response
    one_letter = False

    def answers_differ(self, a: str, b: str) -> bool:
        return parse_choice_answer(a) != parse_choice_answer(b)

    def inputs_html(self, q, given) -> Markup:
        kind = "radio" if self.one_letter else "checkbox"
        return Markup("".join(input_row(kind, f"q-{q.id}", o.value, bool(given) and o.value in given,
                                        f"{o.label}. {o.text}") for o in q.options))

    def settle(self, stem, options, answer_text, report):
        if not options:
            report.error(f"{self.label}缺少选项。")
        elif len(options) < 2:
            report.error("选择题至少要有两个选项。")
        for index, text in enumerate(options):
            if not text:
                report.error(f"选项 {LETTERS[index]} 没有内容。")
        letters = parse_choice_answer(answer_text)
        if letters is None and options:
            letters = letters_with_their_texts(answer_text, options)
        name = self.name
        if letters is None:
            report.error(f"答案“{answer_text}”不是选项字母（应为 A–H）。")
        elif options:
            beyond = [letter for letter in letters if LETTERS.index(letter) >= len(options)]
            if beyond:
                report.error(f"答案 {''.join(beyond)} 没有对应的选项（本题只有 A–{LETTERS[len(options) - 1]}）。")
            kind = self.resolve(letters)
            name = kind.name
            kind.check_count(letters, report)
        return name, letters

    def resolve(self, letters: str) -> "Lettered":
        """The stored type an answer of these letters settles into."""
        return self

    def check_count(self, letters: str, report) -> None:
        """Problems with how many letters the answer has."""

    def answer_text(self, answer) -> str:
        return answer

    def valid_response(self, shape: Shape, response) -> bool:
        letters = LETTERS[:shape.options]
        return isinstance(response, str) and 0 < len(response) <= len(letters) and set(response) <= set(letters) \
            and (not self.one_letter or len(response) == 1)

    def grade(self, key, response, points, scoring) -> Mark:
        ok = response_letters(response) == key
        return Mark(points if ok else 0.0, ok)

    def shown_options(self, options, answer):
        return [ShownOption(LETTERS[i], text, LETTERS[i] in answer) for i, text in enumerate(options)]

    def shown_answer(self, answer) -> str:
        return answer

    def key_label(self, answer) -> str:
        return letters_label(answer) if isinstance(answer, str) else plain(answer)

    def response_label(self, response) -> str:
        if isinstance(response, str):
            return letters_label(response) or UNANSWERED
        return super().response_label(response)

    def seen_key(self, order, key):
        return seen_letters(order, key)

    def seen_response(self, order, response) -> str:
        return seen_letters(order, response)
