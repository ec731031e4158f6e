"""Draws from the roster: the population a filter selects, the stored draw, its verification.

Nothing here commits. The pure algorithm is in sampler.py.
"""
import gzip
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from ..audit.services import record
from ..clock import now
from ..extensions import db
from ..models import Draw, DrawMember, Staff, Tier, Unit
from ..roster.services import subtree_ids, unit_children
from . import sampler
from .sampler import Person, SampleError


@dataclass
class DrawRequest:
    """What the admin asks for. Exactly one of ``size``, ``per_unit`` and ``proportion`` is set."""

    unit_paths: list[str] = field(default_factory=list)  # empty: every unit
    subunits: bool = True  # the named units' sub-units too
    tiers: list[str] = field(default_factory=list)  # empty: every tier
    position_words: list[str] = field(default_factory=list)  # 职务 containing any of these
    size: int | None = None
    per_unit: int | None = None
    proportion: float | None = None
    stratify: bool = False  # spread ``size`` over the units in proportion to their staff
    at_least_one: bool = False
    exclude_days: int = 0  # leave out staff drawn (and not voided) in the last N days
    exclude_exam: int | None = None  # leave out staff already assigned to this spot test
    seed: str | None = None  # typed, or generated from the OS's CSPRNG

    def to_json(self) -> dict:
        return {key: getattr(self, key) for key in (
            "unit_paths", "subunits", "tiers", "position_words", "size", "per_unit", "proportion", "stratify",
            "at_least_one", "exclude_days", "exclude_exam")}

    @classmethod
    def from_json(cls, data: dict, seed: str) -> "DrawRequest":
        return cls(**{"exclude_exam": None, "subunits": True, **data}, seed=seed)


def _units_by_path() -> dict[str, Unit]:
    return {unit.path: unit for unit in db.session.scalars(select(Unit))}


def population(request: DrawRequest, at=None) -> list[Person]:
    """Staff the filter selects, each with his stratum (the unit named in the filter he falls in,
    or his own unit when no unit is named), sorted by 工号."""
    units = _units_by_path()
    unknown = [path for path in request.unit_paths if path not in units]
    if unknown:
        raise SampleError(f"单位“{unknown[0]}”不存在。")
    known_tiers = {t.name: t.id for t in db.session.scalars(select(Tier))}
    bad_tiers = [t for t in request.tiers if t not in known_tiers]
    if bad_tiers:
        raise SampleError(f"干部层级“{bad_tiers[0]}”不存在。")
    stratum_of_unit: dict[int, str] = {}
    children = unit_children()
    for path in request.unit_paths:
        unit_id = units[path].id
        for member in subtree_ids(unit_id, children) if request.subunits else (unit_id,):
            stratum_of_unit.setdefault(member, path)
    paths = {unit.id: path for path, unit in units.items()}
    table = Staff.__table__
    query = (select(table.c.staff_no, table.c.unit_id, table.c.position, table.c.id)
             .where(table.c.left_at.is_(None)).order_by(table.c.staff_no))  # 离岗 staff are not drawn
    if request.tiers:
        query = query.where(table.c.tier_id.in_([known_tiers[t] for t in request.tiers]))
    excluded = _recently_drawn(request.exclude_days, at) if request.exclude_days else set()
    if request.exclude_exam is not None:
        excluded |= _assigned_to(request.exclude_exam, at)
    rows = _fetch_all(query)
    if request.position_words:
        words = request.position_words
        rows = [row for row in rows if any(w in (row[2] or "") for w in words)]
    if excluded:
        rows = [row for row in rows if row[3] not in excluded]
    stratum = stratum_of_unit if request.unit_paths else paths
    make = Person._make
    # Sorted here, not by the database: its collation may not order 工号 the same way.
    return sorted([make((staff_no, stratum[unit_id])) for staff_no, unit_id, _, _ in rows if unit_id in stratum])


def _fetch_all(query) -> list[tuple]:
    """Plain tuples straight from the driver: a population can be half a million rows, and
    building a result Row for each costs more than the query."""
    connection = db.session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _recently_drawn(days: int, at) -> set[int]:
    since = (at or now()) - timedelta(days=days)
    rows = db.session.execute(select(DrawMember.staff_id).join(Draw).where(
        Draw.voided_at.is_(None), Draw.created_at >= since, Draw.created_at < (at or now())))
    return {staff_id for (staff_id,) in rows}


def _assigned_to(exam_id: int, at) -> set[int]:
    rows = db.session.execute(select(DrawMember.staff_id).join(Draw).where(
        Draw.exam_id == exam_id, Draw.voided_at.is_(None), Draw.created_at < (at or now())))
    return {staff_id for (staff_id,) in rows}


def shares_for(request: DrawRequest, people: list[Person]) -> int | dict[str, int]:
    if not people:
        raise SampleError("按这些条件没有选出任何人员，请放宽条件。")
    chosen = [x for x in (request.size, request.per_unit, request.proportion) if x is not None]
    if len(chosen) != 1:
        raise SampleError("请在“总人数”“每个单位人数”“比例”中选择一种抽取方式。")
    sizes = sampler.strata_sizes(people)
    if request.proportion is not None:
        return sampler.proportional(people, request.proportion, request.at_least_one)
    if request.per_unit is not None:
        if request.per_unit <= 0:
            raise SampleError("每个单位的人数必须大于 0。")
        return {stratum: request.per_unit for stratum in sizes}
    if request.size <= 0:
        raise SampleError("抽取人数必须大于 0。")
    if request.stratify or request.at_least_one:
        return sampler.allot(sizes, request.size, request.at_least_one)
    if request.size > len(people):
        raise SampleError(f"要抽取 {request.size} 人，但符合条件的只有 {len(people)} 人。")
    return request.size


def run(request: DrawRequest, at=None) -> tuple[list[Person], list[str], str]:
    """The population, the drawn 工号 and the seed; nothing stored."""
    seed = request.seed or secrets.token_hex(16)
    people = population(request, at)
    chosen = sampler.draw(people, seed, shares_for(request, people))
    return people, chosen, seed


def make_draw(request: DrawRequest, actor=None) -> Draw:
    """Draw and store: seed, algorithm version, filter, population and its hash, the list."""
    people, chosen, seed = run(request)
    text = sampler.population_text(people)
    result = Draw(seed=seed, algorithm_version=sampler.ALGORITHM_VERSION, parameters=request.to_json(),
                  population_hash=sampler.population_hash(people, text), population_size=len(people),
                  population=gzip.compress(text.encode("utf-8"), compresslevel=1, mtime=0),
                  created_by_id=actor.id if actor is not None else None)
    db.session.add(result)
    db.session.flush()
    ids = dict(db.session.execute(select(Staff.staff_no, Staff.id).where(Staff.staff_no.in_(chosen))).all())
    db.session.execute(DrawMember.__table__.insert(), [
        {"draw_id": result.id, "position": n, "staff_id": ids[no]} for n, no in enumerate(chosen, 1)])
    record("draw.create", f"随机抽取 {len(chosen)} 人（总体 {len(people)} 人，种子 {seed}）", target=result,
           detail={"parameters": request.to_json(), "seed": seed, "population_hash": result.population_hash,
                   "chosen": chosen}, user=actor)
    return result


@dataclass
class Verification:
    stored_population_intact: bool
    rerun_matches: bool
    roster_unchanged: bool
    chosen: list[str]
    rerun: list[str]

    @property
    def ok(self) -> bool:
        return self.stored_population_intact and self.rerun_matches


def verify(draw: Draw) -> Verification:
    """Re-run a stored draw on its stored population, and compare with today's roster."""
    if draw.algorithm_version != sampler.ALGORITHM_VERSION:
        raise SampleError(f"抽取算法版本 {draw.algorithm_version} 不受支持。")
    lines = gzip.decompress(draw.population).decode("utf-8").split("\n") if draw.population_size else []
    stored = [Person(*line.split("\t", 1)) for line in lines if line]
    request = DrawRequest.from_json(draw.parameters, draw.seed)
    chosen = [member.staff.staff_no for member in draw.members]
    rerun = sampler.draw(stored, draw.seed, shares_for(request, stored)) if stored else []
    try:
        today = sampler.population_hash(population(request, at=draw.created_at))
    except SampleError:
        today = None
    return Verification(sampler.population_hash(stored) == draw.population_hash, rerun == chosen,
                        today == draw.population_hash, chosen, rerun)


def void(draw: Draw, reason: str, actor=None) -> None:
    """A draw is never deleted; voiding keeps it, with the reason, in the history."""
    reason = (reason or "").strip()
    if not reason:
        raise SampleError("作废必须写明原因。")
    if draw.voided_at is not None:
        raise SampleError("这次抽取已经作废。")
    draw.voided_at, draw.void_reason = now(), reason
    record("draw.void", f"作废第 {draw.id} 次抽取：{reason}", target=draw, user=actor)
