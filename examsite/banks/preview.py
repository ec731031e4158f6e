"""What the import preview lists: every question found, in file order, those with errors among
them and marked with their problems, so the admin sees what went wrong where. Pure."""
from bisect import bisect_right
from dataclasses import dataclass, field

from .display import ShownQuestion, shown
from .parsed import ParseResult, Problem, Rejected


@dataclass
class PreviewItem:
    line: int
    #: the question as it will be stored; None for one that has errors
    question: ShownQuestion | None = None
    rejected: Rejected | None = None
    problems: list[Problem] = field(default_factory=list)


def preview_items(result: ParseResult) -> list[PreviewItem]:
    """Questions and rejected questions by line. An error goes to the rejected question whose
    lines hold it (from its first line to the next question's; the last one's own line only, as
    a key at the end of the paper follows it), and stays in the list at the top too."""
    items = [PreviewItem(q.line, question=shown(q)) for q in result.questions]
    items += [PreviewItem(r.line, rejected=r) for r in result.rejected]
    items.sort(key=lambda item: (item.line, item.question is not None))
    starts = [item.line for item in items]
    for problem in result.errors:
        index = bisect_right(starts, problem.line) - 1
        if index < 0 or problem.line <= 0 or items[index].rejected is None:
            continue
        if index == len(items) - 1 and problem.line != items[index].line:
            continue
        items[index].problems.append(problem)
    return items
