"""The figures a campaign is judged by, from standings (campaigns.standings). Pure.

For a group of people: 应参加 (expected, the exempt left out), 参考 (those with a score that
counts, make-ups included), 参考率 = 参考 ÷ 应参加, 合格率 = 合格 ÷ 参考, 优秀率 = 优秀 ÷ 参考, and the
平均分 in 百分制 (so papers worth different totals compare). For each campaign unit: the same
over its self-tests and over the district's tests, per tier; its report's state; its place in
the league table; and the flags the district acts on.
"""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .bands import BANDS, EXCELLENT, FAIL

#: a report's state against the deadline
REPORT_STATES = {"on_time": "按时报送", "late": "逾期报送", "missing": "逾期未报送", "pending": "尚未报送",
                 "returned": "已退回，待重新报送"}


@dataclass(frozen=True)
class Figures:
    expected: int
    exempt: int
    took: int
    passed: int
    excellent: int
    average: float | None  # 百分制
    bands: dict[str, int] = field(default_factory=dict)

    @property
    def participation(self) -> float | None:
        return self.took / self.expected if self.expected else None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.took if self.took else None

    @property
    def excellent_rate(self) -> float | None:
        return self.excellent / self.took if self.took else None

    @property
    def failed(self) -> int:
        return self.took - self.passed


def figures_of(rows: Iterable) -> Figures:
    """The figures of standings (anything with status, took, passed, band, percent)."""
    expected = exempt = took = passed = excellent = 0
    shares: list[float] = []
    bands = dict.fromkeys(BANDS, 0)
    for row in rows:
        if row.status == "exempt":
            exempt += 1
            continue
        expected += 1
        if not row.took:
            continue
        took += 1
        passed += bool(row.passed)
        excellent += row.band == EXCELLENT
        bands[row.band or FAIL] += 1
        shares.append(row.percent)
    average = round(sum(shares) / len(shares), 2) if shares else None
    return Figures(expected, exempt, took, passed, excellent, average, bands)


def per_tier(rows: Iterable) -> dict[str, Figures]:
    """Figures per tier name, in tier order (rank, then name)."""
    grouped: dict[tuple[int, str], list] = defaultdict(list)
    for row in rows:
        grouped[(row.tier_rank, row.tier)].append(row)
    return {name: figures_of(members) for (_, name), members in sorted(grouped.items())}


def latest_per_person(rows: Iterable) -> list:
    """One standing per person: of the tests someone was expected in, the latest (a unit that
    tested again counts its second test)."""
    kept: dict[int, object] = {}
    for row in rows:
        held = kept.get(row.staff_id)
        if held is None or (row.exam_opens_at, row.exam_id) > (held.exam_opens_at, held.exam_id):
            kept[row.staff_id] = row
    return list(kept.values())


def report_state(submitted_at: datetime | None, due: datetime, at: datetime, returned: bool = False) -> str:
    """``submitted_at`` of the standing report; ``returned``: the district returned the last one."""
    if submitted_at is not None:
        return "on_time" if submitted_at <= due else "late"
    if returned:
        return "returned"
    return "missing" if at > due else "pending"


@dataclass
class UnitLine:
    """One campaign unit on the district's page."""

    unit_id: int
    name: str
    tests: list[int]  # its self-tests (first sittings)
    report: str  # REPORT_STATES key
    own: Figures  # its self-tests
    own_tiers: dict[str, Figures]
    spot: Figures  # the district's tests of the campaign, for this unit's people
    spot_tiers: dict[str, Figures]
    gaps: dict[str, float]  # tier → self-test average − district average (百分制), where both exist
    flags: list[str] = field(default_factory=list)
    rank: int | None = None  # place in the league table; None when it held no test

    @property
    def held(self) -> bool:
        return bool(self.tests)


@dataclass(frozen=True)
class Thresholds:
    pass_rate: float = 90  # percent
    gap: float = 15  # 百分制 points
    participation: float = 90  # percent

    @classmethod
    def of(cls, campaign) -> "Thresholds":
        return cls(float(campaign.flag_pass_rate), float(campaign.flag_gap), float(campaign.flag_participation))


def unit_lines(units: list[tuple[int, str]], rows: list, reports: dict[int, datetime], due: datetime,
               at: datetime, thresholds: Thresholds, returned: frozenset[int] = frozenset()) -> list[UnitLine]:
    """The line of each campaign unit (``units``: (id, name) in the campaign's order), ranked.
    ``reports`` maps a unit to the time its standing report was submitted; ``returned`` holds
    the units whose last report the district returned."""
    own: dict[int, list] = defaultdict(list)
    spot: dict[int, list] = defaultdict(list)
    tests: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row.group_id is None:
            continue
        if row.kind == "self":
            own[row.group_id].append(row)
            tests[row.group_id].add(row.exam_id)
        else:
            spot[row.group_id].append(row)
    lines = []
    for unit_id, name in units:
        mine = latest_per_person(own[unit_id])
        checked = latest_per_person(spot[unit_id])
        own_tiers, spot_tiers = per_tier(mine), per_tier(checked)
        gaps = {tier: round(own_tiers[tier].average - figures.average, 2) for tier, figures in spot_tiers.items()
                if tier in own_tiers and own_tiers[tier].average is not None and figures.average is not None}
        line = UnitLine(unit_id, name, sorted(tests[unit_id]), report_state(reports.get(unit_id), due, at, unit_id in returned),
                        figures_of(mine), own_tiers, figures_of(checked), spot_tiers, gaps)
        line.flags = flags(line, thresholds)
        lines.append(line)
    rank(lines)
    return lines


def flags(line: UnitLine, thresholds: Thresholds) -> list[str]:
    found = []
    if not line.held and line.report != "pending":  # before the deadline he may still hold it
        found.append("未组织自测")
    if line.report == "missing":
        found.append("逾期未报送")
    elif line.report == "late":
        found.append("逾期报送")
    elif line.report == "returned":
        found.append("汇总表已退回，待重新报送")
    share = line.own.participation
    if line.held and line.report != "pending" and share is not None and share * 100 < thresholds.participation:
        found.append(f"参考率低于 {thresholds.participation:g}%")  # once over: during the tests it still grows
    rate = line.own.pass_rate
    if rate is not None and rate * 100 < thresholds.pass_rate:
        found.append(f"合格率低于 {thresholds.pass_rate:g}%，应重新组织测试")
    for tier, gap in line.gaps.items():
        if gap > thresholds.gap:
            found.append(f"{tier}自测平均分比抽测高 {gap:g} 分")
    return found


def league_key(line: UnitLine):
    """Ranked by 参考率, then 合格率, then 优秀率, then 平均分, each higher first."""
    own = line.own
    return tuple(-(value if value is not None else -1)
                 for value in (own.participation, own.pass_rate, own.excellent_rate, own.average))


def rank(lines: list[UnitLine]) -> None:
    """Number the units that held a test 1, 2, …; equal figures share a place (1, 1, 3)."""
    ranked = sorted((line for line in lines if line.held), key=league_key)
    previous, place = None, 0
    for n, line in enumerate(ranked, start=1):
        key = league_key(line)
        if key != previous:
            place, previous = n, key
        line.rank = place


def league(lines: list[UnitLine]) -> list[UnitLine]:
    """The units in league order; those that held no test last, in the campaign's order."""
    return sorted(lines, key=lambda line: (line.rank is None, line.rank or 0))
