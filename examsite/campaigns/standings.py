"""Where everyone of a campaign stands: one row per person per test of the campaign, with his
make-up test folded in and the campaign's counting rule applied.

A campaign of a city is tens of thousands of people over hundreds of tests, so this reads
columns in a handful of queries for all the tests at once, never test by test through
results.services. A closed test reads who was expected from the list stored at its close
(ExpectedExaminee), with the units and tiers people had then; an open one today's roster.
"""
import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import literal, select
from sqlalchemy.orm import selectinload

from ..exams.assignment import expected_staff_query
from ..exams.drawing import Section
from ..extensions import db
from ..models import Attempt, Campaign, Exam, Exemption, ExpectedExaminee, PaperPlan, Staff, Tier, Unit
from .bands import Bands, percent
from .counting import Counted, Sitting, counted

#: a test organised by a unit is its self-test (自测); one of the district office's is a district test
SELF, DISTRICT = "self", "district"
STATUS = {"absent": "未参加", "in_progress": "答题中", "submitted": "已交卷", "exempt": "免测"}


@dataclass(slots=True)
class Standing:
    """One person expected in one (first-sitting) test of the campaign."""

    staff_id: int
    staff_no: str
    name: str
    unit_id: int  # his own unit, as the test's list has it
    group_id: int | None  # the campaign unit he counts under; None: a unit outside the campaign
    tier: str
    tier_rank: int
    exam_id: int
    exam_opens_at: datetime
    kind: str  # SELF or DISTRICT
    sample: bool  # the test is a 抽测
    status: str  # of the first sitting: absent | in_progress | submitted | exempt
    full_marks: float
    pass_mark: float
    first: Sitting | None = None
    makeup_exam_id: int | None = None
    makeup_status: str | None = None  # None: not in a make-up test
    makeup: Sitting | None = None
    score: float | None = None  # the score that counts
    passed: bool | None = None
    note: str | None = None  # how the counted score came about
    band: str | None = None
    exemption: str | None = None  # its kind (病假 …) when exempt

    @property
    def percent(self) -> float | None:
        return percent(self.score, self.full_marks) if self.score is not None else None

    @property
    def took(self) -> bool:
        """He has a score that counts (from his first sitting or his make-up)."""
        return self.score is not None


def campaign_exams(campaign: Campaign) -> list[Exam]:
    return list(db.session.scalars(
        select(Exam).where(Exam.campaign_id == campaign.id)
        .options(selectinload(Exam.plans), selectinload(Exam.units)).order_by(Exam.opens_at, Exam.id)))


def tests_by_id(exam: Exam) -> dict[int, Exam]:
    """Every test of ``exam``'s campaign by id, for root_of() to walk (the exam alone when it
    belongs to no campaign)."""
    every = {exam.id: exam}
    if exam.campaign_id is not None:
        every.update((e.id, e) for e in db.session.scalars(select(Exam).where(Exam.campaign_id == exam.campaign_id)))
    return every


def first_test(exam: Exam) -> Exam:
    """The first-sitting test ``exam`` is a make-up of (itself when it is none)."""
    return root_of(exam, tests_by_id(exam))


def root_of(exam: Exam, by_id: dict[int, Exam]) -> Exam:
    """The first-sitting test a make-up test (or a make-up of a make-up) belongs to."""
    seen = set()
    while exam.makeup_of_id is not None and exam.makeup_of_id in by_id and exam.id not in seen:
        seen.add(exam.id)
        exam = by_id[exam.makeup_of_id]
    return exam


@contextmanager
def collector_paused():
    """The cyclic garbage collector off for a while: a city's standings are some 50,000 rows
    and twice as many tuples, none of them in a cycle, and the collector's passes over them as
    they are made cost about as much as making them (reference counting still frees them)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def standings(campaign: Campaign, exams: list[Exam] | None = None) -> list[Standing]:
    """Everyone expected in the campaign's first-sitting tests (or in those of ``exams``, with
    their make-ups), ordered by test, unit and 工号."""
    with collector_paused():
        return _standings(campaign, exams)


def _standings(campaign: Campaign, exams: list[Exam] | None) -> list[Standing]:
    every = campaign_exams(campaign)
    by_id = {exam.id: exam for exam in every}
    wanted = {exam.id for exam in exams} if exams is not None else None
    firsts = [e for e in every if e.makeup_of_id is None and (wanted is None or e.id in wanted)]
    first_ids = {e.id for e in firsts}
    makeups = [e for e in every if e.makeup_of_id is not None and root_of(e, by_id).id in first_ids]
    if not firsts:
        return []
    connection = db.session.connection()
    tiers = {tid: (name, rank) for tid, name, rank in connection.execute(select(Tier.id, Tier.name, Tier.rank))}
    group_of = _groups({link.unit_id for link in campaign.units})
    plans = {plan.id: plan for exam in every for plan in exam.plans}
    plan_of = {(plan.exam_id, plan.tier_id): plan for plan in plans.values()}
    marks = {pid: (_total(plan), float(plan.pass_mark)) for pid, plan in plans.items()}

    expected = _expected(firsts + makeups)  # (exam, staff) → (工号, 姓名, unit, tier)
    latest = _latest_attempts([e.id for e in firsts + makeups])  # (exam, staff) → attempt columns
    for (exam_id, staff_id) in latest.keys() - expected.keys():  # sat without being listed
        expected[(exam_id, staff_id)] = None
    _fill_unlisted(expected)
    exempt = dict(((exam_id, sid), kind) for exam_id, sid, kind in connection.execute(
        select(Exemption.exam_id, Exemption.staff_id, Exemption.kind).where(Exemption.exam_id.in_(first_ids))))

    rows: dict[tuple[int, int], Standing] = {}
    # what a row needs of its test, read once per test (an ORM attribute read per row costs)
    exam_of = {e.id: (e.opens_at, SELF if e.organiser_unit_id is not None else DISTRICT, e.mode == "sample")
               for e in firsts}
    for (exam_id, staff_id), (staff_no, name, unit_id, tier_id) in expected.items():
        exam = exam_of.get(exam_id)
        if exam is None:
            continue
        attempt = latest.get((exam_id, staff_id))
        plan_id = attempt[3] if attempt else getattr(plan_of.get((exam_id, tier_id)), "id", None)
        full, pass_mark = marks.get(plan_id, (0.0, 0.0))
        tier_name, rank = tiers[tier_id]
        row = Standing(staff_id, staff_no, name, unit_id, group_of(unit_id), tier_name, rank, exam_id,
                       *exam, "absent", full, pass_mark)
        if attempt:
            submitted, score, passed = attempt[0], attempt[1], attempt[2]
            row.status = "submitted" if submitted is not None else "in_progress"
            if submitted is not None:
                row.first = Sitting(score, passed, pass_mark)
        if (exam_id, staff_id) in exempt:
            row.status, row.exemption = "exempt", exempt[(exam_id, staff_id)]
        rows[(exam_id, staff_id)] = row

    listed: dict[int, list[int]] = defaultdict(list)
    for exam_id, staff_id in expected:
        listed[exam_id].append(staff_id)
    for makeup in makeups:
        root = root_of(makeup, by_id).id
        for staff_id in listed[makeup.id]:
            row = rows.get((root, staff_id))
            if row is None:
                continue
            attempt = latest.get((makeup.id, staff_id))
            if attempt is None:
                row.makeup_exam_id, row.makeup_status = row.makeup_exam_id or makeup.id, row.makeup_status or "absent"
                continue
            submitted, score, passed, plan_id = attempt
            row.makeup_exam_id = makeup.id
            row.makeup_status = "submitted" if submitted is not None else "in_progress"
            if submitted is not None:
                row.makeup = Sitting(score, passed, marks.get(plan_id, (0.0, 0.0))[1])

    bands, rule = Bands.of(campaign), campaign.makeup_rule
    for row in rows.values():
        if row.status == "exempt":
            continue
        result: Counted = counted(row.first, row.makeup, rule)
        row.score, row.passed, row.note = result.score, result.passed, result.note
        row.band = bands.band(row.score, row.full_marks, row.passed)
    order = {exam.id: n for n, exam in enumerate(firsts)}
    return sorted(rows.values(), key=lambda r: (order[r.exam_id], r.group_id or 0, r.staff_no))


def _total(plan: PaperPlan) -> float:
    return round(sum(s.count * s.points for s in (Section.from_json(d) for d in plan.sections or ())), 2)


def _groups(campaign_units: set[int]):
    """unit id → the campaign unit whose tree holds it (None outside every one)."""
    parent = dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())
    found: dict[int, int | None] = {}

    def group_of(unit_id: int) -> int | None:
        if unit_id not in found:
            chain, at = [], unit_id
            while at is not None and at not in found and at not in campaign_units:
                chain.append(at)
                at = parent.get(at)
            answer = at if at in campaign_units else (found[at] if at is not None else None)
            for each in chain:
                found[each] = answer
            found.setdefault(unit_id, answer)
        return found[unit_id]

    return group_of


def _expected(exams: list[Exam]) -> dict[tuple[int, int], tuple | None]:
    """(test, person) → (工号, 姓名, unit, tier) of everyone each test expects."""
    connection = db.session.connection()
    found: dict[tuple[int, int], tuple | None] = {}
    fixed = [e.id for e in exams if e.expected_fixed_at is not None]
    if fixed:
        for exam_id, sid, no, name, unit_id, tier_id in connection.execute(
                select(ExpectedExaminee.exam_id, Staff.id, Staff.staff_no, Staff.name, ExpectedExaminee.unit_id,
                       ExpectedExaminee.tier_id).join(Staff, Staff.id == ExpectedExaminee.staff_id)
                .where(ExpectedExaminee.exam_id.in_(fixed))).all():  # fetched at once, not row by row
            found[(exam_id, sid)] = (no, name, unit_id, tier_id)
    for exam in exams:
        if exam.expected_fixed_at is not None:
            continue
        for exam_id, sid, no, name, unit_id, tier_id in connection.execute(
                select(literal(exam.id), Staff.id, Staff.staff_no, Staff.name, Staff.unit_id, Staff.tier_id)
                .where(Staff.id.in_(expected_staff_query(exam)))):
            found[(exam_id, sid)] = (no, name, unit_id, tier_id)
    return found


def _fill_unlisted(expected: dict) -> None:
    """Those who sat a test without being on its list, with their unit and tier of today."""
    missing = {key[1] for key, person in expected.items() if person is None}
    if not missing:
        return
    people = {sid: (no, name, unit_id, tier_id) for sid, no, name, unit_id, tier_id in db.session.execute(
        select(Staff.id, Staff.staff_no, Staff.name, Staff.unit_id, Staff.tier_id).where(Staff.id.in_(missing)))}
    for key, person in list(expected.items()):
        if person is None:
            expected[key] = people[key[1]]


def _latest_attempts(exam_ids: list[int]) -> dict[tuple[int, int], tuple]:
    """(test, person) → (submitted_at, score, passed, plan id) of his latest attempt."""
    latest: dict[tuple[int, int], tuple] = {}
    rows = db.session.connection().execute(
        select(Attempt.exam_id, Attempt.staff_id, Attempt.submitted_at, Attempt.score, Attempt.passed,
               Attempt.plan_id).where(Attempt.exam_id.in_(exam_ids))
        .order_by(Attempt.exam_id, Attempt.staff_id, Attempt.number))
    for exam_id, sid, submitted, score, passed, plan_id in rows.all():  # fetched at once, not row by row
        latest[(exam_id, sid)] = (submitted, float(score) if score is not None else None, passed, plan_id)
    return latest


def by_group(rows: list[Standing]) -> dict[int | None, list[Standing]]:
    grouped: dict[int | None, list[Standing]] = defaultdict(list)
    for row in rows:
        grouped[row.group_id].append(row)
    return grouped


def counted_for_makeup(attempt: Attempt) -> tuple[Counted, str | None] | None:
    """For a submitted make-up attempt: the score that counts for its first test by the
    campaign's rule, and its band; None for any other attempt. What the examinee is told must
    be what the unit reports."""
    exam = attempt.exam
    if exam.makeup_of_id is None or exam.campaign is None or attempt.submitted_at is None:
        return None
    root = first_test(exam)
    first = db.session.scalar(select(Attempt).where(Attempt.exam_id == root.id, Attempt.staff_id == attempt.staff_id)
                              .order_by(Attempt.number.desc()).limit(1))
    def sitting(one: Attempt | None) -> Sitting | None:
        if one is None or one.submitted_at is None:
            return None
        return Sitting(float(one.score), one.passed, float(one.plan.pass_mark))

    result = counted(sitting(first), sitting(attempt), exam.campaign.makeup_rule)
    full = _total(attempt.plan)
    return result, Bands.of(exam.campaign).band(result.score, full, result.passed)
