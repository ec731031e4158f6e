"""Drawing a paper from a plan. Pure: no Flask, no database.

A paper is the list of drawn questions, each frozen as it was at the start (stem, options,
key, points) with the order its options are shown in. The same seed and pool give the same
paper, so a paper can always be explained.
"""
import random
from collections.abc import Callable
from dataclasses import dataclass

from .. import qtypes


@dataclass(frozen=True)
class Section:
    """One line of a paper plan: how many questions of a type, and from where."""

    qtype: str
    count: int
    points: float
    regulation: str | None = None
    difficulty: int | None = None
    #: the banks it draws from (a campaign's test draws from the campaign's banks only); None: all
    #: of the district's banks, never a unit's own (kept by its organiser, for his unit's tests)
    banks: tuple[int, ...] | None = None

    @classmethod
    def from_json(cls, data: dict) -> "Section":
        banks = data.get("banks")
        return cls(qtype=data["qtype"], count=int(data["count"]), points=float(data["points"]),
                   regulation=data.get("regulation") or None, difficulty=data.get("difficulty") or None,
                   banks=tuple(sorted(int(b) for b in banks)) if banks else None)

    def to_json(self) -> dict:
        data = {"qtype": self.qtype, "count": self.count, "points": self.points,
                "regulation": self.regulation, "difficulty": self.difficulty}
        if self.banks:
            data["banks"] = list(self.banks)
        return data

    def accepts(self, question: dict) -> bool:
        if question["qtype"] != self.qtype:
            return False
        if self.banks:
            if question.get("bank_id") not in self.banks:
                return False
        elif question.get("unit_bank"):
            return False
        if self.regulation and self.regulation not in (question.get("regulation") or ""):
            return False
        return not (self.difficulty and question.get("difficulty") != self.difficulty)


@dataclass(frozen=True)
class Shortage:
    section: Section
    available: int


def check_plan(sections: list[Section], pool: list[dict]) -> list[Shortage]:
    """Sections that ask for more questions than the pool holds (counting overlaps once)."""
    short, taken = [], set()
    for section in sections:
        candidates = [q["id"] for q in accepted(section, pool) if q["id"] not in taken]
        if len(candidates) < section.count:
            short.append(Shortage(section, len(candidates)))
        taken.update(candidates[:section.count])
    return short


@dataclass(frozen=True)
class Pick:
    """One drawn question: which, for which section, its options in the order shown."""
    question_id: int
    section: Section
    order: list[int]


def accepted(section: Section, ordered: list[dict]) -> list[dict]:
    """The questions of ``ordered`` that ``section`` accepts, in the same order."""
    return [q for q in ordered if section.accepts(q)]


def choose(sections: list[Section], pool: list[dict], seed: str,
           candidates: Callable[[Section], list[dict]] | None = None) -> list[Pick]:
    """Draw each section's questions without repeats, and shuffle the options of choice questions.

    ``pool`` needs of each question only id, bank_id, unit_bank, qtype, regulation, difficulty and its options (the
    list, or their number as ``option_count``): at the start of a test everyone draws at once,
    so the stems and keys are read only for the questions drawn. Sorting the pool by id first
    makes the draw independent of the order the database returned the rows in. ``candidates``
    gives a section's accepted questions in id order when the caller keeps them (pool.KeptPool);
    the paper is the same either way.
    """
    rng = random.Random(seed)
    if candidates is None:
        ordered = sorted(pool, key=lambda q: q["id"])
        candidates = lambda section: accepted(section, ordered)  # noqa: E731
    used: set[int] = set()
    picks = []
    for section in sections:
        available = candidates(section)
        if used:
            available = [q for q in available if q["id"] not in used]
        if len(available) < section.count:
            raise ValueError(f"not enough {section.qtype} questions: {len(available)} < {section.count}")
        for question in rng.sample(available, section.count):
            used.add(question["id"])
            count = question["option_count"] if "option_count" in question else len(question["options"])
            order = list(range(count))
            if qtypes.get(question["qtype"]).shuffled:  # a judge question never is; fill has no options
                rng.shuffle(order)
            picks.append(Pick(question["id"], section, order))
    return picks


def freeze(picks: list[Pick], questions: dict[int, dict]) -> list[dict]:
    """The paper: each picked question as it is now (stem, options, key, explanation), so later
    edits of the bank never change it. ``questions`` maps ids to full question dicts (a worker's
    kept ones, pool.KeptPool: the paper shares their keys, which nothing changes in place)."""
    paper = []
    for pick in picks:
        question = questions[pick.question_id]
        paper.append({
            "id": pick.question_id, "type": question["qtype"], "stem": question["stem"],
            "options": list(question["options"]), "order": pick.order, "answer": question["answer"],
            "explanation": question.get("explanation"), "points": pick.section.points,
        })
    return paper


def draw_paper(sections: list[Section], pool: list[dict], seed: str) -> list[dict]:
    """``choose()`` then ``freeze()`` from a pool of full question dicts."""
    return freeze(choose(sections, pool, seed), {q["id"]: q for q in pool})
