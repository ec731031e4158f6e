"""A campaign's standings and figures against figures worked out by hand.

Every paper is the small bank's whole: 2 single × 2, 1 multiple × 3, 2 judge × 1, 1 fill × 2 =
11 points, pass mark 6. All right 11 (100 → 优秀); single, multiple and judge right 9 (81.82 →
良好); single and multiple right 7 (63.64 → 合格); single right 4 (36.36 → 不合格).
"""
from datetime import timedelta

import pytest

from examsite.campaigns.bands import Bands
from examsite.campaigns.counting import Sitting, counted
from examsite.campaigns.figures import Thresholds, league, report_state, unit_lines
from examsite.campaigns.standings import standings
from examsite.clock import freeze, now
from examsite.extensions import db
from examsite.models import Exam, ExamMember, ExamUnit, Exemption
from tests import factories as f

ALL = f.ALL_TYPES
NINE = ("single", "multiple", "judge")
SEVEN = ("single", "multiple")
FOUR = ("single",)


def test_bands_grade_by_share_of_full_marks_and_a_fail_is_a_fail():
    bands = Bands(90, 80, 60)
    assert bands.band(11, 11, True) == "优秀" and bands.band(9, 11, True) == "良好"
    assert bands.band(7, 11, True) == "合格" and bands.band(4, 11, False) == "不合格"
    assert bands.band(99, 100, False) == "不合格"  # the plan's pass mark decides passing
    assert bands.band(None, 11, None) is None


@pytest.mark.parametrize("rule, first, makeup, expected", [
    ("replace_capped", Sitting(4, False, 6), Sitting(11, True, 6), (6, True)),
    ("replace_capped", Sitting(4, False, 6), Sitting(5, False, 6), (5, False)),
    ("replace_capped", None, Sitting(9, True, 6), (6, True)),
    ("best", Sitting(4, False, 6), Sitting(11, True, 6), (11, True)),
    ("best", Sitting(5, False, 6), Sitting(3, False, 6), (5, False)),
    ("best", Sitting(8, True, 6), Sitting(11, True, 6), (8, True)),  # passed first: the make-up does not count
    ("best", Sitting(4, False, 6), None, (4, False)),
])
def test_the_counting_rule(rule, first, makeup, expected):
    result = counted(first, makeup, rule)
    assert (result.score, result.passed) == expected


def _makeup(of: Exam, people) -> Exam:
    found = f.exam(f"{of.title}补测", tiers=("一般干部", "乡科级"), mode="named")
    found.campaign_id, found.organiser_unit_id, found.makeup_of_id = of.campaign_id, of.organiser_unit_id, of.id
    for person in people:
        db.session.add(ExamMember(exam_id=found.id, staff_id=person.id))
    db.session.flush()
    return found


def test_a_campaign_rolls_up_as_worked_out_by_hand(db):
    start = now().replace(microsecond=0)
    freeze(start)
    f.bank(singles=2, multiples=1, judges=2, fills=1)
    campaign = f.campaign(due=start + timedelta(days=2))
    town = f.unit_test(campaign, "城南区/城关镇", tiers=("一般干部", "乡科级"))
    east = f.unit_test(campaign, "城南区/东岗镇")
    spot = f.exam("区纪委抽测", tiers=("一般干部",))
    spot.campaign_id = campaign.id
    db.session.add(ExamUnit(exam_id=spot.id, unit_id=f.unit("城南区/城关镇").id))
    people = {no: f.staff(no, no, path, tier) for no, path, tier in (
        ("A1", "城南区/城关镇/党政办", "一般干部"), ("A2", "城南区/城关镇", "一般干部"),
        ("A3", "城南区/城关镇/党政办", "乡科级"), ("A4", "城南区/城关镇", "一般干部"),
        ("A5", "城南区/城关镇", "一般干部"), ("B1", "城南区/东岗镇/党政办", "一般干部"),
        ("B2", "城南区/东岗镇", "一般干部"), ("C1", "城南区/西山镇", "一般干部"))}
    db.session.commit()
    f.sit(town, people["A1"], right=ALL)
    f.sit(town, people["A2"], right=FOUR)
    f.sit(town, people["A3"], right=SEVEN)
    f.sit(east, people["B1"], right=NINE)
    f.sit(east, people["B2"], right=ALL)
    f.sit(spot, people["A1"], right=FOUR)
    db.session.add(Exemption(exam_id=town.id, staff_id=people["A5"].id, kind="病假", reason="住院"))
    makeup = _makeup(town, [people["A2"], people["A4"]])
    db.session.commit()
    f.sit(makeup, people["A2"], right=ALL)
    f.sit(makeup, people["A4"], right=NINE)

    rows = {(r.exam_id, r.staff_no): r for r in standings(campaign)}
    assert set(rows) == {(town.id, n) for n in ("A1", "A2", "A3", "A4", "A5")} | {
        (east.id, "B1"), (east.id, "B2"), (spot.id, "A1"), (spot.id, "A2"), (spot.id, "A4"), (spot.id, "A5")}
    a2 = rows[(town.id, "A2")]
    assert (a2.first.score, a2.makeup.score, a2.score, a2.passed, a2.band) == (4, 11, 6, True, "合格")
    a4 = rows[(town.id, "A4")]
    assert (a4.status, a4.first, a4.score, a4.band) == ("absent", None, 6, "合格")
    assert rows[(town.id, "A5")].status == "exempt" and rows[(town.id, "A5")].score is None
    assert rows[(town.id, "A1")].band == "优秀" and rows[(east.id, "B1")].band == "良好"
    assert rows[(spot.id, "A1")].kind == "district" and rows[(spot.id, "A1")].score == 4

    freeze(start + timedelta(days=3))  # past the deadline: 城关镇 never reported
    units = [(link.unit_id, link.unit.name) for link in campaign.units]
    lines = {line.name: line for line in unit_lines(
        units, list(rows.values()), {f.unit("城南区/东岗镇").id: start + timedelta(days=1)}, campaign.report_due,
        now(), Thresholds.of(campaign))}
    town_line, east_line, west_line = lines["城关镇"], lines["东岗镇"], lines["西山镇"]
    own = town_line.own
    assert (own.expected, own.exempt, own.took, own.passed, own.excellent) == (4, 1, 4, 4, 1)
    assert own.average == pytest.approx((100 + 54.55 + 63.64 + 54.55) / 4, abs=0.01)
    assert own.bands == {"优秀": 1, "良好": 0, "合格": 3, "不合格": 0}
    assert town_line.own_tiers["乡科级"].took == 1 and town_line.own_tiers["一般干部"].expected == 3
    # 一般干部 of 城关镇: self-test 100, 54.55, 54.55 → 69.70; the spot test: A1 36.36, others absent
    assert town_line.spot.expected == 4 and town_line.spot.took == 1  # A5 is exempt from the self-test only
    assert town_line.gaps == {"一般干部": pytest.approx(69.70 - 36.36, abs=0.01)}
    assert any("自测平均分比抽测高" in flag for flag in town_line.flags) and "逾期未报送" in town_line.flags
    assert (east_line.own.took, east_line.own.average, east_line.report) == (2, pytest.approx(90.91), "on_time")
    assert west_line.flags == ["未组织自测", "逾期未报送"] and west_line.rank is None
    # both at 参考率 and 合格率 100%; 东岗镇 has 50% 优秀 against 25%
    assert [line.name for line in league(list(lines.values()))] == ["东岗镇", "城关镇", "西山镇"]
    assert (east_line.rank, town_line.rank) == (1, 2)
    freeze(None)


def test_report_states():
    due = now()
    assert report_state(due, due, due) == "on_time"
    assert report_state(due + timedelta(seconds=1), due, due) == "late"
    assert report_state(None, due, due + timedelta(days=1)) == "missing"
    assert report_state(None, due, due - timedelta(days=1)) == "pending"


def test_a_unit_most_of_whose_people_skipped_its_test_is_flagged_once_it_is_over():
    from examsite.campaigns.figures import Figures, UnitLine, flags

    few = Figures(expected=10, exempt=0, took=6, passed=6, excellent=2, average=85.0)
    line = UnitLine(1, "东岗镇", [7], "pending", few, {}, few, {}, {})
    assert flags(line, Thresholds()) == []  # still testing, or still to report: 参考率 may grow
    line.report = "on_time"
    assert flags(line, Thresholds()) == ["参考率低于 90%"]
    assert flags(line, Thresholds(participation=60)) == []
