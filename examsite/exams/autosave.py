"""The autosave's quick way: one statement that checks and writes, with the paper from memory.

Every examinee's browser saves each answer as it changes, so this is the busiest request of a
test morning. An attempt's questions never change once it has started, so each worker process
keeps what a save needs of them: which questions are on the paper and the shape their
responses take, and the deadline as it was read. The write is then a single INSERT … SELECT
that stores the answer only if, at that moment, the attempt is this examinee's, his account is
active and its session epoch is still the save token's (``save_tokens.py``: a logout, a password
change, disabling or a reset raises it), the attempt is not closed, and it is the very attempt the kept paper was read from
(same seed, so a kept paper can never vouch for another attempt) with the deadline kept (an
admin may give more time or end a test early: then nothing is stored, the kept paper is
forgotten, and the full way answers with the deadline as it now is). The deadline, with the
grace period after it (``attempts.grace()``), is checked against the kept one before the write.

The quick way only ever says yes, and only for a row it wrote (the statement's row count).
Whatever it does not store — an unknown question, a response of another shape, a closed or
foreign attempt, an old token, an older write of the same writer arriving late — goes the full
way (``attempts.save_answer()``), which reads the attempt afresh and gives the answer and message.
"""
import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timedelta
from threading import Lock

from sqlalchemy import bindparam, select

from ..clock import now
from ..models import Answer, Attempt
from .grading import Shape, shape_of, valid_response
from .attempts import NEWER_ANSWER_WINS, answer_statement, remaining_seconds


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


def _read_paper(engine, attempt_id: int) -> KeptPaper | None:
    with engine.connect() as connection:
        row = connection.execute(select(Attempt.seed, Attempt.deadline, Attempt.paper).where(
            Attempt.id == attempt_id, Attempt.submitted_at.is_(None))).one_or_none()
    if row is None:
        return None
    shapes = {}
    for item in row.paper:
        shape = shape_of(item)
        shapes[item["id"]] = _shapes.setdefault(shape, shape)  # one object for each shape there is
    return KeptPaper(row.seed, row.deadline, shapes)


def quick_save(engine, attempt_id: int, user_id: int, epoch: int, question_id: int, response,
               seq: int, writer: str | None, grace: timedelta = timedelta(0)) -> tuple[datetime, datetime] | None:
    """Store the answer if nothing stands in the way: (saved at, deadline). None: go the full way.
    ``user_id`` and ``epoch`` are the save token's, ``writer`` and ``seq`` the browser tab's and
    its change number; ``grace``: how long after the deadline a save is still stored."""
    kept = papers.get(attempt_id)
    if kept is None:
        kept = _read_paper(engine, attempt_id)
        if kept is None:
            return None
        papers.put(attempt_id, kept)
    shape = kept.shapes.get(question_id)
    if shape is None or not valid_response(shape, response):
        papers.forget(attempt_id)  # read afresh next time, should the kept paper be another's
        return None
    moment = now()
    if moment > kept.deadline + grace:
        papers.forget(attempt_id)  # the full way closes it
        return None
    stored = _store(engine, {"attempt_id": attempt_id, "seed": kept.seed, "kept_deadline": kept.deadline,
                             "user_id": user_id, "epoch": epoch, "question_id": question_id,
                             "response": response, "client_seq": seq, "writer": writer, "saved_at": moment})
    if stored != 1:
        papers.forget(attempt_id)
        return None
    return moment, kept.deadline


def _store(engine, values: dict) -> int:
    """Run the statement on a pooled connection of the driver's own, outside any session: as
    SQLAlchemy would run it (its own converters for the JSON and the time), without the cost of
    a SQLAlchemy connection and execution on every save. On PostgreSQL the single statement is
    its own transaction (no BEGIN or COMMIT to wait for); on SQLite it takes the write lock
    first, as every writer there must. Returns the number of rows written."""
    statement = _driver_statement(engine.dialect)
    for name, convert in statement.converters.items():
        values[name] = convert(values[name])
    parameters = [values[name] for name in statement.order] if statement.order else values
    pooled = engine.raw_connection()
    connection = pooled.driver_connection
    try:
        if engine.dialect.name == "sqlite":
            cursor = connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                cursor.execute(statement.sql, parameters)
                stored = cursor.rowcount
                cursor.execute("COMMIT")
            except BaseException:
                connection.rollback()
                raise
        else:
            connection.autocommit = True
            try:
                cursor = connection.execute(statement.sql, parameters)
                stored = cursor.rowcount
            finally:
                connection.autocommit = False  # as the pool hands its connections out
        cursor.close()
    except Exception:
        pooled.invalidate()  # SQLAlchemy is not there to tell a dropped connection: never reuse this one
        raise
    finally:
        pooled.close()  # back to the pool (an invalidated one is closed)
    return stored


@dataclass(frozen=True)
class _DriverStatement:
    sql: str
    order: tuple[str, ...] | None  # the parameters in order, for a driver that takes them by position
    converters: dict  # parameter name → SQLAlchemy's own conversion for this database


@lru_cache(maxsize=8)
def _driver_statement(dialect) -> _DriverStatement:
    compiled = _upsert(dialect.name).compile(dialect=dialect)
    converters = {}
    for name, column in (("response", Answer.__table__.c.response), ("saved_at", Answer.__table__.c.saved_at),
                         ("kept_deadline", Attempt.__table__.c.deadline)):
        convert = column.type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            converters[name] = convert
    return _DriverStatement(compiled.string, tuple(compiled.positiontup) if compiled.positional else None,
                            converters)


BIGGEST = 2**63 - 1  # question ids and sequence numbers are stored as 64-bit integers


WRITER = re.compile(r"[A-Za-z0-9_-]{1,32}\Z")  # answer.writer is String(32)


def read_save(data) -> tuple[int, int, object, str | None]:
    """(question id, seq, response, writer) of an autosave's JSON body; ValueError if it is not
    one. ``writer`` names the browser tab that made the change (take.js: random per page) and
    ``seq`` counts that writer's changes; a body without a writer is one of a single unnamed one."""
    try:
        question_id, seq, response = int(data["question"]), int(data.get("seq", 0)), data.get("response")
        writer = data.get("writer")
    except (KeyError, TypeError, AttributeError, OverflowError) as error:  # OverflowError: JSON's Infinity
        raise ValueError("not an autosave") from error
    if not (0 < question_id <= BIGGEST and 0 <= seq <= BIGGEST):
        raise ValueError("out of range")
    if writer is not None and not (isinstance(writer, str) and WRITER.match(writer)):
        raise ValueError("not a writer")
    return question_id, seq, response, writer


def acknowledgement(question_id: int, seq: int, saved_at: datetime, deadline: datetime) -> dict:
    """What the browser is told of a stored answer, whichever way it was stored."""
    return {"saved": True, "question": question_id, "seq": seq, "saved_at": saved_at.isoformat() + "Z",
            "remaining": remaining_seconds(deadline, saved_at)}


def superseded(question_id: int, seq: int) -> dict:
    """What the browser is told of a write not stored because the same writer (the same tab)
    has a change as new or newer stored: it forgets this one."""
    return {"saved": False, "superseded": True, "question": question_id, "seq": seq}


def _upsert(dialect: str):
    """The statement, compiled once per database by ``_driver_statement()``. On PostgreSQL the attempt row is share-locked: a close
    locks it for update, so a save and a close cannot cross; on SQLite the write lock taken up
    front does the same."""
    lock = " FOR SHARE OF attempt" if dialect == "postgresql" else ""
    return answer_statement(
        "INSERT INTO answer (attempt_id, question_id, response, client_seq, writer, saved_at) "
        "SELECT attempt.id, :question_id, :response, :client_seq, :writer, :saved_at "
        "FROM attempt JOIN staff ON staff.id = attempt.staff_id JOIN \"user\" ON \"user\".id = staff.user_id "
        "WHERE attempt.id = :attempt_id AND attempt.seed = :seed AND attempt.deadline = :kept_deadline "
        "AND attempt.submitted_at IS NULL AND \"user\".id = :user_id AND \"user\".active "
        "AND \"user\".session_epoch = :epoch "
        "AND \"user\".role = 'examinee'" + lock + " " + NEWER_ANSWER_WINS).bindparams(
        bindparam("kept_deadline", type_=Attempt.__table__.c.deadline.type))
