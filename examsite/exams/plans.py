"""Tests and their paper plans: create, plan per tier, preview, copy. Nothing here commits.

The admin's tests, and a unit's self-test of a campaign (活动), which its organiser (the unit's
liaison) runs: its units lie in the organising unit's tree, its window in the campaign's
period, and its plans draw only from the banks campaigns.access.drawable_bank_ids() names.
"""
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from ..audit.services import record
from ..campaigns.access import drawable_bank_ids
from ..clock import to_local
from ..extensions import db
from ..models import QUESTION_TYPES, Bank, Campaign, CampaignPlan, Exam, ExamUnit, PaperPlan, Tier, Unit
from ..roster.services import subtree_ids
from .drawing import Section, Shortage, check_plan, choose, freeze
from .errors import ExamError
from .grading import ALL_OR_NOTHING, PARTIAL
from .pool import kept_pool, question_pool

MODES = {"all": "全员测试", "sample": "随机抽测", "named": "补测（指定人员）"}
#: the ways a test can be created from its form; a named test is made from a closed one (补测)
FORM_MODES = {mode: label for mode, label in MODES.items() if mode != "named"}
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


def save_exam(exam: Exam | None, fields: ExamFields, unit_ids: list[int], campaign: Campaign | None = None,
              organiser: Unit | None = None) -> Exam:
    """Create or change a test; raises ExamError on bad input. ``campaign`` and ``organiser``
    (the unit whose organiser runs it; None: the district's own test) are taken for a new test
    only: a test never moves to another campaign or unit."""
    title = fields.title.strip()
    if not title:
        raise ExamError("请填写测试名称。")
    if fields.mode not in MODES:
        raise ExamError("测试方式只能是全员测试或随机抽测。")
    if fields.closes_at <= fields.opens_at:
        raise ExamError("结束时间必须晚于开始时间。")
    if fields.score_shown not in SCORE_SHOWN:
        raise ExamError("成绩显示方式只能是交卷后、测试结束后或不显示。")
    if exam is not None:
        campaign, organiser = exam.campaign, exam.organiser_unit
    if organiser is not None and campaign is None:
        raise ExamError("只有活动中的测试才有组织单位。")
    if organiser is not None and fields.mode != "all":
        raise ExamError("单位自行组织的测试只能是全员测试；随机抽测由区纪委组织。")
    if campaign is not None:
        _check_campaign(campaign, organiser, fields)
        if organiser is not None and not unit_ids:
            unit_ids = [organiser.id]  # a unit's test is for its own tree unless he narrows it
    units = db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids))).all() if unit_ids else []
    if len(units) != len(set(unit_ids)):
        raise ExamError("所选单位不存在。")
    if organiser is not None:
        tree = subtree_ids(organiser.id)
        outside = [unit.path for unit in units if unit.id not in tree]
        if outside:
            raise ExamError(f"参加单位只能是组织单位“{organiser.path}”及其下属单位，“{'、'.join(outside)}”不在其中。")
    created = exam is None
    if created:
        exam = Exam(campaign_id=campaign.id if campaign else None, organiser_unit_id=organiser.id if organiser else None)
        db.session.add(exam)
    exam.title, exam.description, exam.mode = title, (fields.description or "").strip() or None, fields.mode
    exam.opens_at, exam.closes_at, exam.review_allowed = fields.opens_at, fields.closes_at, fields.review_allowed
    exam.score_shown = fields.score_shown
    db.session.flush()
    db.session.execute(ExamUnit.__table__.delete().where(ExamUnit.exam_id == exam.id))
    for unit in units:
        db.session.add(ExamUnit(exam_id=exam.id, unit_id=unit.id))
    db.session.flush()
    detail = {"mode": exam.mode, "opens_at": exam.opens_at.isoformat(),
              "closes_at": exam.closes_at.isoformat(), "units": [u.path for u in units]}
    if campaign is not None:
        detail.update(campaign_id=campaign.id, organiser_unit=organiser.path if organiser else None)
    record("exam.create" if created else "exam.edit",
           f"{'创建' if created else '修改'}测试“{exam.title}”{organised_by(exam)}", target=exam, detail=detail)
    return exam


def _check_campaign(campaign: Campaign, organiser: Unit | None, fields: ExamFields) -> None:
    if organiser is not None and organiser.id not in {link.unit_id for link in campaign.units}:
        raise ExamError(f"“{organiser.path}”不是活动“{campaign.title}”的参加单位。")
    if fields.opens_at < campaign.starts_at or fields.closes_at > campaign.ends_at:
        start, end = (to_local(moment).strftime("%Y-%m-%d %H:%M") for moment in (campaign.starts_at, campaign.ends_at))
        raise ExamError(f"测试时间必须在活动“{campaign.title}”期间（{start} 至 {end}）之内。")


def organised_by(exam: Exam) -> str:
    """How audit lines and pages name a campaign test's organiser: （活动“…”，城南区/城关镇组织）."""
    if exam.campaign_id is None:
        return ""
    campaign = exam.campaign or db.session.get(Campaign, exam.campaign_id)
    unit = exam.organiser_unit or (db.session.get(Unit, exam.organiser_unit_id) if exam.organiser_unit_id else None)
    return f"（活动“{campaign.title}”，{unit.path + '组织' if unit else '区级测试'}）"


def draw(sections: list[Section], seed: str) -> list[dict]:
    """A paper drawn from the questions in use; only the drawn ones are read in full (and kept
    by the worker, pool.KeptPool)."""
    pool = kept_pool()
    picks = choose(sections, pool.questions, seed, pool.candidates)
    return freeze(picks, pool.full([pick.question_id for pick in picks]))


def parse_sections(rows: list[dict]) -> list[Section]:
    """Plan rows from a form; rows without a count are ignored. A row may name one bank
    (``bank``) to draw from. Raises ExamError."""
    sections = []
    for number, row in enumerate(rows, start=1):
        if not row.get("count"):
            continue
        if row.get("qtype") not in QUESTION_TYPES:
            raise ExamError(f"第 {number} 行：请选择题型。")
        if int(row["count"]) < 0 or float(row.get("points") or 0) <= 0:
            raise ExamError(f"第 {number} 行：题数和每题分值必须大于 0。")
        difficulty = int(row["difficulty"]) if row.get("difficulty") else None
        bank = str(row.get("bank") or "")
        if bank and not bank.isdigit():
            raise ExamError(f"第 {number} 行：所选题库无效。")
        sections.append(Section(row["qtype"], int(row["count"]), float(row["points"]),
                                (row.get("regulation") or "").strip() or None, difficulty,
                                (int(bank),) if bank else None))
    if not sections:
        raise ExamError("试卷方案至少要有一行题目。")
    return sections


def restrict_to(sections: list[Section], allowed: list[int] | None, loose: bool = False,
                named: str = "这次测试可以抽题的题库") -> list[Section]:
    """The sections drawing only from the ``allowed`` banks (None: every bank, sections as
    they are). A section naming no bank draws from all of them; one naming a bank outside them
    is refused, or with ``loose`` (a campaign's default plan) narrowed to those allowed."""
    if allowed is None:
        return sections
    if not allowed:
        raise ExamError("这次测试没有可以抽题的题库：活动没有指定题库，组织单位也还没有自己的题库。")
    result = []
    for number, section in enumerate(sections, start=1):
        banks = tuple(allowed)
        if section.banks:
            inside = tuple(bank for bank in section.banks if bank in allowed)
            if not inside or (len(inside) < len(section.banks) and not loose):
                raise ExamError(f"第 {number} 行：所选题库不是{named}。")
            banks = inside
        result.append(replace(section, banks=banks))
    return result


def bank_names(bank_ids: list[int] | None) -> list[str]:
    if not bank_ids:
        return []
    return list(db.session.scalars(select(Bank.name).where(Bank.id.in_(bank_ids)).order_by(Bank.id)))


def describe_shortage(shortage: Shortage) -> str:
    section = shortage.section
    where = [QUESTION_TYPES[section.qtype]]
    if section.regulation:
        where.append(f"出处含“{section.regulation}”")
    if section.difficulty:
        where.append(f"难度 {section.difficulty}")
    banks = "这次测试可以抽题的题库中" if section.banks else "题库中"
    return f"{'，'.join(where)}：需要 {section.count} 题，{banks}只有 {shortage.available} 题。"


def save_plan(exam: Exam, tier: Tier, sections: list[Section], duration: int, pass_mark: float,
              scoring: str, source: str = "") -> PaperPlan:
    """Set the paper plan of one tier; refused when the banks cannot fill it. A campaign test's
    sections draw only from its banks (restrict_to); ``source`` says where the rows came from,
    for the audit line."""
    if duration <= 0:
        raise ExamError("答题时长必须大于 0 分钟。")
    if scoring not in SCORING:
        raise ExamError("多选题计分方式无效。")
    sections = restrict_to(sections, drawable_bank_ids(exam), loose=bool(source))
    total = sum(s.count * s.points for s in sections)
    if not 0 <= pass_mark <= total:
        raise ExamError(f"及格分必须在 0 到试卷总分 {total:g} 之间。")
    shortages = check_plan(sections, question_pool())
    if shortages:
        raise ExamError(f"{tier.name}：题库中的题目不够：" + "；".join(describe_shortage(s) for s in shortages))
    plan = db.session.scalar(select(PaperPlan).where(PaperPlan.exam_id == exam.id, PaperPlan.tier_id == tier.id))
    if plan is None:
        plan = PaperPlan(exam_id=exam.id, tier_id=tier.id)
        db.session.add(plan)
    plan.sections = [s.to_json() for s in sections]
    plan.duration_minutes, plan.pass_mark, plan.multiple_scoring = duration, pass_mark, scoring
    db.session.flush()
    record("plan.save", f"设置测试“{exam.title}”{organised_by(exam)}{tier.name}的试卷方案{source}：{len(sections)} 行，"
           f"共 {sum(s.count for s in sections)} 题 {total:g} 分，时长 {duration} 分钟，及格 {pass_mark:g} 分",
           target=plan, detail={"sections": plan.sections, "duration": duration, "pass_mark": pass_mark,
                                "scoring": scoring, **({"source": source} if source else {})})
    return plan


def default_plans(exam: Exam) -> list[CampaignPlan]:
    """The campaign's default plans a test may take, in tier order."""
    if exam.campaign_id is None:
        return []
    found = db.session.scalars(select(CampaignPlan).join(Tier, Tier.id == CampaignPlan.tier_id)
                               .where(CampaignPlan.campaign_id == exam.campaign_id).order_by(Tier.rank, Tier.id))
    return list(found)


def take_default_plans(exam: Exam, tier_id: int | None = None) -> list[PaperPlan]:
    """Copy the campaign's default plan of ``tier_id`` (None: of every tier it has one for)
    into the test's own plans; each is checked against the banks as a plan of his own is."""
    chosen = [plan for plan in default_plans(exam) if tier_id is None or plan.tier_id == tier_id]
    if not chosen:
        raise ExamError("活动没有为这个层级设置默认试卷方案。" if tier_id else "活动没有设置默认试卷方案。")
    return [save_plan(exam, default.tier, [Section.from_json(data) for data in default.sections],
                      default.duration_minutes, float(default.pass_mark), default.multiple_scoring,
                      source="（采用活动默认方案）") for default in chosen]


def plan_sections(plan: PaperPlan) -> list[Section]:
    return [Section.from_json(s) for s in plan.sections]


def plan_total(plan: PaperPlan) -> float:
    return sum(s.count * s.points for s in plan_sections(plan))


def preview_paper(plan: PaperPlan) -> list[dict]:
    return draw(plan_sections(plan), secrets.token_hex(8))


def copy_units_and_plans(exam: Exam, target: Exam) -> None:
    """Give ``target`` (flushed) the units and paper plans of ``exam``, for a copy or a make-up."""
    for link in exam.units:
        db.session.add(ExamUnit(exam_id=target.id, unit_id=link.unit_id))
    for plan in exam.plans:
        db.session.add(PaperPlan(exam_id=target.id, tier_id=plan.tier_id, sections=list(plan.sections),
                                 duration_minutes=plan.duration_minutes, pass_mark=plan.pass_mark,
                                 multiple_scoring=plan.multiple_scoring))
    db.session.flush()


def copy_exam(exam: Exam) -> Exam:
    if exam.makeup_of_id is not None:
        raise ExamError("补测不能复制：它的名单来自原测试。需要再次补测时，请在补测页面组织。")
    copy = Exam(title=f"{exam.title}（副本）", description=exam.description, mode=exam.mode,
                opens_at=exam.opens_at, closes_at=exam.closes_at, review_allowed=exam.review_allowed,
                score_shown=exam.score_shown, campaign_id=exam.campaign_id, organiser_unit_id=exam.organiser_unit_id)
    db.session.add(copy)
    db.session.flush()
    copy_units_and_plans(exam, copy)
    record("exam.copy", f"复制测试“{exam.title}”为“{copy.title}”{organised_by(copy)}", target=copy, detail={"from": exam.id})
    return copy
