"""A test's progress while it runs: per unit who has not started, is answering, has handed in,
and per person his answered count, last save and time left. Read from the same rows as the
results (``results()``), plus one grouped query over the answers."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..clock import now
from ..extensions import db
from ..models import Answer, Attempt, Exam
from .services import Results

#: what the live page calls each state; "absent" only once the test has closed
LIVE_STATUS = {"not_started": "未开始", "in_progress": "答题中", "submitted": "已交卷", "absent": "未参加"}
#: at most this many people are listed at once; the unit and state filters narrow it
LIST_LIMIT = 200


@dataclass(slots=True)
class LivePerson:
    staff_id: int
    staff_no: str
    name: str
    unit: str
    group: str
    tier: str
    status: str
    attempt_id: int | None
    answered: int
    questions: int
    last_saved: datetime | None
    remaining: int | None  # seconds, for those answering

    def to_json(self) -> dict:
        return {"staff_no": self.staff_no, "name": self.name, "unit": self.unit, "tier": self.tier,
                "status": self.status, "status_label": LIVE_STATUS[self.status], "attempt_id": self.attempt_id,
                "answered": self.answered, "questions": self.questions,
                "last_saved": self.last_saved.isoformat() + "Z" if self.last_saved else None,
                "remaining": self.remaining}


@dataclass
class UnitProgress:
    group: str
    expected: int
    counts: dict[str, int]

    def to_json(self) -> dict:
        return {"unit": self.group, "expected": self.expected, **self.counts}


@dataclass
class Progress:
    units: list[UnitProgress]
    total: UnitProgress
    people: list[LivePerson]
    matching: int  # how many people the filters match (the list shows at most LIST_LIMIT)
    at: datetime

    def to_json(self) -> dict:
        return {"units": [u.to_json() for u in self.units], "total": self.total.to_json(),
                "people": [p.to_json() for p in self.people], "matching": self.matching,
                "limit": LIST_LIMIT, "at": self.at.isoformat() + "Z"}


def progress(exam: Exam, result: Results, group: str | None = None, status: str | None = None) -> Progress:
    """Where everyone in ``result`` stands, counted per unit; people filtered by unit group and state."""
    moment = now()
    running = moment < exam.closes_at
    saves = dict((aid, (count, last)) for aid, count, last in db.session.execute(
        select(Answer.attempt_id, func.count(Answer.response), func.max(Answer.saved_at))
        .join(Attempt, Attempt.id == Answer.attempt_id).where(Attempt.exam_id == exam.id)
        .group_by(Answer.attempt_id)))
    deadlines = dict(db.session.execute(select(Attempt.id, Attempt.deadline).where(
        Attempt.exam_id == exam.id, Attempt.submitted_at.is_(None))).all())
    questions = {plan.tier.name: sum(int(s["count"]) for s in plan.sections) for plan in exam.plans}
    people, units = [], {}
    for row in result.rows:
        state = "not_started" if row.status == "absent" and running else row.status
        answered, last = saves.get(row.attempt_id, (0, None))
        deadline = deadlines.get(row.attempt_id)
        people.append(LivePerson(row.staff_id, row.staff_no, row.name, row.unit_path, row.group, row.tier, state,
                                 row.attempt_id, answered, questions.get(row.tier, 0), last,
                                 max(0, int((deadline - moment).total_seconds())) if deadline else None))
        unit = units.setdefault(row.group, UnitProgress(row.group, 0, dict.fromkeys(LIVE_STATUS, 0)))
        unit.expected += 1
        unit.counts[state] += 1
    total = UnitProgress("合计", len(people), {key: sum(u.counts[key] for u in units.values()) for key in LIVE_STATUS})
    shown = [p for p in people if (group is None or p.group == group) and (status is None or p.status == status)]
    # those answering first, then by unit and 工号 as the results list them
    shown.sort(key=lambda p: p.status != "in_progress")
    return Progress(list(units.values()), total, shown[:LIST_LIMIT], len(shown), moment)
