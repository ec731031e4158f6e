"""Campaigns (活动): create and change one, its default paper plans, and the district's overview.

Nothing here commits. Bad input raises CampaignError with a message for the user and changes
nothing (the caller rolls back).
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from ..audit.services import record
from ..clock import now, to_local
from ..exams.drawing import Section, check_plan
from ..exams.errors import ExamError
from ..exams.plans import SCORING, describe_shortage, restrict_to
from ..exams.pool import question_pool
from ..extensions import db
from ..models import Bank, Campaign, CampaignBank, CampaignPlan, CampaignReport, CampaignUnit, Exam, Tier, Unit
from .access import campaign_bank_ids
from .reports import submissions
from .counting import RULES
from .figures import Thresholds, UnitLine, league, unit_lines
from .standings import Standing, standings

class CampaignError(ValueError):
    """A campaign request that cannot be carried out; the message is for the user."""


@dataclass
class CampaignFields:
    title: str
    description: str | None
    starts_at: datetime
    ends_at: datetime
    report_due: datetime
    band_excellent: float = 90
    band_good: float = 80
    band_pass: float = 60
    makeup_rule: str = "replace_capped"
    flag_pass_rate: float = 90
    flag_gap: float = 15
    flag_participation: float = 90


def _when(moment: datetime) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def check_fields(fields: CampaignFields) -> None:
    """The rules of a campaign's own settings; raises CampaignError."""
    if not (fields.title or "").strip():
        raise CampaignError("请填写活动名称。")
    if len(fields.title.strip()) > 200:
        raise CampaignError("活动名称不能超过 200 个字。")
    if None in (fields.starts_at, fields.ends_at, fields.report_due):
        raise CampaignError("请填写活动的开始时间、结束时间和报送截止时间。")
    if fields.ends_at <= fields.starts_at:
        raise CampaignError("活动结束时间必须晚于开始时间。")
    if fields.report_due <= fields.starts_at:
        raise CampaignError("报送截止时间必须晚于活动开始时间。")
    cuts = (fields.band_pass, fields.band_good, fields.band_excellent)
    if any(value is None for value in cuts):
        raise CampaignError("请填写优秀、良好、合格三条分数线。")
    if not all(0 <= float(value) <= 100 for value in cuts):
        raise CampaignError("分数线是百分制（得分 ÷ 满分 × 100），必须在 0 到 100 之间。")
    if not float(fields.band_pass) <= float(fields.band_good) <= float(fields.band_excellent):
        raise CampaignError("分数线必须按 合格 ≤ 良好 ≤ 优秀 的顺序填写，例如 60、80、90。")
    if fields.makeup_rule not in RULES:
        raise CampaignError("请选择补测成绩的计算办法。")
    if fields.flag_pass_rate is None or not 0 <= float(fields.flag_pass_rate) <= 100:
        raise CampaignError("合格率提示线必须在 0 到 100 之间（百分比）。")
    if fields.flag_participation is None or not 0 <= float(fields.flag_participation) <= 100:
        raise CampaignError("参考率提示线必须在 0 到 100 之间（百分比）。")
    if fields.flag_gap is None or not 0 <= float(fields.flag_gap) <= 100:
        raise CampaignError("自测与抽测平均分差距的提示线必须在 0 到 100 分之间。")


def save_campaign(campaign: Campaign | None, fields: CampaignFields, unit_ids: list[int],
                  bank_ids: list[int], user=None) -> Campaign:
    """Create or change a campaign with its units and banks; raises CampaignError."""
    check_fields(fields)
    unit_ids, bank_ids = sorted(set(unit_ids or ())), sorted(set(bank_ids or ()))
    if not unit_ids:
        raise CampaignError("请至少选择一个参加单位。")
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids))))
    if len(units) != len(unit_ids):
        raise CampaignError("所选单位不存在，可能刚被删除，请刷新页面后重新勾选。")
    _check_not_nested(units)
    banks = list(db.session.scalars(select(Bank).where(Bank.id.in_(bank_ids)))) if bank_ids else []
    if len(banks) != len(bank_ids):
        raise CampaignError("所选题库不存在，请刷新页面后重新勾选。")
    owned = [bank.name for bank in banks if bank.owner_unit_id is not None]
    if owned:
        raise CampaignError(f"活动只能指定区纪委的题库，“{'、'.join(owned)}”是单位自己的题库。")
    created = campaign is None
    if not created:
        _check_change(campaign, fields, unit_ids, bank_ids)
    else:
        campaign = Campaign(created_by_id=getattr(user, "id", None))
        db.session.add(campaign)
    campaign.title, campaign.description = fields.title.strip(), (fields.description or "").strip() or None
    campaign.starts_at, campaign.ends_at, campaign.report_due = fields.starts_at, fields.ends_at, fields.report_due
    campaign.band_excellent, campaign.band_good = float(fields.band_excellent), float(fields.band_good)
    campaign.band_pass, campaign.makeup_rule = float(fields.band_pass), fields.makeup_rule
    campaign.flag_pass_rate, campaign.flag_gap = float(fields.flag_pass_rate), float(fields.flag_gap)
    campaign.flag_participation = float(fields.flag_participation)
    db.session.flush()
    _set_links(campaign, CampaignUnit, "unit_id", unit_ids)
    _set_links(campaign, CampaignBank, "bank_id", bank_ids)
    db.session.flush()
    db.session.refresh(campaign)
    if not created:
        _check_plans_fill(campaign)
    detail = {"starts_at": campaign.starts_at.isoformat(), "ends_at": campaign.ends_at.isoformat(),
              "report_due": campaign.report_due.isoformat(), "units": sorted(u.path for u in units),
              "banks": sorted(b.name for b in banks),
              "bands": [float(campaign.band_excellent), float(campaign.band_good), float(campaign.band_pass)],
              "makeup_rule": campaign.makeup_rule,
              "flags": [float(campaign.flag_pass_rate), float(campaign.flag_gap), float(campaign.flag_participation)]}
    record("campaign.create" if created else "campaign.edit",
           f"{'新建' if created else '修改'}活动“{campaign.title}”：{len(units)} 个参加单位，{len(banks)} 个题库，"
           f"{_when(campaign.starts_at)} 至 {_when(campaign.ends_at)}，报送截止 {_when(campaign.report_due)}",
           target=campaign, detail=detail)
    return campaign


def _check_not_nested(units: list[Unit]) -> None:
    """A unit taking part tests the staff of its whole tree, so no unit taking part may lie in
    another's tree: its people would belong to two units."""
    chosen = {unit.id for unit in units}
    parent = dict(db.session.execute(select(Unit.id, Unit.parent_id)).all())
    for unit in units:
        above = parent.get(unit.id)
        while above is not None:
            if above in chosen:
                upper = db.session.get(Unit, above)
                raise CampaignError(f"参加单位不能互相包含：“{unit.name}”是“{upper.name}”的下级单位，"
                                    f"“{upper.name}”的测试已包括它的干部。请只勾选其中一个。")
            above = parent.get(above)


def _check_change(campaign: Campaign, fields: CampaignFields, unit_ids: list[int], bank_ids: list[int]) -> None:
    """A change may not strand what already exists: a unit that organised a test or reported
    stays in the campaign, and every test of the campaign stays inside its period."""
    busy = set(db.session.scalars(select(Exam.organiser_unit_id).where(
        Exam.campaign_id == campaign.id, Exam.organiser_unit_id.is_not(None))))
    busy |= set(db.session.scalars(select(CampaignReport.unit_id).where(CampaignReport.campaign_id == campaign.id)))
    dropped = busy - set(unit_ids)
    if dropped:
        names = "、".join(db.session.scalars(select(Unit.name).where(Unit.id.in_(dropped)).order_by(Unit.name)))
        raise CampaignError(f"{names}已经组织了本活动的测试或报送了成绩，不能移出参加单位。")
    first, last = db.session.execute(select(func.min(Exam.opens_at), func.max(Exam.closes_at)).where(
        Exam.campaign_id == campaign.id)).one()
    if first is not None and (first < fields.starts_at or last > fields.ends_at):
        raise CampaignError(f"本活动的测试安排在 {_when(first)} 至 {_when(last)}，活动期间必须包括这段时间。")


def _set_links(campaign: Campaign, model, column: str, wanted: list[int]) -> None:
    have = set(db.session.scalars(select(getattr(model, column)).where(model.campaign_id == campaign.id)))
    gone = have - set(wanted)
    if gone:
        db.session.execute(model.__table__.delete().where(model.campaign_id == campaign.id,
                                                          getattr(model, column).in_(gone)))
    for value in sorted(set(wanted) - have):
        db.session.add(model(campaign_id=campaign.id, **{column: value}))


def _check_plans_fill(campaign: Campaign) -> None:
    """After the banks changed, every default plan must still be filled from them."""
    for plan in campaign_plans(campaign):
        try:
            sections = restrict_to_campaign(campaign, [Section.from_json(s) for s in plan.sections])
        except CampaignError as error:
            raise CampaignError(f"{plan.tier.name}的默认试卷方案：{error}请先修改或删除这个方案。") from None
        _check_fill(campaign, plan.tier.name, sections)


# ---- default paper plans ------------------------------------------------------------------

def campaign_plans(campaign: Campaign) -> list[CampaignPlan]:
    return list(db.session.scalars(select(CampaignPlan).join(Tier, Tier.id == CampaignPlan.tier_id)
                                   .where(CampaignPlan.campaign_id == campaign.id).order_by(Tier.rank, Tier.id)))


def restrict_to_campaign(campaign: Campaign, sections: list[Section]) -> list[Section]:
    """The sections drawing from the campaign's banks only: a row naming no bank draws from all
    of them; one naming another bank is refused."""
    allowed = campaign_bank_ids(campaign)
    if not allowed:
        raise CampaignError("活动还没有指定题库：请先在活动设置中勾选单位可以抽题的题库。")
    try:
        return restrict_to(sections, allowed, named="本活动指定的题库")
    except ExamError as error:
        raise CampaignError(str(error)) from None


def _check_fill(campaign: Campaign, tier_name: str, sections: list[Section]) -> None:
    """``sections`` restricted to the campaign's banks (restrict_to_campaign) fill from them."""
    shortages = check_plan(sections, question_pool())
    if shortages:
        raise CampaignError(f"{tier_name}：活动指定的题库中题目不够：" + "；".join(describe_shortage(s) for s in shortages))


def save_plan(campaign: Campaign, tier: Tier, sections: list[Section], duration: int, pass_mark: float,
              scoring: str) -> CampaignPlan:
    """Set the campaign's default plan of one tier; refused when its banks cannot fill it."""
    if not sections:
        raise CampaignError("试卷方案至少要有一行题目。")
    if duration is None or not 0 < duration <= 600:
        raise CampaignError("答题时长必须在 1 到 600 分钟之间。")
    if scoring not in SCORING:
        raise CampaignError("多选题计分方式无效。")
    total = round(sum(s.count * s.points for s in sections), 2)
    if pass_mark is None or not 0 <= pass_mark <= total:
        raise CampaignError(f"及格分必须在 0 到试卷总分 {total:g} 之间。")
    # checked against the campaign's banks; kept as written, so that a row naming no bank
    # draws, in a unit's test, from everything that test may draw from (its unit's banks too)
    _check_fill(campaign, tier.name, restrict_to_campaign(campaign, sections))
    plan = db.session.scalar(select(CampaignPlan).where(CampaignPlan.campaign_id == campaign.id,
                                                        CampaignPlan.tier_id == tier.id))
    if plan is None:
        plan = CampaignPlan(campaign_id=campaign.id, tier_id=tier.id)
        db.session.add(plan)
    plan.sections = [s.to_json() for s in sections]
    plan.duration_minutes, plan.pass_mark, plan.multiple_scoring = duration, pass_mark, scoring
    db.session.flush()
    record("campaign.plan", f"设置活动“{campaign.title}”{tier.name}的默认试卷方案：{len(sections)} 行，"
           f"共 {sum(s.count for s in sections)} 题 {total:g} 分，时长 {duration} 分钟，及格 {pass_mark:g} 分",
           target=campaign, detail={"tier": tier.name, "sections": plan.sections, "duration": duration,
                                    "pass_mark": pass_mark, "scoring": scoring})
    return plan


def remove_plan(campaign: Campaign, plan: CampaignPlan) -> None:
    name = plan.tier.name
    db.session.delete(plan)
    db.session.flush()
    record("campaign.plan", f"删除活动“{campaign.title}”{name}的默认试卷方案（已采用的测试不受影响）",
           target=campaign, detail={"tier": name, "removed": True})


def plan_total(plan: CampaignPlan) -> float:
    return round(sum(s.count * s.points for s in (Section.from_json(d) for d in plan.sections)), 2)


# ---- the district's page ------------------------------------------------------------------

@dataclass
class TierGap:
    unit_id: int
    unit: str
    tier: str
    own: float | None
    spot: float | None
    gap: float | None
    flagged: bool


@dataclass
class Overview:
    """What the district's page and its export show."""

    campaign: Campaign
    lines: list[UnitLine]  # in league order (units that held no test last)
    tiers: list[str]  # every tier with figures, in tier order
    self_tests: dict[int, list[Exam]]  # unit → its first-sitting self-tests, by opening time
    district_tests: list[Exam]  # the district's own tests of the campaign (its 抽测)
    gaps: list[TierGap]
    total_units: int
    thresholds: Thresholds
    moment: datetime
    makeups: dict[int, list[Exam]] = field(default_factory=dict)  # first sitting → its make-ups

    def line_of(self, unit_id: int) -> UnitLine | None:
        return next((line for line in self.lines if line.unit_id == unit_id), None)


def overview(campaign: Campaign, only: set[int] | None = None, rows: list[Standing] | None = None) -> Overview:
    """The district's page of a campaign: every campaign unit's line (ranked among all of them),
    the district's tests and the self-test vs spot-test gaps. ``only``: keep the lines of these
    campaign units alone (a liaison's)."""
    moment = now()
    exams = list(db.session.scalars(select(Exam).where(Exam.campaign_id == campaign.id)
                                    .order_by(Exam.opens_at, Exam.id)))
    rows = standings(campaign) if rows is None else rows
    names = dict(db.session.execute(select(Unit.id, Unit.name).join(
        CampaignUnit, CampaignUnit.unit_id == Unit.id).where(CampaignUnit.campaign_id == campaign.id)).all())
    order = sorted(names, key=lambda unit_id: names[unit_id])
    thresholds = Thresholds.of(campaign)
    submitted, returned = submissions(campaign)
    lines = league(unit_lines([(unit_id, names[unit_id]) for unit_id in order], rows, submitted,
                              campaign.report_due, moment, thresholds, returned))
    tier_rank: dict[str, tuple[int, str]] = {}
    for row in rows:
        tier_rank.setdefault(row.tier, (row.tier_rank, row.tier))
    self_tests: dict[int, list[Exam]] = {}
    makeups: dict[int, list[Exam]] = {}
    for exam in exams:
        if exam.makeup_of_id is not None:
            makeups.setdefault(exam.makeup_of_id, []).append(exam)
        elif exam.organiser_unit_id is not None:
            self_tests.setdefault(exam.organiser_unit_id, []).append(exam)
    district = [exam for exam in exams if exam.organiser_unit_id is None and exam.makeup_of_id is None]
    if only is not None:
        lines = [line for line in lines if line.unit_id in only]
        self_tests = {unit_id: tests for unit_id, tests in self_tests.items() if unit_id in only}
    gaps = []
    for line in sorted(lines, key=lambda each: names[each.unit_id]):
        for tier in sorted(line.spot_tiers, key=lambda name: tier_rank.get(name, (0, name))):
            own = line.own_tiers.get(tier)
            own_average = own.average if own else None
            spot = line.spot_tiers[tier].average
            gap = line.gaps.get(tier)
            gaps.append(TierGap(line.unit_id, line.name, tier, own_average, spot, gap,
                                gap is not None and gap > thresholds.gap))
    return Overview(campaign, lines, [name for _, name in sorted(tier_rank.values())], self_tests, district, gaps,
                    len(names), thresholds, moment, makeups)


def unit_exams(campaign: Campaign, unit_id: int) -> list[Exam]:
    """A campaign unit's tests (its self-tests and their make-ups), by opening time."""
    return list(db.session.scalars(select(Exam).where(Exam.campaign_id == campaign.id,
                                                      Exam.organiser_unit_id == unit_id)
                                   .order_by(Exam.opens_at, Exam.id)))


def unit_line(campaign: Campaign, unit: Unit) -> UnitLine:
    """One campaign unit's line: its self-tests and the district's tests, read for it alone
    (no league place: that needs every unit)."""
    district = list(db.session.scalars(select(Exam).where(Exam.campaign_id == campaign.id,
                                                          Exam.organiser_unit_id.is_(None))))
    tests = unit_exams(campaign, unit.id) + district
    rows = [row for row in standings(campaign, tests) if row.group_id == unit.id] if tests else []
    submitted, returned = submissions(campaign)
    line = unit_lines([(unit.id, unit.name)], rows, submitted, campaign.report_due, now(),
                      Thresholds.of(campaign), returned)[0]
    line.rank = None
    return line
