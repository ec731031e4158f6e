"""The demo's campaign (活动): a month of the cycle an office runs, already under way.

城关镇 and 东岗镇 held their tiered self-tests; 城关镇 excused one absentee, gave the rest of its
fails and absentees a make-up test and reported on time; 东岗镇 reported after the deadline;
西湖街道 never tested. The district then drew section-level cadres (乡科级) of the three for its
spot test, and 东岗镇's self-test turns out well above its spot test. Everything goes through the
same services as the pages, with the clock set back while it happens.
"""
import random
from datetime import timedelta

from sqlalchemy import select

from . import clock
from .extensions import db
from .exams.drawing import Section
from .models import Bank, Campaign, Staff, Tier, Unit, User

DEMO_CAMPAIGN = "演示：2026年警示教育月"
#: the units taking part; the last one never tests
CAMPAIGN_UNITS = ("城关镇", "东岗镇", "西湖街道")
#: tier → default paper plan rows (type, count, points): 100 points each
DEFAULT_PLANS = {
    "县处级": [("single", 10, 3), ("multiple", 5, 4), ("judge", 10, 2), ("fill", 5, 2)],
    "乡科级": [("single", 10, 3), ("multiple", 5, 4), ("judge", 10, 2), ("fill", 5, 2)],
    "一般干部": [("single", 15, 4), ("multiple", 5, 4), ("judge", 10, 2)],
}
#: a minimal PDF standing in for a scanned sick note and a signed, stamped summary sheet
SCAN_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
            b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def demo_campaign(district: str, sit) -> Campaign | None:
    """Build the demo campaign once. ``sit(exam, people, opens, rng, share, ability)`` has the
    people take a test as the demo's finished test does."""
    from .campaigns import makeup, reports
    from .campaigns.services import CampaignFields, save_campaign, save_plan
    from .exams import plans
    from .results.services import settled_results
    from .roster.services import subtree_ids
    from .sampling import services as sampling, slips

    if db.session.scalar(select(Campaign.id).where(Campaign.title == DEMO_CAMPAIGN)):
        return None
    today = clock.now().replace(hour=1, minute=0, second=0, microsecond=0)  # 09:00 in Beijing
    start = today - timedelta(days=30)
    units = {name: db.session.scalar(select(Unit).where(Unit.name == name, Unit.parent.has(name=district)))
             for name in CAMPAIGN_UNITS}
    tiers = {t.name: t for t in db.session.scalars(select(Tier))}
    liaisons = {user.unit_id: user for user in db.session.scalars(select(User).where(User.role == "liaison"))}
    rng = random.Random(610)
    try:
        clock.freeze(start)
        campaign = save_campaign(None, CampaignFields(
            DEMO_CAMPAIGN, "以党组织为单位分层分级开展纪法知识测试，各单位于报送截止前报送成绩汇总表；"
            "区纪委随机抽取乡科级干部集中抽测。", start, today + timedelta(days=30), today - timedelta(days=5)),
            [unit.id for unit in units.values()],
            list(db.session.scalars(select(Bank.id).where(Bank.owner_unit_id.is_(None)))))
        for tier_name, rows in DEFAULT_PLANS.items():
            save_plan(campaign, tiers[tier_name], [Section(q, n, p) for q, n, p in rows], 40, 60, "all_or_nothing")

        def self_test(name: str, opens, ability):
            unit = units[name]
            clock.freeze(opens - timedelta(days=1))
            exam = plans.save_exam(None, plans.ExamFields(
                f"{name}2026年警示教育月纪法知识测试", f"{name}党委组织，按层级分别组卷。", "all",
                opens, opens + timedelta(days=5), True), [], campaign=campaign, organiser=unit)
            plans.take_default_plans(exam)
            people = list(db.session.scalars(select(Staff).where(Staff.unit_id.in_(subtree_ids(unit.id)))
                                             .order_by(Staff.staff_no)))
            sit(exam, people, opens, rng, 0.85, ability)
            return exam

        town = self_test("城关镇", start + timedelta(days=2), (0.35, 0.95))
        self_test("东岗镇", start + timedelta(days=4), (0.8, 1.0))  # suspiciously good

        # 城关镇: one absentee excused with a sick note, the other fails and absentees re-sit
        clock.freeze(town.closes_at + timedelta(days=1))
        result = settled_results(town)
        absent = result.absent()
        if absent:
            makeup.record_exemption(result, absent[0].staff_id, "病假", "测试期间住院治疗，附医院诊断证明。",
                                    ("诊断证明.pdf", SCAN_PDF))
        result = settled_results(town)
        opens = town.closes_at + timedelta(days=3)
        again = makeup.create_makeup(result, None, opens, opens + timedelta(days=3))
        named = list(db.session.scalars(select(Staff).where(Staff.id.in_(
            [m.staff_id for m in _members(again)])).order_by(Staff.staff_no)))
        sit(again, named, opens, rng, 0.8, (0.55, 0.95))
        clock.freeze(again.closes_at + timedelta(days=1))
        report = reports.submit(campaign, units["城关镇"], liaisons.get(units["城关镇"].id))
        reports.attach_scan(report, "城关镇成绩汇总表（签字盖章）.pdf", SCAN_PDF)

        # the district's spot test of section-level cadres from the three units
        spot_opens = start + timedelta(days=20)
        clock.freeze(spot_opens - timedelta(days=1))
        spot = plans.save_exam(None, plans.ExamFields(
            "区纪委监委2026年警示教育月乡科级干部集中抽测", "从参加单位随机抽取乡科级干部集中测试。", "sample",
            spot_opens, spot_opens + timedelta(hours=3), True), [], campaign=campaign)
        plans.take_default_plans(spot, tiers["乡科级"].id)
        draw = sampling.make_draw(sampling.DrawRequest(
            unit_paths=[unit.path for unit in units.values()], tiers=["乡科级"], size=12, stratify=True,
            seed="610-2026-警示教育月"))
        slips.assign(draw, spot)
        drawn = [member.staff for member in draw.members]
        sit(spot, drawn, spot_opens, rng, 1.0, (0.35, 0.8))

        # 东岗镇 reports after the deadline; 西湖街道 never does
        clock.freeze(today - timedelta(days=2))
        reports.submit(campaign, units["东岗镇"], liaisons.get(units["东岗镇"].id))
    finally:
        clock.freeze(None)
    return campaign


def _members(exam):
    from .models import ExamMember

    return db.session.scalars(select(ExamMember).where(ExamMember.exam_id == exam.id)).all()
