"""Faults that stay visible, once: a database that cannot be reached answers 503 with a Chinese
message; every failed request leaves one ERROR line (method, path, status, the exception in one
line), its traceback once (in that record for a bug, at DEBUG for a database outage).

Installed by create_app() with ``faults.init_app(app)``.
"""
import logging
import os
import traceback

from flask import Flask, jsonify, render_template, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from .extensions import db

DATABASE_DOWN = "数据库暂时无法访问，请稍后重试"
SERVER_ERROR = "服务器出错了，请稍后再试。"

#: errors that say the database is not answering (not a bug in a query): PostgreSQL down, a
#: connection refused or timed out, a statement over statement_timeout or lock_timeout, SQLite
#: locked or read-only, no pooled connection free in time
UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def summary(error: BaseException) -> str:
    """The exception in one line: its class and the first line of its message."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return f"{type(original).__name__}: {text[0]}" if text else type(original).__name__


def unwritable_sqlite_file() -> str | None:
    """The SQLite database file, when it (or its folder, where SQLite keeps its -wal and -shm
    files) cannot be written by this process; None on PostgreSQL or when all is well."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    path = os.path.abspath(url.database)
    folder = os.path.dirname(path)
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK | os.X_OK):
        return path
    return None


def database_message(error: BaseException | None = None) -> str:
    """What the log says of a database fault: for an SQLite file that cannot be written, which
    file to fix."""
    try:
        path = unwritable_sqlite_file()
    except Exception:  # no app context, an engine that cannot be built
        path = None
    if path is not None:
        return (f"SQLite 数据库文件不可写：{path}（请检查该文件及其所在目录的所有者和权限、磁盘空间；"
                f"修好后无需重启）")
    return summary(error) if error is not None else DATABASE_DOWN


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json" \
        or request.path.endswith("/answers")


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: the pool replaces it
        pass


class _GateRecords(logging.Filter):
    """The autosave gate (exams/gate.py) logs a traceback when it leaves a save to the app
    because the database failed; the app then meets the same fault and logs it once. The gate's
    record is kept at DEBUG so one failed save is not two tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and str(record.msg).startswith("autosave gate"):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


def init_app(app: Flask) -> None:
    logger = app.logger
    logger.addFilter(_GateRecords())

    def database_unavailable(error):
        _rollback()
        logger.error("%s %s → 503 %s", request.method, request.path, database_message(error))
        logger.debug("%s %s: the database fault in full", request.method, request.path, exc_info=error)
        if _wants_json():
            return jsonify(saved=False, error=DATABASE_DOWN, retry=True), 503, {"Retry-After": "5"}
        return render_template("errors/error.html", code=503, message=DATABASE_DOWN), 503, {"Retry-After": "5"}

    for kind in UNAVAILABLE:
        app.register_error_handler(kind, database_unavailable)

    def server_error(error):
        if isinstance(error, HTTPException):
            return error  # 404, 405, …: their own pages
        if app.testing:
            raise error  # tests see the exception itself, as Flask's own handling shows it them
        _rollback()
        # one record: the line, then the traceback under it
        logger.error("%s %s → 500 %s\n%s", request.method, request.path, summary(error),
                     "".join(traceback.format_exception(error)).rstrip())
        if _wants_json():
            return jsonify(error=SERVER_ERROR), 500
        return render_template("errors/error.html", code=500, message=SERVER_ERROR), 500

    app.register_error_handler(Exception, server_error)
