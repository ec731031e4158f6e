"""Faults that stay visible: /healthz checks the database; a database that is down, locked or
read-only answers 503 with a Chinese message, quickly, and leaves one log line per request; a
SQLite file made read-only and then fixed recovers without a restart."""
import json
import logging
import os
import re
import sqlite3
import time

import psycopg
import pytest
from sqlalchemy import text

from examsite import create_app
from examsite.extensions import db as _db
from examsite.faults import DATABASE_DOWN

from . import factories
from .conftest import _migrate
from .support.nginx import AppServer, free_port
from .test_deploy import Examinee, _a_test_with


def _app(url: str, **config):
    return create_app({"SECRET_KEY": "faults", "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, **config})


def _problems(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


def test_healthz_asks_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
def test_a_database_that_is_down_answers_503_at_once_with_one_log_line(kind, tmp_path, caplog):
    if kind == "postgresql":  # nothing listens there
        url = f"postgresql+psycopg://examsite@127.0.0.1:{free_port()}/examsite"
    else:  # a folder that does not exist
        url = "sqlite:///" + str(tmp_path / "gone" / "examsite.sqlite3")
    app = _app(url, DB_CONNECT_TIMEOUT=1)
    client = app.test_client()
    caplog.set_level(logging.INFO)
    began = time.monotonic()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["error"] == DATABASE_DOWN
    caplog.clear()
    page = client.post("/login", data={"username": "0001", "password": factories.PASSWORD})
    assert time.monotonic() - began < 5
    assert page.status_code == 503 and DATABASE_DOWN in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "5"
    problems = _problems(caplog)
    assert len(problems) == 1, [r.getMessage()[:200] for r in problems]
    line = problems[0].getMessage()
    assert problems[0].levelno == logging.ERROR and "\n" not in line and problems[0].exc_info is None
    assert line.startswith("POST /login → 503 ")
    if kind == "sqlite":
        assert str(tmp_path / "gone" / "examsite.sqlite3") in line  # which file to fix
    else:
        assert "OperationalError" in line
    with app.app_context():
        _db.engine.dispose()


def test_a_bug_is_one_error_record_with_its_traceback(database_url, caplog):
    app = _app(database_url)

    @app.get("/faults-test-bug")
    def bug():
        raise ValueError("坏了\nsecond line")

    caplog.set_level(logging.INFO)
    response = app.test_client().get("/faults-test-bug")
    assert response.status_code == 500 and "服务器出错了" in response.get_data(as_text=True)
    problems = _problems(caplog)
    assert len(problems) == 1
    first, *rest = problems[0].getMessage().splitlines()
    assert first == "GET /faults-test-bug → 500 ValueError: 坏了"
    assert rest[0].startswith("Traceback") and any("in bug" in line for line in rest)
    with app.app_context():
        _db.engine.dispose()


def test_a_locked_postgresql_table_answers_503_within_the_lock_timeout(postgres_server):
    """A database that does not answer (here: a table locked by another session) gives a fast
    503 and the Chinese message; once the lock goes, the same app answers again."""
    url = postgres_server.url
    _migrate(url)
    app = _app(url, DB_LOCK_TIMEOUT=0.5, DB_STATEMENT_TIMEOUT=2)
    client = app.test_client()
    with app.app_context():
        _db.session.execute(text('TRUNCATE "user" RESTART IDENTITY CASCADE'))
        _db.session.commit()
        factories.user("lockadmin")
        shown = _db.session.execute(text("SHOW statement_timeout")).scalar(), \
            _db.session.execute(text("SHOW lock_timeout")).scalar()
        _db.session.rollback()
    assert shown == ("2s", "500ms")
    locker = psycopg.connect(f"host=127.0.0.1 port={postgres_server.port} user=examsite dbname=examsite_test")
    try:
        locker.execute('LOCK TABLE "user" IN ACCESS EXCLUSIVE MODE')
        began = time.monotonic()
        refused = client.post("/login", data={"username": "lockadmin", "password": factories.PASSWORD})
        took = time.monotonic() - began
        assert refused.status_code == 503 and DATABASE_DOWN in refused.get_data(as_text=True)
        assert took < 3, f"503 after {took:.1f} s"
    finally:
        locker.rollback()
        locker.close()
    assert client.post("/login", data={"username": "lockadmin", "password": factories.PASSWORD}).status_code == 302
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        _db.session.execute(text('TRUNCATE "user" RESTART IDENTITY CASCADE'))
        _db.session.commit()
        _db.engine.dispose()


def test_a_read_only_sqlite_file_recovers_once_fixed_without_a_restart(tmp_path):
    """The app runs as a user the file's mode binds (as root: without CAP_DAC_OVERRIDE). Made
    read-only, the database gives 503s with the Chinese message (saves too, as JSON) and the log
    names the file; once the file is writable again the same server saves again: the pool dropped
    the connections it had opened read-only."""
    path = tmp_path / "examsite.sqlite3"
    url = f"sqlite:///{path}"
    _migrate(url)
    app = _app(url)
    with app.app_context():
        exam = _a_test_with(_db, 1)
        exam_id = exam.id
        _db.engine.dispose()

    first = AppServer(url, without_dac_override=True).start()
    try:
        person = Examinee(first.port)
        person.log_in("D000")
        attempt, token, questions = person.start(exam_id)
        assert person.save(attempt, token, questions[0], "A", 1)[0] == 200
    finally:
        first.stop()

    # another process keeps the database open, as a running server does: its -wal and -shm
    # files stay, so connections opened now are read-only, not refused
    keeper = sqlite3.connect(path)
    keeper.execute("SELECT count(*) FROM answer").fetchone()
    os.chmod(path, 0o444)
    server = AppServer(url, without_dac_override=True).start()
    try:
        person.port = server.port
        health = person.request("GET", "/healthz")
        assert health[0] == 503 and json.loads(health[1])["error"] == DATABASE_DOWN
        for seq in (2, 3):  # every connection the pool opens now is read-only
            status, reply = person.save(attempt, token, questions[1], "B", seq)
            assert status == 503 and reply["error"] == DATABASE_DOWN and reply["saved"] is False
        log = server.error_log.read_text()
        assert f"SQLite 数据库文件不可写：{path}" in log
        assert re.search(r"POST /my/attempts/\d+/answers → 503", log)
        assert "Traceback" not in log  # one line per failed request, no traceback above DEBUG

        os.chmod(path, 0o644)
        assert person.request("GET", "/healthz")[0] == 200
        status, reply = person.save(attempt, token, questions[1], "C", 4)
        assert status == 200 and reply["saved"] is True
    finally:
        os.chmod(path, 0o644)
        server.stop()
        keeper.close()
    with app.app_context():
        stored = dict(_db.session.execute(text("SELECT question_id, response FROM answer")).all())
        _db.engine.dispose()
    assert stored == {questions[0]: '"A"', questions[1]: '"C"'} or stored == {questions[0]: "A", questions[1]: "C"}


def test_livez_answers_without_the_database(client, db, monkeypatch):
    """The liveness probe (and the benchmarks' trivial endpoint) asks nothing of the database."""
    from examsite.extensions import db as database

    monkeypatch.setattr(database.session, "execute", lambda *a, **k: (_ for _ in ()).throw(AssertionError("db")))
    response = client.get("/livez")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
