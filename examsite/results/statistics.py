"""Result statistics on plain values: summaries, score distribution, item analysis. Pure.

Everything here takes lists and numbers, so it is tested against hand-computed figures and is
shared by the results pages, the Excel export and the notices.
"""
from dataclasses import dataclass, field
from statistics import median

from ..exams.drawing import Section

#: the share of examinees in each of the top and bottom groups of the discrimination index
EXTREME_SHARE = 0.27
#: below this correct rate a question is one "most people miss"
HARD_RATE = 0.4


@dataclass(frozen=True)
class Summary:
    """Participation and scores of a group of assigned staff."""

    assigned: int
    started: int
    submitted: int
    average: float | None
    median: float | None
    passed: int

    @property
    def absent(self) -> int:
        return self.assigned - self.started

    @property
    def pass_rate(self) -> float | None:
        """Passed ÷ submitted; None when nobody submitted."""
        return self.passed / self.submitted if self.submitted else None

    @property
    def participation(self) -> float | None:
        """Submitted ÷ assigned."""
        return self.submitted / self.assigned if self.assigned else None


def summarise(assigned: int, started: int, scores: list[float], passed: int) -> Summary:
    """``scores`` are those of the submitted (graded) attempts."""
    return Summary(assigned=assigned, started=started, submitted=len(scores),
                   average=round(sum(scores) / len(scores), 2) if scores else None,
                   median=round(median(scores), 2) if scores else None, passed=passed)


@dataclass(frozen=True)
class PlanMarks:
    """What one tier's paper is worth: its questions, full marks (满分), pass mark (及格分)."""

    tier: str
    questions: int
    full_marks: float
    pass_mark: float
    minutes: int


def plan_marks(plans) -> list[PlanMarks]:
    """Each tier's paper plan in tier order (rank, then name). ``plans`` are paper plans or
    anything with .tier (.name, .rank), .sections (as stored), .pass_mark, .duration_minutes."""
    marks = []
    for plan in sorted(plans, key=lambda p: (p.tier.rank, p.tier.name)):
        sections = [Section.from_json(s) for s in plan.sections or []]
        marks.append(PlanMarks(plan.tier.name, sum(s.count for s in sections),
                               round(sum(s.count * s.points for s in sections), 2), float(plan.pass_mark),
                               int(plan.duration_minutes)))
    return marks


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int

    @property
    def label(self) -> str:
        return f"{self.low:g}–{self.high:g}"


def distribution(scores: list[float], full_marks: float, bins: int = 10) -> list[Bin]:
    """Counts of scores in ``bins`` equal bands from 0 to full marks; the last band includes full
    marks. Scores outside [0, full marks] are counted in the nearest band."""
    if full_marks <= 0:
        return []
    width = full_marks / bins
    counts = [0] * bins
    for score in scores:
        counts[min(bins - 1, max(0, int(score // width)))] += 1
    return [Bin(round(i * width, 2), round((i + 1) * width, 2), counts[i]) for i in range(bins)]


@dataclass
class ItemStats:
    """How one question went across the attempts that had it."""

    question_id: int
    qtype: str
    stem: str
    key: object
    seen: int = 0
    correct: int = 0
    #: share of those who saw it choosing each response ("A", "AB", "对", "(未答)" …)
    choices: dict[str, float] = field(default_factory=dict)
    #: correct rate in the top group minus that in the bottom group (None: too few attempts)
    discrimination: float | None = None
    #: the response the top group chose most, when it is not the key
    top_choice: str | None = None

    @property
    def correct_rate(self) -> float | None:
        return self.correct / self.seen if self.seen else None

    @property
    def hard(self) -> bool:
        return self.seen > 0 and self.correct_rate < HARD_RATE

    @property
    def key_suspect(self) -> bool:
        """The best examinees agree on another answer: the key may be wrong."""
        return self.top_choice is not None


@dataclass(frozen=True)
class Response:
    """One answer of one attempt, as item analysis needs it."""

    attempt_id: int
    question_id: int
    choice: str  # the response written out ("A", "AB", "对", "错" or the fill text)
    correct: bool


@dataclass(frozen=True)
class Tally:
    """How many gave one choice to one question, and how many of them were in the top and the
    bottom group. The database computes these for large tests; ``tally()`` defines them."""

    question_id: int
    choice: str
    correct: bool
    count: int
    top: int
    bottom: int


def extreme_groups(totals: dict[int, float]) -> tuple[set[int], set[int]]:
    """The top and bottom 27% of attempts by total score (ties broken by attempt id, so the
    groups are the same on every run). Empty when there are fewer than 4 attempts."""
    if len(totals) < 4:
        return set(), set()
    ordered = sorted(totals, key=lambda attempt: (-totals[attempt], attempt))
    size = group_size(len(ordered))
    return set(ordered[:size]), set(ordered[-size:])


def group_size(attempts: int) -> int:
    return max(1, round(attempts * EXTREME_SHARE)) if attempts >= 4 else 0


def tally(responses: list[Response], totals: dict[int, float]) -> list[Tally]:
    top, bottom = extreme_groups(totals)
    counts: dict[tuple[int, str, bool], list[int]] = {}
    for response in responses:
        entry = counts.setdefault((response.question_id, response.choice, response.correct), [0, 0, 0])
        entry[0] += 1
        entry[1] += response.attempt_id in top
        entry[2] += response.attempt_id in bottom
    return [Tally(q, choice, correct, *entry) for (q, choice, correct), entry in sorted(counts.items())]


def item_analysis(items: dict[int, dict], tallies: list[Tally]) -> list[ItemStats]:
    """Per question: correct rate, the share of each choice, and discrimination; hardest first.

    ``items`` maps a question id to its type, stem and key; ``tallies`` count the answers given
    (a question left blank is not counted).
    """
    stats = {qid: ItemStats(qid, item["type"], item["stem"], item.get("answer")) for qid, item in items.items()}
    by_question: dict[int, list[Tally]] = {}
    for entry in tallies:
        if entry.question_id in stats:
            by_question.setdefault(entry.question_id, []).append(entry)
    for qid, entries in by_question.items():
        item = stats[qid]
        item.seen = sum(e.count for e in entries)
        item.correct = sum(e.count for e in entries if e.correct)
        shares: dict[str, float] = {}
        for entry in entries:
            shares[entry.choice] = shares.get(entry.choice, 0) + entry.count / item.seen
        item.choices = dict(sorted(shares.items()))
        top_seen, bottom_seen = sum(e.top for e in entries), sum(e.bottom for e in entries)
        if top_seen and bottom_seen:
            top_right = sum(e.top for e in entries if e.correct)
            bottom_right = sum(e.bottom for e in entries if e.correct)
            item.discrimination = round(top_right / top_seen - bottom_right / bottom_seen, 3)
            wrong = [e for e in entries if not e.correct and e.top]
            favourite = max(wrong, key=lambda e: (e.top, e.choice), default=None)
            if favourite is not None and favourite.top > top_right:  # the best agree on another answer
                item.top_choice = favourite.choice
    return sorted(stats.values(), key=lambda s: (s.correct_rate if s.correct_rate is not None else 2, s.question_id))
