"""Units (a tree), cadre tiers and the roster of staff (花名册)."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .uploads import KeptUpload

#: Tiers every installation starts with, highest first; the admin may add more.
DEFAULT_TIERS = ("县处级", "乡科级", "一般干部")


class Unit(db.Model):
    """A unit in the tree 区 → 镇/街道/部门 → 科室."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_unit_parent_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the unit's own name, without its parents (e.g. 党政办)
    name: Mapped[str] = mapped_column(String(100))
    #: the unit above; None for a top-level unit
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    #: order among siblings when listed
    sort_order: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=now)

    parent: Mapped["Unit | None"] = relationship(remote_side="Unit.id", back_populates="children")
    children: Mapped[list["Unit"]] = relationship(
        back_populates="parent", order_by="(Unit.sort_order, Unit.name)"
    )

    @property
    def path(self) -> str:
        """Full path from the top, e.g. 城南区/城关镇/党政办."""
        names, unit = [], self
        while unit is not None:
            names.append(unit.name)
            unit = unit.parent
        return "/".join(reversed(names))

    def __repr__(self) -> str:
        return f"<Unit {self.path}>"


class Tier(db.Model):
    """A cadre tier (干部层级): 县处级, 乡科级, 一般干部, or one the admin adds."""

    __tablename__ = "tier"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    #: listing order, lower first
    rank: Mapped[int] = mapped_column(default=0)


class Staff(db.Model):
    """One row of the roster (花名册): a person who may be tested."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 工号, kept as text so leading zeros survive; the key for re-imports
    staff_no: Mapped[str] = mapped_column(String(40), unique=True)
    #: 姓名
    name: Mapped[str] = mapped_column(String(60), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    tier_id: Mapped[int] = mapped_column(ForeignKey("tier.id"), index=True)
    #: 职务, free text from the roster
    position: Mapped[str | None] = mapped_column(String(100))
    #: 职级 as the roster gives it (正科级, 一级主任科员 …); the tier map turns it into a tier
    rank: Mapped[str | None] = mapped_column(String(40))
    #: 身份证号, masked except its last four characters: the full number is never stored
    id_number: Mapped[str | None] = mapped_column(String(18))
    #: set when the admin marks the person as having left (离岗); he is kept, not deleted
    left_at: Mapped[datetime | None]
    #: the login account of this person, once one exists
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    unit: Mapped[Unit] = relationship()
    tier: Mapped[Tier] = relationship()
    user: Mapped["User | None"] = relationship(back_populates="staff")  # noqa: F821

    def __repr__(self) -> str:
        return f"<Staff {self.staff_no} {self.name}>"


class RankTier(db.Model):
    """The tier map: a 职级 or 职务 as rosters write it, and the 干部层级 it belongs to."""

    __tablename__ = "rank_tier"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the rank or post, spaces and full-width forms folded (see roster.normalise.squash)
    rank: Mapped[str] = mapped_column(String(40), unique=True)
    tier_id: Mapped[int] = mapped_column(ForeignKey("tier.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)

    tier: Mapped[Tier] = relationship()


class RosterUpload(KeptUpload, db.Model):
    """A roster file between its preview and the admin's confirmation, so any app server can
    take the confirmation. Deleted once imported."""

    __tablename__ = "roster_upload"
