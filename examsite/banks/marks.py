"""Answers marked by formatting: the right option in red, or bold and underlined, and no letter
written anywhere. Pure.

The reader (.docx) gives each line the spans of its text set apart by formatting
(``Line.marks``); the parser records, for each option, the marks that cover all of its text
(``option_marks``). When the whole bank has been read, ``apply_marks`` takes a mark for the
answer only when the bank uses it consistently: every choice question without a written answer
has at least one option of that mark, options of that mark are not most of all options (red or
highlighted ones may be, in a bank of 多选题, when most questions leave some unmarked), and
where a question does write its answer the mark agrees with it. Emphasis in stems is never
looked at. Otherwise no answer is set and the questions get their usual 没有答案 errors.
"""
from .answers import parse_choice_answer
from .parsed import LETTERS, Draft, ParseResult, Problem

#: which mark wins when two are consistent and mark the same options
PREFERRED = ("红色字", "加粗下划线", "下划线", "突出显示", "加粗")
#: marks nobody uses for emphasis on options: they may mark most options of a 多选题 bank
DELIBERATE = ("红色字", "突出显示")
_IGNORED = set(" \t\u3000。.，,；;、：:！!？?")


def covering(text: str, start: int, end: int, marks: list[tuple[int, int, str]]) -> frozenset[str]:
    """The names of the marks whose spans cover every character of ``text[start:end]`` that is
    not a space or punctuation."""
    if not marks:
        return frozenset()
    wanted = [i for i in range(start, end) if text[i] not in _IGNORED]
    if not wanted:
        return frozenset()
    spans: dict[str, list[tuple[int, int]]] = {}
    for span_start, span_end, name in marks:
        if span_start < end and span_end > start:
            spans.setdefault(name, []).append((span_start, span_end))
    names = set()
    for name, pieces in spans.items():
        if all(any(a <= i < b for a, b in pieces) for i in wanted):
            names.add(name)
    return frozenset(names)


def apply_marks(drafts: list[Draft], result: ParseResult, inline_answer) -> None:
    """Set the answers of unanswered choice questions from a mark the whole bank uses, and
    ``result.answer_mark``; or leave them, with a warning when options were marked."""
    def written(draft):
        if draft.answer is not None and draft.answer.strip():
            return draft.answer
        return inline_answer(draft)

    choice = [d for d in drafts if len(d.options) >= 2]
    unanswered = [d for d in choice if written(d) is None]
    if not unanswered:
        return
    for draft in unanswered:  # options added after their marks were read (a continuation)
        draft.option_marks += [frozenset()] * (len(draft.options) - len(draft.option_marks))
    names = {name for d in unanswered for marks in d.option_marks for name in marks}
    if not names:
        return
    total = sum(len(d.options) for d in unanswered)
    consistent, too_many = [], []
    for name in names:
        marked = sum(1 for d in unanswered for marks in d.option_marks if name in marks)
        everywhere = all(any(name in marks for marks in d.option_marks) for d in unanswered)
        # a mark on every option is how the text looks, not an answer; but red or highlighted
        # options are no emphasis: a bank of 多选题, where ABCD is often right, marks most of
        # its options so, leaving some unmarked in most questions
        picks = sum(1 for d in unanswered if not all(name in marks for marks in d.option_marks))
        few = marked * 2 <= total or (name in DELIBERATE and marked < total and picks * 2 >= len(unanswered))
        if everywhere and not few:
            too_many.append(name)
        elif everywhere and _agrees(name, choice, written):
            consistent.append(name)
    if not consistent:
        if too_many:
            shown = "、".join(sorted(too_many, key=_rank)[:3])
            result.warnings.append(Problem(0, f"多数题目的全部选项都标有{shown}，不像是标出正确答案，"
                                              f"没有把它当作正确答案；请在题后写明答案。"))
            return
        shown = "、".join(sorted(names, key=_rank)[:3])
        result.warnings.append(Problem(0, f"部分选项标有{shown}，但并非每道未写答案的选择题都这样标，"
                                          f"没有把它当作正确答案；请在题后写明答案。"))
        return
    consistent.sort(key=_rank)
    name = consistent[0]
    chosen = {id(d): _letters(d, name) for d in unanswered}
    if any(_letters(d, other) != chosen[id(d)] for other in consistent[1:] for d in unanswered):
        result.warnings.append(Problem(0, f"选项同时有{'、'.join(consistent)}几种标记且标出的选项不同，"
                                          f"无法判断哪一种表示正确答案；请在题后写明答案。"))
        return
    for draft in unanswered:
        draft.answer, draft.answer_line = chosen[id(draft)], draft.line
    result.answer_mark = name


def _letters(draft: Draft, name: str) -> str:
    return "".join(LETTERS[i] for i, marks in enumerate(draft.option_marks[:len(LETTERS)]) if name in marks)


def _agrees(name: str, choice: list[Draft], written) -> bool:
    """Where a question writes its answer and marks options so, the two agree."""
    for draft in choice:
        answer = written(draft)
        if answer is None or len(draft.option_marks) < len(draft.options):
            continue
        letters = _letters(draft, name)
        if letters and parse_choice_answer(answer) not in (None, letters):
            return False
    return True


def _rank(name: str) -> tuple[int, str]:
    return (PREFERRED.index(name) if name in PREFERRED else len(PREFERRED), name)
