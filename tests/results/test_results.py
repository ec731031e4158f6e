"""Results read from the database, against the small test of factories.small_test(), worked
out by hand."""
import json
from datetime import datetime

import pytest

from examsite import clock
from examsite.models import Answer, Attempt, Question
from examsite.results import services
from examsite.results.statistics import Response, item_analysis, tally

from .. import factories

START = datetime(2026, 6, 10, 1, 0)
ALL = factories.ALL_TYPES



def test_rows_cover_everyone_assigned(sat):
    exam, _ = sat
    result = services.results(exam)
    # in tree order: units sorted by name within their parent, a unit's own staff before its sub-units'
    assert [(r.staff_no, r.status, r.score, r.passed) for r in result.rows] == [
        ("B1", "in_progress", None, None), ("B2", "absent", None, None), ("A2", "submitted", 4, False),
        ("A1", "submitted", 11, True), ("A3", "submitted", 7, True), ("C1", "absent", None, None)]
    assert result.full_marks == 11
    a1 = next(r for r in result.rows if r.staff_no == "A1")
    assert a1.per_type == {"single": 4, "multiple": 3, "judge": 2, "fill": 2}
    assert a1.seconds_used == 0 and a1.group == "城关镇" and a1.unit_path == "城南区/城关镇/党政办"


def test_overall_unit_and_tier_summaries(sat):
    exam, _ = sat
    result = services.results(exam)
    overall = result.overall()
    assert (overall.assigned, overall.started, overall.submitted, overall.absent) == (6, 4, 3, 2)
    assert (overall.average, overall.median, overall.passed) == (7.33, 7, 2)
    units = dict(result.by_unit())
    assert list(units) == ["东岗镇", "城关镇", "西山镇"]
    assert (units["城关镇"].submitted, units["城关镇"].average, units["城关镇"].pass_rate) == (3, 7.33, 2 / 3)
    assert (units["东岗镇"].assigned, units["东岗镇"].started, units["东岗镇"].average) == (2, 1, None)
    assert (units["西山镇"].absent, units["西山镇"].pass_rate) == (1, None)
    tiers = result.by_tier()
    assert [name for name, _ in tiers] == ["乡科级", "一般干部"]  # rank order
    assert (tiers[1][1].assigned, tiers[1][1].average, tiers[1][1].median, tiers[1][1].passed) == (5, 7.5, 7.5, 1)
    assert [r.staff_no for r in result.failed()] == ["A2"]
    assert [r.staff_no for r in result.absent()] == ["B2", "C1"]
    assert [b.count for b in result.distribution()] == [0, 0, 0, 1, 0, 0, 1, 0, 0, 1]


def test_a_liaison_scope_holds_his_units_only(sat):
    exam, people = sat
    result = services.results(exam, scope_unit_id=people["B1"].unit.parent_id)  # 东岗镇
    assert [r.staff_no for r in result.rows] == ["B1", "B2"]
    assert [name for name, _ in result.by_unit()] == ["党政办"]
    assert services.item_stats(exam, result) == []  # nobody there has submitted


def test_item_analysis_of_the_test(sat):
    exam, _ = sat
    stats = {item.qtype + str(n): item for n, item in enumerate(
        sorted(services.item_stats(exam, services.results(exam)), key=lambda i: i.question_id))}
    rates = {key: (item.seen, item.correct) for key, item in stats.items()}
    assert rates == {"single0": (3, 3), "single1": (3, 3), "multiple2": (2, 2), "judge3": (3, 1),
                     "judge4": (3, 1), "fill5": (3, 1)}  # the blank multiple is not counted
    assert stats["judge3"].choices == {"正确": pytest.approx(1 / 3), "错误": pytest.approx(2 / 3)}
    assert stats["judge3"].hard and not stats["single0"].hard
    assert stats["fill5"].choices.keys() == {"答6", "不知道"}
    assert all(item.discrimination is None for item in stats.values())  # three attempts: no groups


def test_item_analysis_in_the_database_matches_the_definition(db):
    """Ties at the group boundaries included: the database's top and bottom groups are exactly
    those of extreme_groups()."""
    clock.freeze(START)
    factories.bank(singles=2, multiples=1, judges=2, fills=1)
    exam = factories.exam()
    patterns = [ALL, ALL, ("single",), ("single",), ("judge",), ("judge", "fill"), (), ("multiple",),
                ("single", "judge"), ("fill",), ()]
    for n, right in enumerate(patterns):
        factories.sit(exam, factories.staff(f"P{n:02d}", f"人{n}"), right=right)
    result = services.results(exam)
    from_db = services.item_stats(exam, result)

    totals = {r.attempt_id: r.score for r in result.submitted}
    types = dict(db.session.query(Question.id, Question.qtype).all())
    responses = [Response(a.attempt_id, a.question_id, services.choice_label(types[a.question_id], json.dumps(a.response)),
                          a.correct) for a in db.session.query(Answer).join(Attempt)]
    items = {q.id: {"type": q.qtype, "stem": q.stem, "answer": q.answer} for q in db.session.query(Question)}
    by_hand = item_analysis(items, tally(responses, totals))
    assert [(i.question_id, i.seen, i.correct, i.discrimination, i.top_choice) for i in from_db] == \
           [(i.question_id, i.seen, i.correct, i.discrimination, i.top_choice) for i in by_hand]
    assert any(i.discrimination not in (None, 0) for i in from_db)
