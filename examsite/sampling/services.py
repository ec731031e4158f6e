"""Draws from the roster: the population a filter selects, the stored draw, its verification.

Nothing here commits. The pure algorithm is in sampler.py.
"""
import gzip
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from ..audit.services import record
from ..clock import now
from ..extensions import db
from ..models import Draw, DrawMember, Staff, Tier, Unit
from ..roster.services import subtree_ids, tree_rows, unit_children
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
    return _store(request, people, chosen, seed, actor)


def _store(request: DrawRequest, people: list[Person], chosen: list[str], seed: str, actor) -> Draw:
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


# ---- a trial before saving ----------------------------------------------------------------------

@dataclass
class TrialMember:
    position: int
    staff_no: str
    name: str
    unit: str
    tier: str


@dataclass
class Trial:
    """A draw as it would be saved, shown before saving. ``key`` ties a confirmation to the
    conditions and seed the admin saw; ``population_hash`` to the population."""

    request: DrawRequest
    seed: str
    key: str
    population_size: int
    population_hash: str
    shares: list[tuple[str, int, int]]  # stratum, people in it, drawn from it
    members: list[TrialMember]


class TrialOutdated(SampleError):
    """The confirmation does not match the trial the admin saw; ``trial`` is the new one."""

    def __init__(self, message: str, trial: Trial):
        super().__init__(message)
        self.trial = trial


def trial_key(request: DrawRequest, seed: str) -> str:
    """A digest of the conditions and the seed, carried from a trial to its confirmation."""
    text = json.dumps({"parameters": request.to_json(), "seed": seed}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _trial_of(request: DrawRequest, people: list[Person], chosen: list[str], seed: str) -> Trial:
    rows = db.session.scalars(select(Staff).where(Staff.staff_no.in_(chosen))).all() if chosen else []
    by_no = {person.staff_no: person for person in rows}
    members = [TrialMember(n, no, by_no[no].name, by_no[no].unit.path, by_no[no].tier.name if by_no[no].tier else "")
               for n, no in enumerate(chosen, 1)]
    stratum_of = {person.staff_no: person.stratum for person in people}
    drawn: dict[str, int] = {}
    for no in chosen:
        drawn[stratum_of[no]] = drawn.get(stratum_of[no], 0) + 1
    sizes = sampler.strata_sizes(people)
    place = {unit.path: n for n, (unit, _) in enumerate(tree_rows())}
    shares = [(stratum, sizes[stratum], drawn.get(stratum, 0))
              for stratum in sorted(sizes, key=lambda stratum: (place.get(stratum, len(place)), stratum))]
    return Trial(DrawRequest(**{**request.__dict__, "seed": seed}), seed, trial_key(request, seed), len(people),
                 sampler.population_hash(people), shares, members)


def trial(request: DrawRequest, actor=None) -> Trial:
    """The draw these conditions give, with nothing stored but a "draw.trial" line in the audit log
    (so that trying seed after seed until a list pleases is visible there)."""
    people, chosen, seed = run(request)
    return _noted(_trial_of(request, people, chosen, seed), actor)


def _noted(shown: Trial, actor) -> Trial:
    chosen = [member.staff_no for member in shown.members]
    record("draw.trial", f"试抽 {len(chosen)} 人（总体 {shown.population_size} 人，种子 {shown.seed}），未保存",
           detail={"parameters": shown.request.to_json(), "seed": shown.seed,
                   "population_hash": shown.population_hash, "chosen": chosen}, user=actor)
    return shown


def confirm_trial(request: DrawRequest, key: str, population_hash: str, actor=None) -> Draw:
    """Save the draw a trial showed: the same conditions, the same seed, and the population
    unchanged since (compared by its hash), hence the same list. Raises TrialOutdated, holding
    the new trial, when the conditions or the population differ from what the trial showed."""
    if not request.seed or not key:
        raise SampleError("没有找到试抽结果，请先点“试抽（不保存）”。")
    if trial_key(request, request.seed) != key:
        raise TrialOutdated("试抽之后修改了条件或种子，没有保存。下面是按现在的条件重新试抽的结果，"
                            "请核对后再点“确认保存”。", trial(request, actor))
    people, chosen, seed = run(request)
    if sampler.population_hash(people) != population_hash:
        raise TrialOutdated(f"试抽之后花名册有变化，按同样条件选出的人员已经不同（现在共 {len(people)} 人），没有保存。"
                            "下面是按现在的花名册重新试抽的结果，请核对后再点“确认保存”。",
                            _noted(_trial_of(request, people, chosen, seed), actor))
    return _store(request, people, chosen, seed, actor)


def outermost(paths: list[str]) -> list[str]:
    """The unit paths without those under another one in the list (which its sub-units cover),
    in their order."""
    chosen = set(paths)
    result = []
    for path in paths:
        parts = path.split("/")
        if not any("/".join(parts[:n]) in chosen for n in range(1, len(parts))) and path not in result:
            result.append(path)
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


# ---- conditions in words ----------------------------------------------------------------------

def _percent(proportion: float) -> str:
    text = f"{proportion * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _quoted(words: list[str]) -> str:
    return "或".join(f"“{w}”" for w in words)


def describe_request(parameters: dict, exam_title: str | None = None) -> str:
    """A draw's conditions as one Chinese sentence, e.g. 城南区/城关镇（含下级单位）中乡科级、职务含“书记”的人员，
    排除最近 30 天内被抽中的人；按各单位人数比例分层抽取 10 人，每个单位至少 1 人.

    ``parameters`` is DrawRequest.to_json() (what a Draw stores); ``exam_title`` names the test
    of ``exclude_exam`` when the caller knows it. Pure."""
    p = {"unit_paths": [], "subunits": True, "tiers": [], "position_words": [], "size": None, "per_unit": None,
         "proportion": None, "stratify": False, "at_least_one": False, "exclude_days": 0, "exclude_exam": None,
         **(parameters or {})}
    paths = list(p["unit_paths"] or [])
    if paths:
        scope = "、".join(paths) + ("（含下级单位）" if p["subunits"] else "（不含下级单位）")
    else:
        scope = "全部单位"
    qualities = []
    if p["tiers"]:
        qualities.append("或".join(p["tiers"]))
    if p["position_words"]:
        qualities.append(f"职务含{_quoted(p['position_words'])}")
    sentence = f"{scope}中{'、'.join(qualities)}的人员" if qualities else f"{scope}的全部在岗人员"
    exclusions = []
    if p["exclude_days"]:
        exclusions.append(f"排除最近 {p['exclude_days']} 天内被抽中的人")
    if p["exclude_exam"] is not None:
        exam = f"抽测“{exam_title}”" if exam_title else f"第 {p['exclude_exam']} 号测试"
        exclusions.append(f"排除已分配到{exam}的人")
    if exclusions:
        sentence += "，" + "，".join(exclusions)
    strata = "各单位" if paths else "各人所在单位"
    if p["proportion"] is not None:
        method = (f"每个单位按 {_percent(float(p['proportion']))} 的比例抽取"
                  f"（总数四舍五入后按{strata}人数比例分配）")
    elif p["per_unit"] is not None:
        method = f"每个单位抽取 {p['per_unit']} 人"
    elif p["size"] is not None:
        if p["stratify"] or p["at_least_one"]:
            method = f"按{strata}人数比例分层抽取 {p['size']} 人"
        else:
            method = f"随机抽取 {p['size']} 人"
    else:
        method = "抽取方式未记录"
    if p["at_least_one"] and p["per_unit"] is None:
        method += "，每个单位至少 1 人"
    return f"{sentence}；{method}"
