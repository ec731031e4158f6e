"""Units and the roster: the work behind the pages, on plain objects and the session.

Nothing here commits; the caller commits once, so an import lands whole or not at all.
"""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..audit.services import record
from ..extensions import db
from ..models import Staff, Tier, Unit
from .reader import RosterFileError, read_table
from .records import RosterRecord, parse_records


class RosterError(ValueError):
    """Bad input about units or staff; the message is for the admin."""


# ---- units ---------------------------------------------------------------------------

def all_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.sort_order, Unit.name)))


def tiers() -> list[Tier]:
    return list(db.session.scalars(select(Tier).order_by(Tier.rank, Tier.id)))


def unit_children() -> dict[int | None, list[int]]:
    """Unit ids by their parent's id (None for top-level units), in one query."""
    children: dict[int | None, list[int]] = {}
    for uid, parent in db.session.execute(select(Unit.id, Unit.parent_id)):
        children.setdefault(parent, []).append(uid)
    return children


def subtree_ids(unit_id: int, children: dict[int | None, list[int]] | None = None) -> set[int]:
    """The unit and every unit below it; pass ``children`` when asking for many units."""
    children = unit_children() if children is None else children
    found, stack = set(), [unit_id]
    while stack:
        current = stack.pop()
        found.add(current)
        stack.extend(children.get(current, ()))
    return found


def tree_rows(units: list[Unit] | None = None) -> list[tuple[Unit, int]]:
    """Units in tree order with their depth, for indented lists and selects."""
    units = all_units() if units is None else units
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    rows: list[tuple[Unit, int]] = []

    def walk(parent_id, depth):
        for unit in children.get(parent_id, ()):
            rows.append((unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return rows


def create_unit(name: str, parent: Unit | None) -> Unit:
    name = name.strip()
    if not name:
        raise RosterError("单位名称不能为空。")
    if "/" in name or "／" in name:
        raise RosterError("单位名称中不能有“/”，上下级关系请用“上级单位”选择。")
    exists = select(Unit.id).where(
        Unit.name == name,
        Unit.parent_id == parent.id if parent else Unit.parent_id.is_(None),
    )
    if db.session.scalar(exists):
        where = f"“{parent.path}”下" if parent else "顶层"
        raise RosterError(f"{where}已有名为“{name}”的单位。")
    unit = Unit(name=name, parent=parent)
    db.session.add(unit)
    db.session.flush()
    record("unit.create", f"新建单位 {unit.path}", target=unit)
    return unit


def create_tier(name: str) -> Tier:
    """Add a cadre tier after the existing ones (e.g. 厅局级, 试用期人员)."""
    name = name.strip()
    if not name:
        raise RosterError("层级名称不能为空。")
    if len(name) > 40:
        raise RosterError("层级名称不能超过 40 个字。")
    if db.session.scalar(select(Tier.id).where(Tier.name == name)):
        raise RosterError(f"已有名为“{name}”的层级。")
    rank = (db.session.scalar(select(func.max(Tier.rank))) or 0) + 1
    tier = Tier(name=name, rank=rank)
    db.session.add(tier)
    db.session.flush()
    record("tier.create", f"新增干部层级 {name}", target=tier)
    return tier


def staff_per_tier() -> dict[int, int]:
    return dict(db.session.execute(select(Staff.tier_id, func.count(Staff.id)).group_by(Staff.tier_id)).all())


class UnitResolver:
    """Finds the unit a roster cell names, planning new units for unknown tails of a path.

    A single name must match exactly one existing unit. A path starts at a unit that
    exists (a top-level one, or one whose name is unique) and may end in new units,
    which are only planned here and created by ``create_planned()`` once the whole file
    has passed its checks.
    """

    def __init__(self, units: list[Unit]):
        self.by_name: dict[str, list[Unit]] = {}
        self.children: dict[tuple[int | None, str], Unit] = {}
        for unit in units:
            self.by_name.setdefault(unit.name, []).append(unit)
            self.children[(unit.parent_id, unit.name)] = unit
        #: full path of a planned unit → its parent (an existing unit or a planned path)
        self.planned: dict[tuple[str, ...], Unit | tuple[str, ...]] = {}

    def resolve(self, path: tuple[str, ...]) -> Unit | tuple[str, ...]:
        """An existing unit, or the full path of a planned one."""
        unit: Unit | tuple[str, ...] = self._start(path[0], whole_path=len(path) == 1)
        for name in path[1:]:
            existing = self.children.get((unit.id, name)) if isinstance(unit, Unit) else None
            if existing is not None:
                unit = existing
                continue
            key = (*self._path_of(unit), name)
            self.planned.setdefault(key, unit)
            unit = key
        return unit

    def create_planned(self) -> dict[tuple[str, ...], Unit]:
        """Create the planned units, parents first."""
        created: dict[tuple[str, ...], Unit] = {}
        for key in sorted(self.planned, key=len):
            parent = self.planned[key]
            parent_unit = created[parent] if isinstance(parent, tuple) else parent
            created[key] = Unit(name=key[-1], parent=parent_unit)
            db.session.add(created[key])
        return created

    @staticmethod
    def _path_of(unit: Unit | tuple[str, ...]) -> tuple[str, ...]:
        return unit if isinstance(unit, tuple) else tuple(unit.path.split("/"))

    def _start(self, name: str, whole_path: bool) -> Unit:
        top = self.children.get((None, name))
        if top is not None:
            return top
        matches = self.by_name.get(name, [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            paths = "、".join(unit.path for unit in matches)
            raise RosterError(f"有多个名为“{name}”的单位（{paths}），请写出完整路径")
        hint = "请先在“单位”页面添加" if whole_path else "路径的第一级必须是已有的单位"
        raise RosterError(f"单位“{name}”不存在，{hint}，或写出完整路径（如 区名/镇名/科室名）")


# ---- roster import -------------------------------------------------------------------

@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    new_units: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_roster(filename: str, data: bytes) -> ImportResult:
    """Import a roster file: add new staff, update known ones by 工号, never duplicate.

    Returns every problem at once and writes nothing when there is any.
    """
    try:
        table = read_table(filename, data)
    except RosterFileError as error:
        return ImportResult(errors=[str(error)])
    tier_by_name = {tier.name: tier for tier in tiers()}
    records, errors = parse_records(table, list(tier_by_name))
    resolver = UnitResolver(all_units())
    placed: list[tuple[RosterRecord, Unit]] = []
    for rec in records:
        try:
            placed.append((rec, resolver.resolve(rec.unit_path)))
        except RosterError as error:
            errors.append(f"第 {rec.row} 行：{error}。")
    if errors:
        errors.sort(key=_row_number)
        return ImportResult(errors=errors)

    result = ImportResult(new_units=sorted("/".join(key) for key in resolver.planned))
    created = resolver.create_planned()
    known = _staff_by_number([rec.staff_no for rec, _ in placed])
    for rec, unit in placed:
        unit = created[unit] if isinstance(unit, tuple) else unit
        tier = tier_by_name[rec.tier]
        staff = known.get(rec.staff_no)
        if staff is None:
            db.session.add(Staff(staff_no=rec.staff_no, name=rec.name, unit=unit, tier=tier,
                                 position=rec.position))
            result.added += 1
        elif (staff.name, staff.unit, staff.tier, staff.position) != (rec.name, unit, tier, rec.position):
            staff.name, staff.unit, staff.tier, staff.position = rec.name, unit, tier, rec.position
            result.updated += 1
        else:
            result.unchanged += 1
    db.session.flush()
    record(
        "roster.import",
        f"导入花名册 {filename}：新增 {result.added} 人，更新 {result.updated} 人，"
        f"未变 {result.unchanged} 人，新建单位 {len(result.new_units)} 个",
        detail={"filename": filename, "added": result.added, "updated": result.updated,
                "unchanged": result.unchanged, "new_units": result.new_units},
    )
    return result


def _staff_by_number(numbers: list[str], chunk: int = 1000) -> dict[str, Staff]:
    """Known staff by 工号, fetched in chunks to stay under the databases' parameter limits."""
    found: dict[str, Staff] = {}
    for start in range(0, len(numbers), chunk):
        batch = numbers[start:start + chunk]
        found.update((s.staff_no, s) for s in db.session.scalars(
            select(Staff).where(Staff.staff_no.in_(batch))))
    return found


def _row_number(message: str) -> int:
    digits = message.removeprefix("第 ").split(" ", 1)[0]
    return int(digits) if digits.isdigit() else 0


# ---- roster listing ------------------------------------------------------------------

def roster_query(*, search: str = "", unit_id: int | None = None, tier_id: int | None = None,
                 within: set[int] | None = None):
    """The roster filtered by text (name or 工号), unit (with sub-units) and tier.

    ``within`` confines the list to a set of unit ids (a liaison's own unit tree).
    """
    query = select(Staff).join(Staff.unit).order_by(Staff.staff_no)
    if search:
        pattern = f"%{search}%"
        query = query.where(Staff.name.like(pattern) | Staff.staff_no.like(pattern))
    if unit_id is not None:
        query = query.where(Staff.unit_id.in_(subtree_ids(unit_id)))
    if within is not None:
        query = query.where(Staff.unit_id.in_(within))
    if tier_id is not None:
        query = query.where(Staff.tier_id == tier_id)
    return query


def staff_count() -> int:
    return db.session.scalar(select(func.count(Staff.id))) or 0


def staff_per_unit() -> dict[int, int]:
    """Number of staff directly in each unit."""
    return dict(db.session.execute(select(Staff.unit_id, func.count(Staff.id)).group_by(Staff.unit_id)).all())
