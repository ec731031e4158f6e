"""Units and the roster: the work behind the pages, on plain objects and the session.

Nothing here commits; the caller commits once, so an import lands whole or not at all.
"""
import io
from dataclasses import dataclass, field

import xlsxwriter

from sqlalchemy import func, select

from ..accounts.provisioning import ensure_accounts
from ..audit.services import record
from ..clock import now
from ..extensions import db
from ..models import RankTier, Staff, Tier, Unit
from .normalise import spaced_path, squash
from .reader import RosterFileError, read_sheets
from .records import Hidden, Problem, RosterRecord, parse_sheets


EXPORT_HEADER = ["工号", "姓名", "单位", "干部层级", "职级", "职务", "身份证号"]


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


def unit_paths(units: dict[int, tuple[str, int | None]] | None = None) -> dict[int, str]:
    """Every unit's full path (城南区/城关镇/党政办) by id; ``units`` maps id → (name, parent id)
    when the caller has read them already."""
    if units is None:
        units = {uid: (name, parent) for uid, name, parent in db.session.execute(select(Unit.id, Unit.name, Unit.parent_id))}
    paths: dict[int, str] = {}
    for uid in units:
        chain, current = [], uid
        while current is not None and current not in paths:
            chain.append(current)
            current = units[current][1]
        prefix = paths[current] + "/" if current is not None else ""
        for link in reversed(chain):
            prefix += units[link][0]
            paths[link] = prefix
            prefix += "/"
    return paths


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

    Names are compared with spaces and full-width forms folded, so 城关镇 党政办 and
    城关镇党政办 are one unit. A cell that is the name of exactly one unit is that unit;
    otherwise it is read as a path, which starts at a unit that exists (a top-level one, or
    one whose name is unique) and may end in new units. These are only planned here and
    created by ``create_planned()`` once the admin has confirmed them.
    """

    def __init__(self, units: list[Unit]):
        self.by_name: dict[str, list[Unit]] = {}
        self.children: dict[tuple[int | None, str], Unit] = {}
        for unit in units:
            self.by_name.setdefault(squash(unit.name), []).append(unit)
            self.children[(unit.parent_id, squash(unit.name))] = unit
        #: full path of a planned unit → its parent (an existing unit or a planned path)
        self.planned: dict[tuple[str, ...], Unit | tuple[str, ...]] = {}

    def resolve(self, path: tuple[str, ...], text: str = "") -> Unit | tuple[str, ...]:
        """An existing unit, or the full path of a planned one."""
        whole = self.by_name.get(squash(text), []) if text else []
        if len(whole) == 1:
            return whole[0]
        unit: Unit | tuple[str, ...]
        unit, rest = self._start(path)
        while rest:
            if isinstance(unit, Unit):
                size = next((n for n in range(len(rest), 0, -1)
                             if (unit.id, squash("".join(rest[:n]))) in self.children), 0)
                if size:
                    unit, rest = self.children[(unit.id, squash("".join(rest[:size])))], rest[size:]
                    continue
            # a new unit; words parted by spaces alone are one new name, not new levels
            take = len(rest) if spaced_path(text) else 1
            key = (*self._path_of(unit), squash("".join(rest[:take])))
            self.planned.setdefault(key, unit)
            unit, rest = key, rest[take:]
        return unit

    def create_planned(self) -> dict[tuple[str, ...], Unit]:
        """Create the planned units, parents first."""
        created: dict[tuple[str, ...], Unit] = {}
        for key in sorted(self.planned, key=len):
            parent = self.planned[key]
            parent_unit = created[parent] if isinstance(parent, tuple) else parent
            created[key] = Unit(name=key[-1], parent=parent_unit)
            db.session.add(created[key])
        db.session.flush()
        return created

    @staticmethod
    def _path_of(unit: Unit | tuple[str, ...]) -> tuple[str, ...]:
        return unit if isinstance(unit, tuple) else tuple(unit.path.split("/"))

    def _start(self, path: tuple[str, ...]) -> tuple[Unit, tuple[str, ...]]:
        """The existing unit the path starts at (its first words joined, longest first), and
        the rest of the path."""
        for size in range(len(path), 0, -1):
            key = squash("".join(path[:size]))
            top = self.children.get((None, key))
            if top is not None:
                return top, path[size:]
            matches = self.by_name.get(key, [])
            if len(matches) == 1:
                return matches[0], path[size:]
            if matches:
                paths = "、".join(unit.path for unit in matches)
                raise RosterError(f"有多个名为“{path[0]}”的单位（{paths}），请写出完整路径")
        hint = "请先在“单位”页面添加" if len(path) == 1 else "路径的第一级必须是已有的单位"
        raise RosterError(f"单位“{path[0]}”不存在，{hint}，或写出完整路径（如 区名/镇名/科室名）")


# ---- roster import -------------------------------------------------------------------

@dataclass
class Change:
    record: RosterRecord
    staff: Staff
    unit: Unit | tuple[str, ...]
    #: what changes, in words (姓名：张三 → 张叁)
    changes: list[str]


@dataclass
class RosterPlan:
    """What importing a file would do; nothing is written until ``apply_import()``."""

    filename: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)
    added: list[tuple[RosterRecord, Unit | tuple[str, ...]]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    #: staff of the units the file lists who are not in it (and not marked as left already)
    leaving: list[Staff] = field(default_factory=list)
    resolver: UnitResolver | None = None
    #: every person read from the file with his unit, in file order (those whose unit was found,
    #: also when other rows have errors)
    people: list[tuple[RosterRecord, Unit | tuple[str, ...]]] = field(default_factory=list)
    #: the errors with where they are: Problem.sheet indexes ``sheet_names`` (row 0: the whole file)
    problems: list[Problem] = field(default_factory=list)
    sheet_names: list[str] = field(default_factory=list)
    #: rows skipped because Excel hides them (a filter)
    hidden: list[Hidden] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @staticmethod
    def unit_label(unit: Unit | tuple[str, ...]) -> str:
        return "/".join(unit) + "（新建）" if isinstance(unit, tuple) else unit.path


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    new_units: list[str] = field(default_factory=list)
    marked_leaving: int = 0
    #: login accounts made for people who had none (see accounts.provisioning)
    accounts_created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def plan_import(filename: str, data: bytes, sheets=None) -> RosterPlan:
    """Read and check a roster file, and work out what importing it would change. ``sheets``:
    the file as read_sheets() read it already (before the caller took the write lock)."""
    plan = RosterPlan(filename)
    try:
        sheets = read_sheets(filename, data) if sheets is None else sheets
    except RosterFileError as error:
        plan.errors = [str(error)]
        plan.problems = [Problem(0, 0, str(error))]
        return plan
    plan.sheet_names = [sheet.name for sheet in sheets]
    tier_by_name = {tier.name: tier for tier in tiers()}
    parsed = parse_sheets(sheets, list(tier_by_name), rank_map())
    plan.warnings, plan.notes, plan.hidden = parsed.warnings, parsed.notes, parsed.hidden
    problems = list(parsed.problems)
    resolver = UnitResolver(all_units())
    placed: list[tuple[RosterRecord, Unit | tuple[str, ...]]] = []
    for rec in parsed.records:
        try:
            placed.append((rec, resolver.resolve(rec.unit_path, rec.unit_text)))
        except RosterError as error:
            problems.append(Problem(_sheet_index(sheets, rec.sheet), rec.row, f"{rec.place}：{error}。"))
    plan.people = placed
    if problems:
        plan.problems = sorted(problems, key=lambda p: (p.sheet, p.row))
        plan.errors = [p.message for p in plan.problems]
        return plan
    plan.resolver = resolver
    plan.new_units = sorted("/".join(key) for key in resolver.planned)
    known = _staff_by_number([rec.staff_no for rec, _ in placed])
    for rec, unit in placed:
        staff = known.get(rec.staff_no)
        if staff is None:
            plan.added.append((rec, unit))
            continue
        changes = _changes(staff, rec, unit, tier_by_name[rec.tier])
        if changes:
            plan.changed.append(Change(rec, staff, unit, changes))
        else:
            plan.unchanged += 1
    listed = {unit.id for _, unit in placed if isinstance(unit, Unit)}
    children = unit_children()
    scope = set().union(*(subtree_ids(uid, children) for uid in listed)) if listed else set()
    in_file = {rec.staff_no for rec, _ in placed}
    plan.leaving = [s for s in db.session.scalars(select(Staff).where(Staff.unit_id.in_(scope), Staff.left_at.is_(None))
                                                  .order_by(Staff.staff_no)) if s.staff_no not in in_file] if scope else []
    return plan


def _sheet_index(sheets, name: str) -> int:
    return next((n for n, sheet in enumerate(sheets) if sheet.name == name), 0)


def _changes(staff: Staff, rec: RosterRecord, unit, tier: Tier) -> list[str]:
    changes = []
    for label, before, after in (("姓名", staff.name, rec.name), ("单位", staff.unit.path, RosterPlan.unit_label(unit)),
                                 ("干部层级", staff.tier.name, tier.name), ("职级", staff.rank, rec.rank),
                                 ("职务", staff.position, rec.position)):
        if before != after:
            changes.append(f"{label}：{before or '（空）'} → {after or '（空）'}")
    if rec.id_number is not None and rec.id_number != staff.id_number:
        changes.append("身份证号：" + ("补录" if staff.id_number is None else "变更"))
    if staff.left_at is not None:
        changes.append("重新在岗（原标为离岗）")
    return changes


def apply_import(plan: RosterPlan, confirm_units: bool = False, mark_leaving: bool = False) -> ImportResult:
    """Carry out a checked plan. New units are created only when the admin confirmed them."""
    if not plan.ok:
        return ImportResult(errors=plan.errors)
    if plan.new_units and not confirm_units:
        return ImportResult(errors=[f"文件中有 {len(plan.new_units)} 个新单位（{'、'.join(plan.new_units)}），"
                                    f"请勾选确认新建后再导入。"])
    tier_by_name = {tier.name: tier for tier in tiers()}
    created = plan.resolver.create_planned()

    def unit_of(unit):
        return created[unit] if isinstance(unit, tuple) else unit

    added = [Staff(staff_no=rec.staff_no, name=rec.name, unit=unit_of(unit), tier=tier_by_name[rec.tier],
                   position=rec.position, rank=rec.rank, id_number=rec.id_number) for rec, unit in plan.added]
    db.session.add_all(added)
    for change in plan.changed:
        staff, rec = change.staff, change.record
        staff.name, staff.unit, staff.tier = rec.name, unit_of(change.unit), tier_by_name[rec.tier]
        staff.position, staff.rank, staff.left_at = rec.position, rec.rank, None
        if rec.id_number is not None:
            staff.id_number = rec.id_number
    moment = now()
    if mark_leaving:
        for staff in plan.leaving:
            staff.left_at = moment
    db.session.flush()
    accounts = ensure_accounts(added + [change.staff for change in plan.changed])
    result = ImportResult(added=len(plan.added), updated=len(plan.changed), unchanged=plan.unchanged,
                          new_units=plan.new_units, marked_leaving=len(plan.leaving) if mark_leaving else 0,
                          accounts_created=accounts)
    record(
        "roster.import",
        f"导入花名册 {plan.filename}：新增 {result.added} 人，更新 {result.updated} 人，未变 {result.unchanged} 人，"
        f"新建单位 {len(result.new_units)} 个，标为离岗 {result.marked_leaving} 人",
        detail={"filename": plan.filename, "added": result.added, "updated": result.updated,
                "unchanged": result.unchanged, "new_units": result.new_units,
                "marked_leaving": result.marked_leaving, "accounts_created": accounts},
    )
    return result


def import_roster(filename: str, data: bytes, confirm_units: bool = True, mark_leaving: bool = False) -> ImportResult:
    """Check and import a roster file in one step: every problem at once, nothing written on any."""
    return apply_import(plan_import(filename, data), confirm_units, mark_leaving)


def _staff_by_number(numbers: list[str], chunk: int = 1000) -> dict[str, Staff]:
    """Known staff by 工号, fetched in chunks to stay under the databases' parameter limits."""
    found: dict[str, Staff] = {}
    for start in range(0, len(numbers), chunk):
        batch = numbers[start:start + chunk]
        found.update((s.staff_no, s) for s in db.session.scalars(
            select(Staff).where(Staff.staff_no.in_(batch))))
    return found


def roster_workbook(within: set[int] | None = None) -> bytes:
    """The roster (staff not marked as left) as .xlsx in the layout the import reads."""
    paths = unit_paths()
    query = (select(Staff.staff_no, Staff.name, Staff.unit_id, Tier.name, Staff.rank, Staff.position, Staff.id_number)
             .join(Staff.tier).where(Staff.left_at.is_(None)).order_by(Staff.staff_no))
    if within is not None:
        query = query.where(Staff.unit_id.in_(within))
    stream = io.BytesIO()
    book = xlsxwriter.Workbook(stream, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("花名册")
    header = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    for column, width in enumerate((12, 10, 36, 10, 14, 16, 20)):
        sheet.set_column(column, column, width)
    sheet.write_row(0, 0, EXPORT_HEADER, header)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, (staff_no, name, unit_id, tier, rank, position, id_number) in enumerate(
            db.session.execute(query), start=1):
        # every cell as text: a 工号 such as 000123 keeps its zeros when opened in Excel
        for column, value in enumerate((staff_no, name, paths[unit_id], tier, rank, position, id_number)):
            if value:
                sheet.write_string(count, column, value)
    sheet.autofilter(0, 0, max(count, 1), len(EXPORT_HEADER) - 1)
    book.close()
    return stream.getvalue()


# ---- the tier map ----------------------------------------------------------------------

def rank_map() -> dict[str, str]:
    """Folded 职级 or 职务 → tier name."""
    return {rank: name for rank, name in db.session.execute(select(RankTier.rank, Tier.name).join(RankTier.tier))}


def rank_entries() -> list[RankTier]:
    return list(db.session.scalars(select(RankTier).join(RankTier.tier).order_by(Tier.rank, RankTier.rank)))


def add_rank(text: str, tier: Tier) -> RankTier:
    rank = squash(text)
    if not rank:
        raise RosterError("请填写职级或职务。")
    if len(rank) > 40:
        raise RosterError("职级或职务不能超过 40 个字。")
    existing = db.session.scalar(select(RankTier).where(RankTier.rank == rank))
    if existing is not None:
        raise RosterError(f"“{rank}”已对应到“{existing.tier.name}”；如要改，先删除原来的对应。")
    entry = RankTier(rank=rank, tier=tier)
    db.session.add(entry)
    db.session.flush()
    record("rank.add", f"层级对照：{rank} → {tier.name}", target=entry)
    return entry


def remove_rank(entry: RankTier) -> None:
    record("rank.remove", f"删除层级对照：{entry.rank} → {entry.tier.name}", target=entry)
    db.session.delete(entry)


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
