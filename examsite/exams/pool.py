"""The questions a paper is drawn from, kept by each worker while the banks stay as they are.

At the start of a test everyone draws at once, each from every question in use. Reading and
sorting thousands of rows for each of them would cost more than the rest of the start, so a
worker keeps the pool under the question revision token (``QuestionRevision``), which the
database's triggers renew whenever any question is added, changed or removed; each start reads
only that token. The token is read before the pool, so a pool is never kept under a newer
token than its own rows.
"""
from sqlalchemy import func, select

from ..extensions import db
from ..models import Question, QuestionRevision

_kept: tuple[str, list[dict]] | None = None  # (token, pool sorted by id): replaced whole, never changed


def question_pool() -> list[dict]:
    """Every question in use, sorted by id, with what drawing chooses by (not its text: the
    stems and keys are read only for the questions drawn). The caller must not change it."""
    global _kept
    connection = db.session.connection()
    token = connection.execute(select(QuestionRevision.token)).scalar_one()
    kept = _kept
    if kept is not None and kept[0] == token:
        return kept[1]
    rows = connection.execute(select(
        Question.id, Question.qtype, Question.regulation, Question.difficulty,
        func.json_array_length(Question.options),
    ).where(Question.retired.is_(False)).order_by(Question.id)).all()
    pool = [{"id": id_, "qtype": qtype, "regulation": regulation, "difficulty": difficulty, "option_count": count}
            for id_, qtype, regulation, difficulty, count in rows]
    _kept = (token, pool)
    return pool
