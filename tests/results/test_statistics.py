"""Result statistics against figures worked out by hand."""
import pytest

from examsite.results.statistics import Response, distribution, extreme_groups, item_analysis, summarise, tally


def test_summary_of_a_unit():
    summary = summarise(assigned=5, started=4, scores=[60, 80, 90], passed=2)
    assert (summary.submitted, summary.absent) == (3, 1)
    assert summary.average == 76.67
    assert summary.median == 80
    assert summary.pass_rate == pytest.approx(2 / 3)
    assert summary.participation == pytest.approx(0.6)


def test_median_of_an_even_count_and_ties():
    assert summarise(4, 4, [70, 80, 80, 70], 4).median == 75
    assert summarise(3, 3, [80, 80, 80], 3).average == 80


def test_a_unit_where_everyone_was_absent():
    summary = summarise(assigned=3, started=0, scores=[], passed=0)
    assert (summary.absent, summary.participation) == (3, 0)
    assert summary.average is summary.median is summary.pass_rate is None


def test_an_empty_unit():
    summary = summarise(0, 0, [], 0)
    assert summary.participation is None and summary.absent == 0


def test_distribution_bands_include_their_low_end_and_the_last_full_marks():
    bins = distribution([0, 9.99, 10, 55, 100, 100, -1, 120], full_marks=100)
    assert [b.count for b in bins] == [3, 1, 0, 0, 0, 1, 0, 0, 0, 3]
    assert bins[0].label == "0–10" and bins[-1].label == "90–100"
    assert distribution([5], full_marks=0) == []


def test_extreme_groups_take_27_percent_and_break_ties_by_attempt():
    totals = {n: score for n, score in enumerate([90, 90, 90, 90, 70, 60, 50, 40, 40, 40], start=1)}
    top, bottom = extreme_groups(totals)
    assert top == {1, 2, 3}  # round(10 × 0.27) = 3; of the four 90s the lowest ids
    assert bottom == {8, 9, 10}
    assert extreme_groups({1: 50, 2: 60, 3: 70}) == (set(), set())


def responses(question, choices, key):
    return [Response(attempt, question, choice, choice == key) for attempt, choice in choices.items()]


def test_item_analysis():
    items = {10: {"type": "single", "stem": "甲", "answer": "A"},
             11: {"type": "single", "stem": "乙", "answer": "C"},
             12: {"type": "judge", "stem": "丙", "answer": True}}
    totals = {1: 100, 2: 80, 3: 40, 4: 20}  # top group {1}, bottom group {4}
    rows = (responses(10, {1: "A", 2: "A", 3: "B", 4: "B"}, "A")
            + responses(11, {1: "D", 2: "D", 3: "C", 4: "C"}, "C")
            + responses(12, {1: "(未答)", 2: "错", 3: "错", 4: "错"}, "对"))
    stats = {item.question_id: item for item in item_analysis(items, tally(rows, totals))}

    easy, suspect, missed = stats[10], stats[11], stats[12]
    assert (easy.correct_rate, easy.discrimination, easy.choices) == (0.5, 1.0, {"A": 0.5, "B": 0.5})
    assert not easy.key_suspect and not easy.hard
    assert (suspect.correct_rate, suspect.discrimination, suspect.top_choice) == (0.5, -1.0, "D")
    assert suspect.key_suspect
    assert missed.correct_rate == 0 and missed.hard
    assert missed.choices == {"(未答)": 0.25, "错": 0.75}
    # hardest first
    assert [item.question_id for item in item_analysis(items, tally(rows, totals))] == [12, 10, 11]


def test_item_analysis_with_too_few_attempts_gives_no_discrimination():
    items = {10: {"type": "single", "stem": "甲", "answer": "A"}, 11: {"type": "single", "stem": "乙", "answer": "B"}}
    stats = item_analysis(items, tally(responses(10, {1: "A", 2: "B"}, "A"), {1: 2, 2: 0}))
    assert stats[0].question_id == 10 and stats[0].discrimination is None and not stats[0].key_suspect
    assert stats[1].seen == 0 and stats[1].correct_rate is None  # on nobody's paper: listed last
