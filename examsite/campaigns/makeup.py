"""Make-up tests (补测) of a closed campaign test: who failed or missed it, exemptions (免测),
and the make-up test in one step. Nothing here commits.

An exemption is kept on the first-sitting test (standings.root_of), whichever sitting's page
recorded it: the campaign's figures leave the exempt out of those expected there. A make-up
test is a named test of the same campaign and organiser with copies of the first test's plans;
a make-up of a make-up names those who still failed, and its sitting counts for the first test.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..audit.services import record
from ..clock import now, to_local
from ..extensions import db
from ..exams.plans import copy_units_and_plans
from ..models import Attempt, Exam, ExamMember, Exemption
from ..results.services import ResultRow, Results
from ..uploads import SCANNED_KINDS
from .standings import first_test, tests_by_id

EXEMPTION_KINDS = ("病假", "公差", "事假", "产假", "其他")
REASON_MAX, TITLE_MAX = 500, 200
ATTACHMENT_MAX = 5 * 1024 * 1024
FAILED, ABSENT = "failed", "absent"


class MakeupError(ValueError):
    """A make-up request that cannot be carried out; the message is for the organiser."""


@dataclass
class Person:
    """Someone who failed or missed the test, with what came of it since."""

    row: ResultRow
    state: str  # FAILED | ABSENT
    makeup: Exam | None = None  # the make-up test of this one that names him
    makeup_state: str | None = None  # 未参加 / 答题中 / 已交卷 …, on that make-up

    @property
    def label(self) -> str:
        if self.state == FAILED:
            return f"不及格（{self.row.score:g} 分）"
        return "未参加"


@dataclass
class Exempt:
    row: ResultRow
    state: str
    exemption: Exemption


@dataclass
class Roll:
    """A closed test's failed and absent people, the exempt apart, and its make-ups."""

    exam: Exam
    root: Exam
    failed: list[Person] = field(default_factory=list)
    absent: list[Person] = field(default_factory=list)
    exempt: list[Exempt] = field(default_factory=list)
    makeups: list[Exam] = field(default_factory=list)  # make-up tests of this test

    @property
    def left(self) -> list[Person]:
        """Those a new make-up would name: failed or absent, not exempt, on no make-up yet."""
        return [p for p in self.failed + self.absent if p.makeup is None]

    def person(self, staff_id: int) -> Person | None:
        return next((p for p in self.failed + self.absent if p.row.staff_id == staff_id), None)

    def exempted(self, staff_id: int) -> Exempt | None:
        return next((e for e in self.exempt if e.row.staff_id == staff_id), None)


def makeups_of(exam: Exam) -> list[Exam]:
    return list(db.session.scalars(select(Exam).where(Exam.makeup_of_id == exam.id).order_by(Exam.opens_at, Exam.id)))


def is_closed(exam: Exam, moment: datetime | None = None) -> bool:
    return (moment or now()) >= exam.closes_at


def roll(result: Results) -> Roll:
    """Who failed or missed the (closed) test of ``result`` (results.services.settled_results),
    each with the make-up of this test that names him, the exempt listed apart."""
    exam = result.exam
    root = first_test(exam)
    found = Roll(exam, root, makeups=makeups_of(exam))
    named: dict[int, Exam] = {}
    for makeup in found.makeups:
        for staff_id in db.session.scalars(select(ExamMember.staff_id).where(ExamMember.exam_id == makeup.id)):
            named.setdefault(staff_id, makeup)
    states = _latest_states([m.id for m in found.makeups])
    exemptions = {e.staff_id: e for e in db.session.scalars(select(Exemption).where(Exemption.exam_id == root.id))}
    for row in result.rows:
        if row.status == "submitted" and not row.passed:
            state = FAILED
        elif row.status == "absent":
            state = ABSENT
        else:
            continue
        if row.staff_id in exemptions:
            found.exempt.append(Exempt(row, state, exemptions[row.staff_id]))
            continue
        makeup = named.get(row.staff_id)
        person = Person(row, state, makeup,
                        states.get((makeup.id, row.staff_id), "未参加") if makeup is not None else None)
        (found.failed if state == FAILED else found.absent).append(person)
    found.failed.sort(key=lambda p: (p.row.score, p.row.staff_no))
    return found


def _latest_states(exam_ids: list[int]) -> dict[tuple[int, int], str]:
    """(make-up, person) → how his latest attempt stands: 答题中, or 已交卷 with score and verdict."""
    states: dict[tuple[int, int], str] = {}
    if not exam_ids:
        return states
    rows = db.session.execute(
        select(Attempt.exam_id, Attempt.staff_id, Attempt.submitted_at, Attempt.score, Attempt.passed)
        .where(Attempt.exam_id.in_(exam_ids)).order_by(Attempt.exam_id, Attempt.staff_id, Attempt.number))
    for exam_id, staff_id, submitted, score, passed in rows:
        states[(exam_id, staff_id)] = ("答题中" if submitted is None else
                                       f"已交卷 {float(score):g} 分，{'及格' if passed else '不及格'}")
    return states


def _lock(exam: Exam) -> None:
    """Hold the test's row: two clicks of one button (on PostgreSQL, where POSTs do not queue
    for SQLite's write lock) then make one make-up, or one exemption, and a clear refusal."""
    db.session.refresh(exam, with_for_update=True)


def _check_closed(exam: Exam) -> None:
    if exam.campaign_id is None:
        raise MakeupError("只有活动中的测试才能组织补测。")
    if not is_closed(exam):
        raise MakeupError("测试尚未结束，结束后才能登记免测或组织补测。")


# ---- exemptions -----------------------------------------------------------------------------

def check_attachment(filename: str, data: bytes) -> str:
    """The attachment's type; a MakeupError when it is too big or not what its name says."""
    if len(data) > ATTACHMENT_MAX:
        raise MakeupError(f"附件不能超过 {ATTACHMENT_MAX // (1024 * 1024)} MB。")
    if not data:
        raise MakeupError("附件是空文件。")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    for extensions, magic, mimetype in SCANNED_KINDS:
        if extension in extensions:
            if not data.startswith(magic):
                raise MakeupError(f"附件“{filename}”的内容不是 {extension.upper()} 文件，请上传真实的 PDF、JPEG 或 PNG 文件。")
            return mimetype
    raise MakeupError("附件只能是 PDF、JPEG 或 PNG 文件（.pdf、.jpg、.png）。")


def record_exemption(result: Results, staff_id: int, kind: str, reason: str,
                     attachment: tuple[str, bytes] | None = None) -> Exemption:
    """Excuse someone who failed or missed the closed test of ``result`` from it (免测)."""
    exam = result.exam
    _check_closed(exam)
    _lock(exam)
    found = roll(result)
    if found.exempted(staff_id) is not None:
        raise MakeupError("此人已登记免测。")
    person = found.person(staff_id)
    if person is None:
        raise MakeupError("只能为不及格或未参加的人员登记免测。")
    if person.state != ABSENT:  # who sat the test and failed takes the make-up; an excuse is for absence
        raise MakeupError(f"{person.row.name}参加了测试（{person.label}），只能为未参加的人员登记免测；不及格的人员参加补测。")
    if person.makeup is not None:
        raise MakeupError(f"{person.row.name}已列入补测“{person.makeup.title}”，不能再登记免测。")
    if kind not in EXEMPTION_KINDS:
        raise MakeupError(f"免测类别只能是{'、'.join(EXEMPTION_KINDS)}。")
    reason = (reason or "").strip()
    if not reason:
        raise MakeupError("请填写免测的书面理由。")
    if len(reason) > REASON_MAX:
        raise MakeupError(f"免测理由不能超过 {REASON_MAX} 个字。")
    filename = mimetype = data = None
    if attachment is not None:
        # a browser may send a whole path; keep the name, and its end (the extension) if long
        filename = re.split(r"[\\/]", attachment[0] or "")[-1].strip()[-255:] or "附件"
        data = attachment[1]
        mimetype = check_attachment(filename, data)
    exemption = Exemption(exam_id=found.root.id, staff_id=staff_id, kind=kind, reason=reason,
                          attachment_filename=filename, attachment_type=mimetype, attachment_data=data,
                          recorded_by_id=_user_id(), recorded_at=now())
    db.session.add(exemption)
    db.session.flush()
    row = person.row
    record("exemption.record", f"测试“{found.root.title}”：{row.name}（{row.staff_no}，{row.unit_path}）"
           f"{person.label}，登记免测（{kind}）：{reason}" + ("，附证明材料" if filename else ""), target=found.root,
           detail={"staff_id": staff_id, "kind": kind, "from_exam": exam.id, "attachment": filename})
    return exemption


def remove_exemption(result: Results, staff_id: int, reason: str) -> None:
    """Take back an exemption of the test's roll; he is failed or absent again."""
    exam = result.exam
    found = roll(result)
    exempt = found.exempted(staff_id)
    if exempt is None:
        raise MakeupError("此人没有登记免测。")
    reason = (reason or "").strip()
    if not reason:
        raise MakeupError("请填写撤销免测的原因。")
    if len(reason) > REASON_MAX:
        raise MakeupError(f"撤销原因不能超过 {REASON_MAX} 个字。")
    row, exemption = exempt.row, exempt.exemption
    record("exemption.remove", f"测试“{found.root.title}”：撤销{row.name}（{row.staff_no}）的免测"
           f"（{exemption.kind}：{exemption.reason}），原因：{reason}", target=found.root,
           detail={"staff_id": staff_id, "kind": exemption.kind, "from_exam": exam.id})
    db.session.delete(exemption)
    db.session.flush()


def exemption_of(root: Exam, staff_id: int) -> Exemption | None:
    return db.session.get(Exemption, (root.id, staff_id))


# ---- the make-up test ---------------------------------------------------------------------

def default_title(exam: Exam) -> str:
    """“<原标题>（补测）” for a make-up of a first test; （第2次补测） for a make-up of that one …"""
    every = tests_by_id(exam)
    depth, at = 1, exam
    while at.makeup_of_id is not None and at.makeup_of_id in every and depth < 50:
        depth, at = depth + 1, every[at.makeup_of_id]
    return f"{at.title}（补测）" if depth == 1 else f"{at.title}（第{depth}次补测）"


def _check_window(exam: Exam, opens_at: datetime, closes_at: datetime) -> None:
    """A make-up's window: after the test it makes up closed, within the campaign, not over."""
    campaign = exam.campaign
    if closes_at <= opens_at:
        raise MakeupError("结束时间必须晚于开始时间。")
    if opens_at < exam.closes_at:
        raise MakeupError(f"补测必须在原测试结束（{_local(exam.closes_at)}）之后开始。")
    if opens_at < campaign.starts_at or closes_at > campaign.ends_at:
        raise MakeupError(f"补测时间必须在活动“{campaign.title}”期间（{_local(campaign.starts_at)} 至 "
                          f"{_local(campaign.ends_at)}）之内。")
    if closes_at <= now():
        raise MakeupError("补测的结束时间已经过去。")


def _title(title: str | None, exam: Exam) -> str:
    title = (title or "").strip() or default_title(exam)
    if len(title) > TITLE_MAX:
        raise MakeupError(f"补测名称不能超过 {TITLE_MAX} 个字。")
    return title


def create_makeup(result: Results, title: str | None, opens_at: datetime, closes_at: datetime) -> Exam:
    """The make-up test of the closed test of ``result`` for everyone failed or absent, not
    exempt and not on a make-up yet: same campaign, organiser, units and plans, a new window."""
    exam = result.exam
    _check_closed(exam)
    title = _title(title, exam)
    _check_window(exam, opens_at, closes_at)
    _lock(exam)
    found = roll(result)
    people = found.left
    if not people:
        raise MakeupError("没有需要补测的人员：不及格和未参加的人员都已免测或已列入补测。")
    makeup = Exam(title=title, description=exam.description, mode="named", opens_at=opens_at, closes_at=closes_at,
                  review_allowed=exam.review_allowed, score_shown=exam.score_shown, campaign_id=exam.campaign_id,
                  organiser_unit_id=exam.organiser_unit_id, makeup_of_id=exam.id, created_by_id=_user_id())
    db.session.add(makeup)
    db.session.flush()
    copy_units_and_plans(exam, makeup)
    for person in people:
        db.session.add(ExamMember(exam_id=makeup.id, staff_id=person.row.staff_id))
    db.session.flush()
    failed = sum(p.state == FAILED for p in people)
    record("makeup.create", f"为测试“{exam.title}”组织补测“{title}”（{_local(opens_at)} 至 {_local(closes_at)}）："
           f"不及格 {failed} 人、未参加 {len(people) - failed} 人，免测 {len(found.exempt)} 人不列入", target=makeup,
           detail={"makeup_of": exam.id, "named": [p.row.staff_id for p in people], "exempt": len(found.exempt),
                   "opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()})
    return makeup


def edit_makeup(makeup: Exam, title: str | None, opens_at: datetime, closes_at: datetime) -> None:
    """Change a make-up's title and window (its people and plans stay); not once it has closed."""
    if makeup.makeup_of_id is None:
        raise MakeupError("这不是补测。")
    if is_closed(makeup):
        raise MakeupError("补测已经结束，不能再修改。")
    first = db.session.get(Exam, makeup.makeup_of_id)
    title = _title(title, first)
    _check_window(first, opens_at, closes_at)
    started = db.session.scalar(select(Attempt.id).where(Attempt.exam_id == makeup.id).limit(1)) is not None
    if started and (opens_at != makeup.opens_at or closes_at < makeup.closes_at):
        # papers under way keep the deadlines they were given at their start
        raise MakeupError("已有人开始补测：开始时间不能再改，结束时间只能推后。")
    before = (makeup.title, makeup.opens_at, makeup.closes_at)
    makeup.title, makeup.opens_at, makeup.closes_at = title, opens_at, closes_at
    db.session.flush()
    record("makeup.edit", f"修改补测“{before[0]}”：名称“{title}”，时间 {_local(opens_at)} 至 {_local(closes_at)}"
           f"（原为 {_local(before[1])} 至 {_local(before[2])}）", target=makeup,
           detail={"title": title, "opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()})


def _local(moment: datetime) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def _user_id() -> int | None:
    from flask import has_request_context
    from flask_login import current_user

    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None
