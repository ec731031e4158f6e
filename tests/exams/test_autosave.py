"""The autosave's quick way: a kept paper and one statement, never at the cost of a check."""
import sqlite3
import threading
import time
from datetime import timedelta

import psycopg
from sqlalchemy import create_engine, event, select, text

from examsite import clock, extensions
from examsite.exams import autosave, save_tokens
from examsite.exams.autosave import KeptPaper, PaperMemory
from examsite.exams.grading import Shape
from examsite.models import Answer, Attempt, User

from .. import factories
from ..conftest import AuthActions
from ..factories import PASSWORD
from .test_attempts import GRACE, START, save, start


def test_paper_memory_keeps_the_most_recently_used():
    memory = PaperMemory(2)
    papers = [KeptPaper(f"seed{n}", START, {}) for n in range(3)]
    memory.put(1, papers[0])
    memory.put(2, papers[1])
    assert memory.get(1) is papers[0]  # 1 is now the most recent, so 2 goes first
    memory.put(3, papers[2])
    assert len(memory) == 2 and memory.get(2) is None and memory.get(1) is papers[0]
    memory.forget(1)
    assert memory.get(1) is None and memory.get(3) is papers[2]


def _taking(auth, client, db, number="0001"):
    clock.freeze(START)
    exam = factories.exam(minutes=30)
    factories.examinee(number)
    db.session.commit()
    auth.login(number, PASSWORD)
    attempt = db.session.get(Attempt, start(auth, client, exam))
    autosave.papers.forget(attempt.id)  # one kept by an earlier test, whose attempt had this id
    single = [item["id"] for item in attempt.paper if item["type"] == "single"]
    return attempt, single


def test_a_kept_paper_saves_in_one_statement(db, auth, client):
    factories.bank()
    attempt, single = _taking(auth, client, db)
    assert save(client, auth, attempt.id, single[0], "A").status_code == 200
    kept = autosave.papers.get(attempt.id)
    assert kept.seed == attempt.seed and kept.deadline == attempt.deadline
    assert set(kept.shapes) == {item["id"] for item in attempt.paper}

    through_sqlalchemy, checked_out, traced = [], [], []

    def checkout(dbapi_connection, *rest):
        checked_out.append(dbapi_connection)
        if isinstance(dbapi_connection, sqlite3.Connection):  # SQLite can show what the driver ran
            dbapi_connection.set_trace_callback(traced.append)

    record = lambda conn, cursor, statement, *rest: through_sqlalchemy.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", record)
    event.listen(db.engine.pool, "checkout", checkout)
    try:
        response = save(client, auth, attempt.id, single[1], "B", seq=2)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
        event.remove(db.engine.pool, "checkout", checkout)
        for connection in checked_out:
            if isinstance(connection, sqlite3.Connection):
                connection.set_trace_callback(None)
    assert response.status_code == 200 and response.get_json()["remaining"] == 30 * 60
    assert through_sqlalchemy == [] and len(checked_out) == 1  # the paper was not read again
    if db.engine.dialect.name == "sqlite":
        assert len(traced) == 3 and traced[0] == "BEGIN IMMEDIATE" and traced[2] == "COMMIT"
        assert traced[1].startswith("INSERT INTO answer") and "attempt.seed" in traced[1]
    db.session.rollback()
    assert dict(db.session.execute(select(Answer.question_id, Answer.response)).all()) == {single[0]: "A", single[1]: "B"}


def test_a_kept_paper_never_vouches_for_another_attempt(db, auth, client, app):
    """Attempt ids come round again (another database, a restored backup): a paper kept under
    the same id but drawn for another attempt must not let a save through unchecked."""
    factories.bank()
    attempt, single = _taking(auth, client, db)
    stranger = {single[0]: Shape("single", 8, 0), 424242: Shape("single", 4, 0)}
    autosave.papers.put(attempt.id, KeptPaper("another attempt's seed", START + timedelta(days=9), stranger))
    response = save(client, auth, attempt.id, single[0], "A")
    assert response.status_code == 200 and response.get_json()["remaining"] == 30 * 60
    assert autosave.papers.get(attempt.id) is None  # forgotten, then read afresh on the next save
    assert save(client, auth, attempt.id, 424242, "A", seq=2).status_code == 400
    assert save(client, auth, attempt.id, single[0], "H", seq=3).status_code == 400  # 4 options, not 8
    assert save(client, auth, attempt.id, single[0], "D", seq=4).status_code == 200
    assert autosave.papers.get(attempt.id).seed == attempt.seed

    other = app.test_client()  # someone else, with the first examinee's paper kept
    db.session.rollback()  # the test's own transaction began before the saves committed
    factories.examinee("0002")
    db.session.commit()
    intruder = AuthActions(other)
    intruder.login("0002", PASSWORD)
    assert save(other, intruder, attempt.id, single[1], "B", seq=9).status_code == 401  # no token for it
    stranger = db.session.scalar(select(User).where(User.username == "0002"))
    signed = save_tokens.issue(app.secret_key, attempt.id, stranger.id, stranger.session_epoch, START + timedelta(hours=1))
    assert save(other, intruder, attempt.id, single[1], "B", seq=9, token=signed).status_code == 404  # not his
    db.session.rollback()
    assert db.session.scalars(select(Answer.question_id)).all() == [single[0]]


def test_a_kept_paper_does_not_outlive_the_deadline(db, auth, client):
    factories.bank()
    attempt, single = _taking(auth, client, db)
    assert save(client, auth, attempt.id, single[0], "A").status_code == 200
    clock.freeze(START + timedelta(minutes=30, seconds=1) + GRACE)
    late = save(client, auth, attempt.id, single[1], "B", seq=2)
    assert late.status_code == 409 and late.get_json()["closed"] is True
    db.session.rollback()
    closed = db.session.get(Attempt, attempt.id)
    assert closed.closed_by == "deadline" and closed.score is not None
    assert db.session.scalars(select(Answer.question_id)).all() == [single[0]]


def test_a_save_and_a_close_cannot_cross(db, auth, client):
    """The examinee's last save arrives while an admin's close of his attempt is still being
    written: the save waits for the close and is then refused, so no answer is stored after
    the attempt was graded."""
    factories.bank()
    attempt, single = _taking(auth, client, db)
    assert save(client, auth, attempt.id, single[0], "A").status_code == 200  # the paper is kept
    db.session.rollback()
    results = []
    with db.engine.connect() as closer:
        if closer.dialect.name == "sqlite":
            closer.execution_options(sqlite_write=True)
        closer.execute(select(Attempt.id).where(Attempt.id == attempt.id).with_for_update())
        closer.execute(text("UPDATE attempt SET submitted_at = :at, closed_by = 'admin' WHERE id = :id"),
                       {"at": START + timedelta(minutes=5), "id": attempt.id})
        saver = threading.Thread(target=lambda: results.append(save(client, auth, attempt.id, single[1], "B", seq=2)))
        saver.start()
        time.sleep(0.5)
        assert saver.is_alive(), "the save must wait for the close"
        closer.commit()
    saver.join(30)
    assert results[0].status_code == 409, results[0].get_data(as_text=True)
    assert db.session.scalars(select(Answer.question_id)).all() == [single[0]]


def test_a_connection_dropped_while_idle_is_replaced(postgres_server, monkeypatch):
    """The pool tries a connection that sat unused before handing it out; one used a moment
    ago is handed out as it is (see extensions.IDLE_BEFORE_PING)."""
    engine = create_engine(postgres_server.url, pool_size=1)
    try:
        with engine.connect() as conn:
            first = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        _terminate(postgres_server, first)
        monkeypatch.setattr(extensions, "IDLE_BEFORE_PING", 0.0)  # it has sat long enough
        with engine.connect() as conn:
            second = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        assert second != first
    finally:
        engine.dispose()


def _terminate(server, pid: int) -> None:
    with psycopg.connect(host="127.0.0.1", port=server.port, user="examsite", dbname="postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_the_full_way_reads_the_clock_once(db, auth, client, monkeypatch):
    """The deadline passes between the full way's first look at the attempt and the save: the
    save is judged at one moment, so it is stored (it was in time) instead of failing."""
    factories.bank()
    attempt, single = _taking(auth, client, db)
    monkeypatch.setattr(autosave, "quick_save", lambda *args: None)  # the quick way declines
    last = attempt.deadline + GRACE  # the last moment a save is taken
    moments = iter([last] + [last + timedelta(seconds=1)] * 10)
    for module in ("taking", "attempts"):  # each has the clock's now() by name
        monkeypatch.setattr(f"examsite.exams.{module}.now", lambda: next(moments))
    response = save(client, auth, attempt.id, single[0], "A")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["remaining"] == 0
    db.session.rollback()
    assert db.session.scalars(select(Answer.question_id)).all() == [single[0]]
