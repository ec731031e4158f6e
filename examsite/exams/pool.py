"""The questions a paper is drawn from, kept by each worker while the banks stay as they are.

At the start of a test everyone draws at once, each from every question in use. Reading and
sorting thousands of rows for each of them would cost more than the rest of the start, so a
worker keeps the pool under the question revision token (``QuestionRevision``), which the
database's triggers renew whenever any question is added, changed or removed; each start reads
only that token. The token is read before the pool, so a pool is never kept under a newer
token than its own rows.

Under the same token a worker keeps, as drawing needs them, each plan section's candidates and
the full text of every question drawn so far: after the first few starts of a test a start
reads nothing but the token. Rows read after the token are at least as new as it, and the next
change of any question renews the token, so nothing kept is ever older than the bank. The key
and explanation kept here never leave the server: the paper the examinee sees is built without
them (taking.examinee_view).
"""
from sqlalchemy import func, select

from ..extensions import db
from ..models import Bank, Question, QuestionRevision
from .drawing import Section, accepted


class KeptPool:
    """Every question in use under one revision token. Shared by a worker's threads: its parts
    are only ever added to, whole, so a thread sees an entry complete or not at all."""

    def __init__(self, token: str, questions: list[dict]):
        self.token = token
        self.questions = questions  # sorted by id; never changed
        self._candidates: dict[Section, list[dict]] = {}
        self._full: dict[int, dict] = {}

    def candidates(self, section: Section) -> list[dict]:
        """The questions ``section`` accepts, in id order (the caller must not change the list)."""
        found = self._candidates.get(section)
        if found is None:
            found = self._candidates[section] = accepted(section, self.questions)
        return found

    def full(self, ids: list[int]) -> dict[int, dict]:
        """id → the question as freeze() needs it (stem, options, key, explanation), reading only
        those this worker has not read under this token."""
        missing = [id_ for id_ in ids if id_ not in self._full]
        if missing:
            rows = db.session.execute(select(
                Question.id, Question.qtype, Question.stem, Question.options, Question.answer, Question.explanation,
            ).where(Question.id.in_(missing))).all()
            for row in rows:
                self._full[row.id] = row._asdict()
        return {id_: self._full[id_] for id_ in ids}


_kept: KeptPool | None = None  # replaced whole when the token changes


def kept_pool() -> KeptPool:
    """The pool under the database's current question revision token."""
    global _kept
    connection = db.session.connection()
    token = connection.execute(select(QuestionRevision.token)).scalar_one()
    kept = _kept
    if kept is not None and kept.token == token:
        return kept
    rows = connection.execute(select(
        Question.id, Question.bank_id, Bank.owner_unit_id.is_not(None), Question.qtype, Question.regulation,
        Question.difficulty, func.json_array_length(Question.options),
    ).join(Bank, Bank.id == Question.bank_id).where(Question.retired.is_(False)).order_by(Question.id)).all()
    pool = [{"id": id_, "bank_id": bank_id, "unit_bank": bool(unit_bank), "qtype": qtype, "regulation": regulation,
             "difficulty": difficulty, "option_count": count}
            for id_, bank_id, unit_bank, qtype, regulation, difficulty, count in rows]
    kept = _kept = KeptPool(token, pool)
    return kept


def question_pool() -> list[dict]:
    """Every question in use, sorted by id, with what drawing chooses by (not its text: the
    stems and keys are read only for the questions drawn). The caller must not change it."""
    return kept_pool().questions
