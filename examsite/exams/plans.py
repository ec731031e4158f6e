"""Tests and their paper plans (admin): create, plan per tier, preview, copy. Nothing here commits."""
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..audit.services import record
from ..extensions import db
from ..models import QUESTION_TYPES, Exam, ExamUnit, PaperPlan, Tier, Unit
from .drawing import Section, Shortage, check_plan, choose, freeze
from .errors import ExamError
from .grading import ALL_OR_NOTHING, PARTIAL
from .pool import kept_pool, question_pool

MODES = {"all": "全员测试", "sample": "随机抽测"}
SCORE_SHOWN = {"on_submit": "交卷后立即看到", "after_close": "测试结束后看到", "never": "不向考生显示（以通报为准）"}
SCORING = {ALL_OR_NOTHING: "多选题少选、错选均不得分", PARTIAL: "多选题少选得一半分，错选不得分"}


@dataclass
class ExamFields:
    title: str
    description: str | None
    mode: str
    opens_at: datetime
    closes_at: datetime
    review_allowed: bool
    score_shown: str = "on_submit"


def save_exam(exam: Exam | None, fields: ExamFields, unit_ids: list[int]) -> Exam:
    """Create or change a test; raises ExamError on bad input."""
    title = fields.title.strip()
    if not title:
        raise ExamError("请填写测试名称。")
    if fields.mode not in MODES:
        raise ExamError("测试方式只能是全员测试或随机抽测。")
    if fields.closes_at <= fields.opens_at:
        raise ExamError("结束时间必须晚于开始时间。")
    if fields.score_shown not in SCORE_SHOWN:
        raise ExamError("成绩显示方式只能是交卷后、测试结束后或不显示。")
    units = db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids))).all() if unit_ids else []
    if len(units) != len(set(unit_ids)):
        raise ExamError("所选单位不存在。")
    created = exam is None
    if created:
        exam = Exam()
        db.session.add(exam)
    exam.title, exam.description, exam.mode = title, (fields.description or "").strip() or None, fields.mode
    exam.opens_at, exam.closes_at, exam.review_allowed = fields.opens_at, fields.closes_at, fields.review_allowed
    exam.score_shown = fields.score_shown
    db.session.flush()
    db.session.execute(ExamUnit.__table__.delete().where(ExamUnit.exam_id == exam.id))
    for unit in units:
        db.session.add(ExamUnit(exam_id=exam.id, unit_id=unit.id))
    db.session.flush()
    record("exam.create" if created else "exam.edit",
           f"{'创建' if created else '修改'}测试“{exam.title}”", target=exam,
           detail={"mode": exam.mode, "opens_at": exam.opens_at.isoformat(),
                   "closes_at": exam.closes_at.isoformat(), "units": [u.path for u in units]})
    return exam


def draw(sections: list[Section], seed: str) -> list[dict]:
    """A paper drawn from the questions in use; only the drawn ones are read in full (and kept
    by the worker, pool.KeptPool)."""
    pool = kept_pool()
    picks = choose(sections, pool.questions, seed, pool.candidates)
    return freeze(picks, pool.full([pick.question_id for pick in picks]))


def parse_sections(rows: list[dict]) -> list[Section]:
    """Plan rows from a form; rows without a count are ignored. Raises ExamError."""
    sections = []
    for number, row in enumerate(rows, start=1):
        if not row.get("count"):
            continue
        if row.get("qtype") not in QUESTION_TYPES:
            raise ExamError(f"第 {number} 行：请选择题型。")
        if int(row["count"]) < 0 or float(row.get("points") or 0) <= 0:
            raise ExamError(f"第 {number} 行：题数和每题分值必须大于 0。")
        difficulty = int(row["difficulty"]) if row.get("difficulty") else None
        sections.append(Section(row["qtype"], int(row["count"]), float(row["points"]),
                                (row.get("regulation") or "").strip() or None, difficulty))
    if not sections:
        raise ExamError("试卷方案至少要有一行题目。")
    return sections


def describe_shortage(shortage: Shortage) -> str:
    section = shortage.section
    where = [QUESTION_TYPES[section.qtype]]
    if section.regulation:
        where.append(f"出处含“{section.regulation}”")
    if section.difficulty:
        where.append(f"难度 {section.difficulty}")
    return f"{'，'.join(where)}：需要 {section.count} 题，题库中只有 {shortage.available} 题。"


def save_plan(exam: Exam, tier: Tier, sections: list[Section], duration: int, pass_mark: float,
              scoring: str) -> PaperPlan:
    """Set the paper plan of one tier; refused when the banks cannot fill it."""
    if duration <= 0:
        raise ExamError("答题时长必须大于 0 分钟。")
    if scoring not in SCORING:
        raise ExamError("多选题计分方式无效。")
    total = sum(s.count * s.points for s in sections)
    if not 0 <= pass_mark <= total:
        raise ExamError(f"及格分必须在 0 到试卷总分 {total:g} 之间。")
    shortages = check_plan(sections, question_pool())
    if shortages:
        raise ExamError("题库中的题目不够：" + "；".join(describe_shortage(s) for s in shortages))
    plan = db.session.scalar(select(PaperPlan).where(PaperPlan.exam_id == exam.id, PaperPlan.tier_id == tier.id))
    if plan is None:
        plan = PaperPlan(exam_id=exam.id, tier_id=tier.id)
        db.session.add(plan)
    plan.sections = [s.to_json() for s in sections]
    plan.duration_minutes, plan.pass_mark, plan.multiple_scoring = duration, pass_mark, scoring
    db.session.flush()
    record("plan.save", f"设置测试“{exam.title}”{tier.name}的试卷方案：{len(sections)} 行，"
           f"共 {sum(s.count for s in sections)} 题 {total:g} 分，时长 {duration} 分钟，及格 {pass_mark:g} 分",
           target=plan, detail={"sections": plan.sections, "duration": duration, "pass_mark": pass_mark,
                                "scoring": scoring})
    return plan


def plan_sections(plan: PaperPlan) -> list[Section]:
    return [Section.from_json(s) for s in plan.sections]


def plan_total(plan: PaperPlan) -> float:
    return sum(s.count * s.points for s in plan_sections(plan))


def preview_paper(plan: PaperPlan) -> list[dict]:
    return draw(plan_sections(plan), secrets.token_hex(8))


def copy_exam(exam: Exam) -> Exam:
    copy = Exam(title=f"{exam.title}（副本）", description=exam.description, mode=exam.mode,
                opens_at=exam.opens_at, closes_at=exam.closes_at, review_allowed=exam.review_allowed,
                score_shown=exam.score_shown)
    db.session.add(copy)
    db.session.flush()
    for link in exam.units:
        db.session.add(ExamUnit(exam_id=copy.id, unit_id=link.unit_id))
    for plan in exam.plans:
        db.session.add(PaperPlan(exam_id=copy.id, tier_id=plan.tier_id, sections=list(plan.sections),
                                 duration_minutes=plan.duration_minutes, pass_mark=plan.pass_mark,
                                 multiple_scoring=plan.multiple_scoring))
    db.session.flush()
    record("exam.copy", f"复制测试“{exam.title}”为“{copy.title}”", target=copy, detail={"from": exam.id})
    return copy
