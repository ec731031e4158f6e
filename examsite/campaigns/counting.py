"""Which sitting counts when someone took a make-up test (补测). Pure.

The campaign's rule: ``replace_capped`` — the make-up's score replaces the first one but counts
no higher than the pass mark (a 补测 can make a fail a pass, never an excellent); ``best`` — the
better of the two. Someone who passed the first time keeps his score either way.
"""
from dataclasses import dataclass

RULES = {"replace_capped": "补测成绩替代原成绩，最高按及格分计", "best": "取两次中较高的成绩"}


@dataclass(frozen=True)
class Sitting:
    """A graded sitting; ``score`` None when he did not hand in a paper."""

    score: float | None
    passed: bool | None
    pass_mark: float


@dataclass(frozen=True)
class Counted:
    score: float | None
    passed: bool | None
    #: how the score came about, for the result pages (None: the first sitting, nothing applied)
    note: str | None = None


def counted(first: Sitting | None, makeup: Sitting | None, rule: str) -> Counted:
    """The score that counts for someone's first sitting and, if any, his make-up."""
    if rule not in RULES:
        raise ValueError(f"unknown make-up rule {rule!r}")
    base = Counted(first.score, first.passed) if first is not None else Counted(None, None)
    if makeup is None or makeup.score is None:
        return base
    if base.passed:
        return Counted(base.score, base.passed, "原成绩已合格，补测不计")
    if rule == "replace_capped":
        score = min(makeup.score, makeup.pass_mark)
        note = f"补测 {makeup.score:g} 分" + (f"，按及格分 {score:g} 分计" if score < makeup.score else "，计入")
        return Counted(score, makeup.passed, note)
    if base.score is not None and base.score >= makeup.score:
        return Counted(base.score, base.passed, f"补测 {makeup.score:g} 分，取较高的原成绩")
    return Counted(makeup.score, makeup.passed, f"补测 {makeup.score:g} 分，取较高的补测成绩")
