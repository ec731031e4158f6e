"""The question pool a worker keeps, and the token the database renews under it."""
from sqlalchemy import event, select, text

from examsite.banks import services as banks
from examsite.banks.parser import parse_text
from examsite.exams import plans, pool
from examsite.exams.drawing import Section, choose
from examsite.models import Question, QuestionRevision

from .. import factories


def _token(db) -> str:
    return db.session.scalar(select(QuestionRevision.token))


def test_every_way_of_writing_questions_renews_the_token(db):
    tokens = [_token(db)]

    def changed() -> bool:
        db.session.flush()
        tokens.append(_token(db))
        return tokens[-1] != tokens[-2]

    assert not changed()  # reading alone changes nothing
    factories.bank(singles=2, multiples=0, judges=0, fills=0)
    assert changed()  # added by the ORM
    result = parse_text("一、单选题\n1. 党的最高领导机关是（  ）\nA. 全国代表大会 B. 中央委员会\n答案：A\n")
    assert not result.errors
    banks.import_bank("导入的题库", "bank.txt", result)
    assert changed()  # a bank import, one statement for all its rows
    question = db.session.scalars(select(Question).order_by(Question.id)).first()
    question.difficulty = 3
    assert changed()  # an edit
    banks.set_retired(question, True)
    assert changed()  # retired
    banks.set_retired(question, False)
    assert changed()  # restored
    db.session.execute(text("DELETE FROM question WHERE id = :id"), {"id": question.id})
    assert changed()  # a fix by hand, outside the app
    assert len(set(tokens)) == len(tokens) - 1  # never an old token again


def test_the_pool_is_read_again_only_after_a_change(db):
    factories.bank(singles=3, multiples=0, judges=0, fills=0)
    db.session.commit()
    statements = []
    record = lambda conn, cursor, statement, *rest: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        first = pool.question_pool()
        read = len(statements)
        assert pool.question_pool() is first  # kept: only the token was read
        assert len(statements) == read + 1 and "question_revision" in statements[-1]
        retired = db.session.get(Question, first[0]["id"])
        banks.set_retired(retired, True)
        db.session.commit()
        second = pool.question_pool()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert [q["id"] for q in first] == sorted(q["id"] for q in first) and len(first) == 3
    assert [q["id"] for q in second] == [q["id"] for q in first[1:]]
    assert second[0] == {"id": first[1]["id"], "bank_id": first[1]["bank_id"], "unit_bank": False, "qtype": "single",
                         "regulation": "中国共产党纪律处分条例", "difficulty": None, "option_count": 4}


def test_new_questions_under_old_ids_are_not_taken_for_the_kept_ones(db):
    """Every test empties its database and adds its own questions, often under the same ids;
    a worker must never draw from the pool it kept before."""
    factories.bank(singles=2, multiples=0, judges=0, fills=0)
    db.session.commit()
    assert {q["qtype"] for q in pool.question_pool()} == {"single"}
    db.session.execute(text("DELETE FROM question"))
    factories.bank(name="另一题库", singles=0, multiples=0, judges=2, fills=0)
    db.session.commit()
    assert {q["qtype"] for q in pool.question_pool()} == {"judge"}


SECTIONS = [Section("single", 3, 2), Section("multiple", 2, 3), Section("single", 2, 1, regulation="纪律处分")]


def test_kept_candidates_draw_the_same_papers_as_a_fresh_pool(db):
    """The sections' candidates a worker keeps change nothing: for every seed the paper is the one
    drawn from the pool alone, overlapping sections included (no question twice)."""
    factories.bank(singles=30, multiples=10, judges=0, fills=0)
    db.session.commit()
    kept = pool.kept_pool()
    for n in range(40):
        seed = f"seed-{n}"
        with_kept = choose(SECTIONS, kept.questions, seed, kept.candidates)
        assert with_kept == choose(SECTIONS, list(reversed(kept.questions)), seed)
        assert len({pick.question_id for pick in with_kept}) == 7
    assert pool.kept_pool() is kept


def test_a_drawn_question_is_read_in_full_once_until_the_bank_changes(db):
    """Once a worker has a question's text, a start reads only the token; a key fixed afterwards
    (in the app or by hand in the database) is what the next paper freezes."""
    factories.bank(singles=5, multiples=0, judges=0, fills=0)
    db.session.commit()
    sections = [Section("single", 5, 2)]
    statements = []
    record = lambda conn, cursor, statement, *rest: statements.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        first = plans.draw(sections, "s1")
        statements.clear()
        again = plans.draw(sections, "s2")
        assert len(statements) == 1 and "question_revision" in statements[0]
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert {item["answer"] for item in first + again} == {"A"}
    fixed = db.session.get(Question, first[0]["id"])
    fixed.answer, fixed.stem = "B", "改正后的题干（  ）"
    db.session.commit()
    redrawn = {item["id"]: item for item in plans.draw(sections, "s1")}
    assert redrawn[fixed.id]["answer"] == "B" and redrawn[fixed.id]["stem"] == "改正后的题干（  ）"
    db.session.execute(text("UPDATE question SET answer = '\"C\"' WHERE id = :id"), {"id": fixed.id})
    db.session.commit()
    assert {item["id"]: item for item in plans.draw(sections, "s1")}[fixed.id]["answer"] == "C"
