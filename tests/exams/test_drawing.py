"""Drawing papers from plans, without a database."""
from collections import Counter

import pytest

from examsite.exams.drawing import Section, check_plan, choose, draw_paper, freeze


def pool():
    questions = []
    for n in range(1, 41):
        qtype = ["single", "multiple", "judge", "fill"][n % 4]
        questions.append({
            "id": n, "qtype": qtype, "stem": f"题{n}", "answer": "A",
            "options": ["甲", "乙", "丙", "丁"] if qtype in ("single", "multiple") else [],
            "regulation": "中国共产党章程 第五条" if n % 3 == 0 else "中国共产党纪律处分条例",
            "difficulty": 1 + n % 5, "explanation": None,
        })
    return questions


PLAN = [Section("single", 5, 2), Section("multiple", 3, 3), Section("judge", 4, 1), Section("fill", 2, 2)]


def test_plan_is_respected():
    paper = draw_paper(PLAN, pool(), "seed-1")
    assert Counter(item["type"] for item in paper) == {"single": 5, "multiple": 3, "judge": 4, "fill": 2}
    assert all(item["points"] == {"single": 2, "multiple": 3, "judge": 1, "fill": 2}[item["type"]] for item in paper)


def test_same_seed_same_paper_whatever_the_pool_order():
    questions = pool()
    first = draw_paper(PLAN, questions, "abc")
    second = draw_paper(PLAN, list(reversed(questions)), "abc")
    assert first == second
    assert draw_paper(PLAN, questions, "abd") != first


def test_no_question_twice_even_when_sections_overlap():
    plan = [Section("single", 3, 2, regulation="中国共产党章程"), Section("single", 7, 2)]  # all 10 singles
    for seed in range(30):
        ids = [item["id"] for item in draw_paper(plan, pool(), str(seed))]
        assert len(ids) == len(set(ids)) == 10


def test_options_shuffled_for_choices_and_never_for_judge():
    orders = set()
    for seed in range(40):
        for item in draw_paper(PLAN, pool(), str(seed)):
            if item["type"] in ("single", "multiple"):
                assert sorted(item["order"]) == [0, 1, 2, 3]
                orders.add(tuple(item["order"]))
            else:
                assert item["order"] == list(range(len(item["options"])))
    assert len(orders) > 10


def test_filters_by_regulation_and_difficulty():
    paper = draw_paper([Section("judge", 2, 1, regulation="中国共产党章程", difficulty=None)], pool(), "x")
    assert all("中国共产党章程" in next(q for q in pool() if q["id"] == i["id"])["regulation"] for i in paper)
    hard = draw_paper([Section("single", 1, 2, difficulty=2)], pool(), "x")
    assert next(q for q in pool() if q["id"] == hard[0]["id"])["difficulty"] == 2


def test_check_plan_names_the_short_section():
    plan = [Section("single", 5, 2), Section("fill", 50, 1, regulation="中国共产党章程")]
    short = check_plan(plan, pool())
    assert len(short) == 1 and short[0].section.qtype == "fill" and short[0].available == 4
    with pytest.raises(ValueError):
        draw_paper(plan, pool(), "s")


def test_choosing_needs_only_the_number_of_options():
    """At a test's start the pool is read without stems and keys: the same seed picks the same
    questions and option orders, and freezing the picks gives the same paper."""
    questions = pool()
    light = [{"id": q["id"], "qtype": q["qtype"], "regulation": q["regulation"], "difficulty": q["difficulty"],
              "option_count": len(q["options"])} for q in questions]
    picks = choose(PLAN, light, "abc")
    assert picks == choose(PLAN, questions, "abc")
    assert freeze(picks, {q["id"]: q for q in questions}) == draw_paper(PLAN, questions, "abc")


def test_a_section_of_named_banks_draws_only_from_them():
    pool = [{"id": n, "bank_id": 1 + n % 2, "qtype": "judge", "regulation": None, "difficulty": None,
             "options": []} for n in range(1, 41)]
    section = Section("judge", 10, 1, banks=(2,))
    picks = choose([section], pool, "seed")
    assert len(picks) == 10 and all(pick.question_id % 2 == 1 for pick in picks)
    assert check_plan([Section("judge", 21, 1, banks=(2,))], pool)[0].available == 20
    assert Section.from_json(section.to_json()) == section
    assert "banks" not in Section("judge", 1, 1).to_json()  # plans of no campaign stay as they were


def test_a_section_naming_no_bank_never_draws_from_a_units_own_bank():
    pool = [{"id": n, "bank_id": 1 + n % 2, "unit_bank": n % 2 == 1, "qtype": "judge", "regulation": None,
             "difficulty": None, "options": []} for n in range(1, 41)]
    assert all(pick.question_id % 2 == 0 for pick in choose([Section("judge", 20, 1)], pool, "seed"))
    assert check_plan([Section("judge", 21, 1)], pool)[0].available == 20
    assert len(choose([Section("judge", 20, 1, banks=(2,))], pool, "seed")) == 20  # named: his own bank
