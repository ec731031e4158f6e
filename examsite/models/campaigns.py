"""Campaigns (活动): the units taking part, their self-tests, their reports, make-up tests."""
from datetime import datetime

from sqlalchemy import (
    JSON, CheckConstraint, ForeignKey, Index, LargeBinary, Numeric, String, Text, UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db


class Campaign(db.Model):
    """A campaign of the district office (e.g. 警示教育月): units hold tiered self-tests for their
    own staff inside its period, report to the district by its deadline, and the district checks
    them with its own spot test. Tests belong to it through ``Exam.campaign_id``."""

    __tablename__ = "campaign"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="period_order"),
        CheckConstraint("band_pass >= 0 AND band_pass <= band_good AND band_good <= band_excellent "
                        "AND band_excellent <= 100", name="bands_ordered"),
        CheckConstraint("makeup_rule IN ('replace_capped', 'best')", name="makeup_rule_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    #: units report their self-test results by this time; a report after it is late
    report_due: Mapped[datetime]
    #: the score bands' lower cut-offs, as a percentage of the paper's full marks (百分制):
    #: 优秀 from band_excellent, 良好 from band_good, 合格 from band_pass; a failed paper is 不合格
    band_excellent: Mapped[float] = mapped_column(Numeric(5, 2), default=90)
    band_good: Mapped[float] = mapped_column(Numeric(5, 2), default=80)
    band_pass: Mapped[float] = mapped_column(Numeric(5, 2), default=60)
    #: which sitting counts when someone takes a make-up test (补测): replace_capped = the make-up's
    #: score replaces the first one, capped at the pass mark; best = the better of the two
    makeup_rule: Mapped[str] = mapped_column(String(20), default="replace_capped")
    #: a unit whose 合格率 (percent) is below this is flagged on the district's page
    flag_pass_rate: Mapped[float] = mapped_column(Numeric(5, 2), default=90)
    #: a unit whose 参考率 (percent) is below this once its tests are over is flagged: a self-test
    #: sat by its best staff only says little
    flag_participation: Mapped[float] = mapped_column(Numeric(5, 2), default=90)
    #: a unit whose self-test average exceeds its spot-test average (百分制, same tier) by more
    #: than this is flagged
    flag_gap: Mapped[float] = mapped_column(Numeric(5, 2), default=15)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    units: Mapped[list["CampaignUnit"]] = relationship(cascade="all, delete-orphan")
    banks: Mapped[list["CampaignBank"]] = relationship(cascade="all, delete-orphan")
    plans: Mapped[list["CampaignPlan"]] = relationship(cascade="all, delete-orphan")


class CampaignUnit(db.Model):
    """A unit taking part: its party organisation tests the staff of its tree and reports."""

    __tablename__ = "campaign_unit"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)

    unit: Mapped["Unit"] = relationship()  # noqa: F821


class CampaignBank(db.Model):
    """A bank the units' tests of a campaign may draw from."""

    __tablename__ = "campaign_bank"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id"), primary_key=True)

    bank: Mapped["Bank"] = relationship()  # noqa: F821


class CampaignPlan(db.Model):
    """A default paper plan of one tier, which a unit's test may take as its own."""

    __tablename__ = "campaign_plan"
    __table_args__ = (
        UniqueConstraint("campaign_id", "tier_id", name="uq_campaign_plan_campaign_tier"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("multiple_scoring IN ('all_or_nothing', 'partial')", name="multiple_scoring_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    tier_id: Mapped[int] = mapped_column(ForeignKey("tier.id"))
    #: as PaperPlan.sections
    sections: Mapped[list] = mapped_column(JSON, default=list)
    duration_minutes: Mapped[int]
    pass_mark: Mapped[float] = mapped_column(Numeric(6, 2))
    multiple_scoring: Mapped[str] = mapped_column(String(20), default="all_or_nothing")

    tier: Mapped["Tier"] = relationship()  # noqa: F821


class CampaignReport(db.Model):
    """A unit's report (报送) of its self-test results to the district: a snapshot frozen when
    submitted, never changed. The district may return it (退回, with a reason); the unit then
    submits a new one, and the returned one is kept."""

    __tablename__ = "campaign_report"
    __table_args__ = (
        # one standing report per unit and campaign
        Index("uq_campaign_report_standing", "campaign_id", "unit_id", unique=True,
              sqlite_where=text("returned_at IS NULL"), postgresql_where=text("returned_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    #: everything the 成绩汇总表 shows, fixed at submission
    snapshot: Mapped[dict] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(default=now)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: the 成绩汇总表 signed by the unit's head and stamped, scanned (PDF or image)
    scan_filename: Mapped[str | None] = mapped_column(String(255))
    scan_type: Mapped[str | None] = mapped_column(String(50))
    scan_data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    scan_uploaded_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    return_reason: Mapped[str | None] = mapped_column(Text)

    unit: Mapped["Unit"] = relationship()  # noqa: F821
    campaign: Mapped[Campaign] = relationship()


class Exemption(db.Model):
    """Someone excused from a test with a written reason (病假、公差 …): he takes no make-up
    test and is not counted among those expected."""

    __tablename__ = "exemption"

    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    #: 病假, 公差, 事假 … (campaigns.makeup.EXEMPTION_KINDS)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    attachment_filename: Mapped[str | None] = mapped_column(String(255))
    attachment_type: Mapped[str | None] = mapped_column(String(50))
    attachment_data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=now)

    staff: Mapped["Staff"] = relationship()  # noqa: F821
