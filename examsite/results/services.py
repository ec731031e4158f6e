"""Results of a test read from the database: one row per person, summaries, item analysis.

Reads columns, never whole attempts (their frozen papers are large), so a province-wide test
of tens of thousands of attempts stays a handful of queries.
"""
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Text, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import aliased

from ..campaigns.bands import BANDS, Bands
from ..exams.assignment import expected_staff_query, fix_expected
from ..exams.attempts import close_expired
from ..exams.plans import plan_total
from ..extensions import db
from ..models import QUESTION_TYPES, Answer, Attempt, Exam, Exemption, ExpectedExaminee, Question, Staff
from ..roster.services import subtree_ids, tiers, tree_rows, unit_children, unit_paths
from .statistics import Summary, Tally, distribution, group_size, item_analysis, summarise

STATUS = {"absent": "未参加", "in_progress": "答题中", "submitted": "已交卷"}


@dataclass(slots=True)
class ResultRow:
    """One assigned (or participating) person and where he stands in the test."""

    staff_id: int
    staff_no: str
    name: str
    unit_id: int
    unit_path: str
    group: str  # the unit he is counted under in per-unit tables
    tier: str
    position: str | None
    status: str = "absent"
    #: the kind of his exemption (病假 …) when excused from a campaign test he did not sit:
    #: he is then neither expected nor absent
    exempt: str | None = None
    attempt_id: int | None = None
    number: int | None = None
    started_at: datetime | None = None
    submitted_at: datetime | None = None
    score: float | None = None
    passed: bool | None = None
    #: the score per question type as stored (JSON text), read only by those who need it
    detail: str | None = None
    #: the campaign's band of the score (优秀 …); None for a test of no campaign or no score
    band: str | None = None

    @property
    def per_type(self) -> dict:
        return json.loads(self.detail) if self.detail else {}

    @property
    def seconds_used(self) -> int | None:
        if self.started_at is None or self.submitted_at is None:
            return None
        return max(0, int((self.submitted_at - self.started_at).total_seconds()))


@dataclass
class Results:
    exam: Exam
    rows: list[ResultRow]
    full_marks: float
    tiers: list[str]  # tier names in rank order
    within: set[int] | None = None  # the unit ids in scope; None: all
    #: the campaign's bands when the test belongs to one (rows then carry their band)
    bands: Bands | None = None

    def band_counts(self, rows: list[ResultRow] | None = None) -> dict[str, int]:
        """How many submitted papers are in each band, all bands listed."""
        counts = dict.fromkeys(BANDS, 0)
        for row in self.submitted if rows is None else rows:
            if row.band is not None:
                counts[row.band] += 1
        return counts

    def band_counts_by_unit(self) -> list[tuple[str, dict[str, int]]]:
        """band_counts() per unit, in the order of by_unit()."""
        groups: dict[str, list[ResultRow]] = defaultdict(list)
        for row in self.rows:
            groups[row.group].append(row)
        return [(name, self.band_counts(members)) for name, members in groups.items()]

    @property
    def submitted(self) -> list[ResultRow]:
        return [r for r in self.rows if r.status == "submitted"]

    def overall(self) -> Summary:
        return _summary(self.rows)

    def by_unit(self) -> list[tuple[str, Summary]]:
        return _grouped(self.rows, lambda r: r.group)

    def by_tier(self) -> list[tuple[str, Summary]]:
        order = {name: n for n, name in enumerate(self.tiers)}
        return sorted(_grouped(self.rows, lambda r: r.tier), key=lambda pair: order.get(pair[0], len(order)))

    def failed(self) -> list[ResultRow]:
        return sorted((r for r in self.submitted if not r.passed), key=lambda r: (r.score, r.group, r.staff_no))

    def absent(self) -> list[ResultRow]:
        return [r for r in self.rows if r.status == "absent" and r.exempt is None]

    def distribution(self, rows: list[ResultRow] | None = None):
        rows = self.submitted if rows is None else rows
        return distribution([r.score for r in rows if r.status == "submitted"], self.full_marks)


def _summary(rows: list[ResultRow]) -> Summary:
    rows = [r for r in rows if r.exempt is None]
    done = [r for r in rows if r.status == "submitted"]
    return summarise(assigned=len(rows), started=sum(r.status != "absent" for r in rows),
                     scores=[r.score for r in done], passed=sum(bool(r.passed) for r in done))


def _grouped(rows: list[ResultRow], key) -> list[tuple[str, Summary]]:
    groups: dict[str, list[ResultRow]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return [(name, _summary(members)) for name, members in groups.items()]


def results(exam: Exam, scope_unit_id: int | None = None) -> Results:
    """Everyone the test is for, with his latest attempt. ``scope_unit_id`` (a liaison's unit)
    keeps only staff of that unit tree; units are then counted one level below it."""
    children = unit_children()
    within = subtree_ids(scope_unit_id, children) if scope_unit_id is not None else None
    tree = tree_rows()  # the roster's order: parents first, siblings by sort order and name
    units = {unit.id: (unit.name, unit.parent_id) for unit, _ in tree}
    place = {unit.id: n for n, (unit, _) in enumerate(tree)}
    paths = unit_paths(units)
    group_of = _groups(units, children, scope_unit_id)
    ranked = tiers()
    tier_names = {tier.id: tier.name for tier in ranked}

    people = _people(exam)
    if within is not None:
        people = people.where(people.selected_columns[3].in_(within))
    # plain Core rows: tens of thousands of them, and the ORM adds nothing here
    connection = db.session.connection()
    rows = {sid: ResultRow(sid, no, name, unit_id, paths[unit_id], units[group_of[unit_id]][0], tier_names[tier_id],
                           position)
            for sid, no, name, unit_id, tier_id, position in connection.execute(people)}

    attempts = select(Attempt.id, Attempt.staff_id, Attempt.number, Attempt.started_at, Attempt.submitted_at,
                      Attempt.score, cast(Attempt.score_detail, Text), Attempt.passed, Attempt.plan_id).where(
        Attempt.exam_id == exam.id).order_by(Attempt.staff_id, Attempt.number)
    plan_of: dict[int, int] = {}
    for aid, sid, number, started, submitted, score, detail, passed, plan_id in connection.execute(attempts):
        row = rows.get(sid)
        if row is None:  # outside the liaison's units
            continue
        row.attempt_id, row.number, row.started_at, row.submitted_at = aid, number, started, submitted
        row.status = "submitted" if submitted is not None else "in_progress"
        row.score = float(score) if score is not None else None
        row.detail, row.passed = detail, passed
        plan_of[sid] = plan_id
    if exam.campaign_id is not None:
        for sid, kind in connection.execute(select(Exemption.staff_id, Exemption.kind).where(
                Exemption.exam_id == exam.id)):
            if sid in rows and rows[sid].status == "absent":
                rows[sid].exempt = kind
    listed = sorted(rows.values(), key=lambda r: (place[r.unit_id], r.staff_no))
    full = max((plan_total(plan) for plan in exam.plans), default=0)
    bands = Bands.of(exam.campaign) if exam.campaign_id is not None else None
    if bands is not None:  # each paper banded against its own plan's full marks
        totals = {plan.id: plan_total(plan) for plan in exam.plans}
        for row in listed:
            if row.status == "submitted":
                row.band = bands.band(row.score, totals.get(plan_of[row.staff_id], full), row.passed)
    return Results(exam, listed, full, [tier.name for tier in ranked], within, bands)


def _people(exam: Exam):
    """Everyone the test is for, and anyone who sat it: (id, 工号, 姓名, unit, tier, 职务). A
    closed test reads the list stored at its close, with the units and tiers people had then."""
    took = Staff.id.in_(select(Attempt.staff_id).where(Attempt.exam_id == exam.id))
    if exam.expected_fixed_at is None:
        return select(Staff.id, Staff.staff_no, Staff.name, Staff.unit_id, Staff.tier_id, Staff.position).where(
            or_(Staff.id.in_(expected_staff_query(exam)), took))
    expected = aliased(ExpectedExaminee)
    return (select(Staff.id, Staff.staff_no, Staff.name, func.coalesce(expected.unit_id, Staff.unit_id),
                   func.coalesce(expected.tier_id, Staff.tier_id), Staff.position)
            .outerjoin(expected, and_(expected.staff_id == Staff.id, expected.exam_id == exam.id))
            .where(or_(expected.staff_id.is_not(None), took)))


def settled_results(exam: Exam, scope_unit_id: int | None = None) -> Results:
    """``results()`` after closing the test's attempts whose time has run out, so nobody is
    counted as still answering past his deadline, and, once the test has closed, after fixing
    who was expected (fix_expected()). The caller holds a write transaction and commits."""
    close_expired(limit=None, exam_id=exam.id)
    fix_expected(exam)
    return results(exam, scope_unit_id)


def _groups(units, children, scope_unit_id: int | None) -> dict[int, int]:
    """Each unit's reporting unit: the unit directly below the scope that holds it (the scope
    itself for its own staff). Without a scope, below the top unit when there is only one."""
    top = scope_unit_id
    if top is None:
        roots = children.get(None, [])
        top = roots[0] if len(roots) == 1 else None
    groups: dict[int, int] = {}
    for uid in units:
        chain = [uid]
        while units[chain[-1]][1] is not None:
            chain.append(units[chain[-1]][1])
        if top in chain:
            at = chain.index(top)
            groups[uid] = chain[at - 1] if at else top
        else:
            groups[uid] = chain[-1]
    return groups


# ---- item analysis ----------------------------------------------------------------------------

def item_stats(exam: Exam, result: Results):
    """Item analysis over the counted attempts (each person's latest, submitted) in ``result``."""
    totals = sorted(((r.score, r.attempt_id) for r in result.submitted), key=lambda pair: (-pair[0], pair[1]))
    if not totals:
        return []
    size = group_size(len(totals))
    attempt = Attempt.__table__.c
    if size:
        (top_score, top_id), (bottom_score, bottom_id) = totals[size - 1], totals[-size]
        in_top = or_(attempt.score > top_score, and_(attempt.score == top_score, attempt.id <= top_id))
        in_bottom = or_(attempt.score < bottom_score, and_(attempt.score == bottom_score, attempt.id >= bottom_id))
    else:
        in_top = in_bottom = attempt.id < 0
    choice = cast(Answer.response, Text)
    query = (select(Answer.question_id, choice, Answer.correct, func.count(),
                    func.sum(case((in_top, 1), else_=0)), func.sum(case((in_bottom, 1), else_=0)))
             .join(Attempt, Attempt.id == Answer.attempt_id)
             .where(*_counted(exam, result))
             .group_by(Answer.question_id, choice, Answer.correct))
    tallies = []
    types = dict(db.session.execute(select(Question.id, Question.qtype).where(
        Question.id.in_(select(Answer.question_id).join(Attempt).where(Attempt.exam_id == exam.id)))).all())
    for qid, raw, correct, count, top, bottom in db.session.execute(query):
        tallies.append(Tally(qid, choice_label(types.get(qid), raw), bool(correct), count, int(top or 0),
                             int(bottom or 0)))
    items = {qid: {"type": qtype, "stem": stem, "answer": answer} for qid, qtype, stem, answer in db.session.execute(
        select(Question.id, Question.qtype, Question.stem, Question.answer).where(Question.id.in_(types)))}
    return item_analysis(items, tallies)


def _counted(exam: Exam, result: Results):
    """Conditions for the attempts that count: submitted, each person's latest, in scope."""
    later = aliased(Attempt)
    conditions = [Attempt.exam_id == exam.id, Attempt.submitted_at.is_not(None),
                  ~exists().where(later.exam_id == Attempt.exam_id, later.staff_id == Attempt.staff_id,
                                  later.number > Attempt.number)]
    if result.within is not None:
        conditions.append(Attempt.staff_id.in_(select(Staff.id).where(Staff.unit_id.in_(result.within))))
    return conditions


def choice_label(qtype: str | None, raw: str | None) -> str:
    """A stored response (JSON text) as people write it: A, AB, 正确/错误, or the fill text."""
    from .labels import stored_response_label

    return stored_response_label(qtype, raw)


def type_name(qtype: str) -> str:
    return QUESTION_TYPES.get(qtype, qtype)


def answer_label(qtype: str, answer) -> str:
    """A question's key as people read it: A, AC, 正确/错误, or 五 / 5；纪律 for a fill question
    (the alternatives of one blank joined by " / ", the blanks by "；")."""
    from .labels import key_label

    return key_label(qtype, answer)
