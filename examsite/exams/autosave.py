"""The autosave's quick way: one statement that checks and writes, with the paper from memory.

Every examinee's browser saves each answer as it changes, so this is the busiest request of a
test morning. An attempt's questions and deadline never change once it has started, so each
worker process keeps what a save needs of them: which questions are on the paper and the shape
their responses take. The write is then a single INSERT … SELECT that stores the answer only
if, at that moment, the attempt is this examinee's, his account is active, the attempt is not
closed, its deadline has not passed, and it is the very attempt the kept paper was read from
(same seed, so a kept paper can never vouch for another attempt).

The quick way only ever says yes. Whatever it does not store — an unknown question, a response
of another shape, a closed or foreign attempt, an older write arriving late — goes the full way
(``services.save_answer()``), which reads the attempt afresh and gives the answer and message.
"""
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from datetime import datetime
from threading import Lock

from sqlalchemy import select

from ..clock import now
from ..extensions import db
from ..models import Attempt
from .grading import Shape, shape_of, valid_response
from .services import NEWER_ANSWER_WINS, answer_statement


@dataclass(frozen=True)
class KeptPaper:
    seed: str
    deadline: datetime
    shapes: dict[int, Shape]  # question id → the shape of its response


class PaperMemory:
    """The papers of the attempts saved to most recently, at most ``size`` of them."""

    def __init__(self, size: int):
        self.size = size
        self._papers: OrderedDict[int, KeptPaper] = OrderedDict()
        self._lock = Lock()  # a gunicorn worker serves several requests at once, in threads

    def get(self, attempt_id: int) -> KeptPaper | None:
        with self._lock:
            kept = self._papers.get(attempt_id)
            if kept is not None:
                self._papers.move_to_end(attempt_id)
            return kept

    def put(self, attempt_id: int, kept: KeptPaper) -> None:
        with self._lock:
            self._papers[attempt_id] = kept
            self._papers.move_to_end(attempt_id)
            while len(self._papers) > self.size:
                self._papers.popitem(last=False)

    def forget(self, attempt_id: int) -> None:
        with self._lock:
            self._papers.pop(attempt_id, None)

    def __len__(self) -> int:
        return len(self._papers)


# About 4 KB a paper of 50 questions (the shapes are shared): some 20 MB per worker at most.
papers = PaperMemory(5000)
_shapes: dict[Shape, Shape] = {}


def _read_paper(connection, attempt_id: int) -> KeptPaper | None:
    row = connection.execute(select(Attempt.seed, Attempt.deadline, Attempt.paper).where(
        Attempt.id == attempt_id, Attempt.submitted_at.is_(None))).one_or_none()
    if row is None:
        return None
    shapes = {}
    for item in row.paper:
        shape = shape_of(item)
        shapes[item["id"]] = _shapes.setdefault(shape, shape)  # one object for each shape there is
    return KeptPaper(row.seed, row.deadline, shapes)


def quick_save(attempt_id: int, user_id: int, question_id: int, response, seq: int) -> tuple[datetime, datetime] | None:
    """Store the answer if nothing stands in the way: (saved at, deadline). None: go the full way.

    Runs on a connection of its own, outside the request's session: on PostgreSQL the single
    statement is its own transaction (no BEGIN or COMMIT to wait for); on SQLite it takes the
    write lock first, as every writer there must.
    """
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.execution_options(sqlite_write=True)
        else:
            connection.execution_options(isolation_level="AUTOCOMMIT")
        kept = papers.get(attempt_id)
        if kept is None:
            kept = _read_paper(connection, attempt_id)
            if kept is None:
                return None
            papers.put(attempt_id, kept)
        shape = kept.shapes.get(question_id)
        if shape is None or not valid_response(shape, response):
            papers.forget(attempt_id)  # read afresh next time, should the kept paper be another's
            return None
        moment = now()
        stored = connection.execute(_upsert(connection.dialect.name), {
            "attempt_id": attempt_id, "seed": kept.seed, "user_id": user_id, "question_id": question_id,
            "response": response, "client_seq": seq, "saved_at": moment}).rowcount
        connection.commit()
    if stored != 1:
        papers.forget(attempt_id)
        return None
    return moment, kept.deadline


@cache
def _upsert(dialect: str):
    """Written out once per database. On PostgreSQL the attempt row is share-locked: a close
    locks it for update, so a save and a close cannot cross; on SQLite the write lock taken up
    front does the same."""
    lock = " FOR SHARE OF attempt" if dialect == "postgresql" else ""
    return answer_statement(
        "INSERT INTO answer (attempt_id, question_id, response, client_seq, saved_at) "
        "SELECT attempt.id, :question_id, :response, :client_seq, :saved_at "
        "FROM attempt JOIN staff ON staff.id = attempt.staff_id JOIN \"user\" ON \"user\".id = staff.user_id "
        "WHERE attempt.id = :attempt_id AND attempt.seed = :seed AND attempt.submitted_at IS NULL "
        "AND attempt.deadline >= :saved_at AND \"user\".id = :user_id AND \"user\".active "
        "AND \"user\".role = 'examinee'" + lock + " " + NEWER_ANSWER_WINS)
