"""Flask extensions, created unbound here and bound to an app in create_app()."""
import sqlite3
import time

from flask import request
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event, exc, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class _SQLAlchemy(SQLAlchemy):
    def _apply_driver_defaults(self, options, app) -> None:
        """Flask-SQLAlchemy's defaults, then the timeouts of config.engine_options() for this
        database (options given in SQLALCHEMY_ENGINE_OPTIONS win)."""
        super()._apply_driver_defaults(options, app)
        from .config import engine_options

        for key, value in engine_options(make_url(options["url"]), app.config).items():
            if key == "connect_args":
                options["connect_args"] = {**value, **options.get("connect_args", {})}
            else:
                options.setdefault(key, value)


db = _SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
bootstrap = Bootstrap5()


# SQLite, the embedded default, serves several gunicorn workers writing at once: write-ahead
# logging lets reads go on beside a write, and a busy timeout makes a writer wait its turn
# instead of failing. A transaction that reads and then writes must take the write lock up
# front (BEGIN IMMEDIATE, see write_transaction()): once another writer has committed after
# its read, SQLite refuses its write at once, busy timeout or not.
# synchronous=FULL: in WAL mode every commit is flushed to disk before it returns, so an answer
# the server acknowledged survives a power cut (NORMAL may lose the last commits; README 部署
# has the measured cost).
@event.listens_for(Engine, "connect")
def _sqlite_connection(dbapi_connection, connection_record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None  # transactions begin in _sqlite_begin
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=30000", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()


# An SQLite connection opened while the database file (or its folder) was not writable stays
# read-only for good, even once the file is fixed: such an error counts as a disconnect, so the
# pool drops this connection and every other pooled one, and the next request opens afresh.
SQLITE_UNWRITABLE = ("attempt to write a readonly database", "unable to open database file",
                     "readonly database")


@event.listens_for(Engine, "handle_error")
def _sqlite_unwritable(context):
    error = context.original_exception
    if isinstance(error, sqlite3.OperationalError) and any(text in str(error) for text in SQLITE_UNWRITABLE):
        context.is_disconnect = True


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name == "sqlite":
        immediate = connection.get_execution_options().get("sqlite_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def write_transaction() -> None:
    """Start a transaction that will write: on SQLite it takes the write lock now.

    On SQLite this ends the read-only transaction the request may have begun (loading the
    user), so call it before the request changes anything; in a transaction that holds the
    write lock already it does nothing. PostgreSQL needs nothing here: its writers lock rows
    (SELECT … FOR UPDATE) inside the transaction already open.
    """
    if db.session.get_bind().dialect.name != "sqlite":
        return
    if db.session().in_transaction() and db.session.connection().get_execution_options().get("sqlite_write"):
        return
    db.session.rollback()
    db.session.connection(execution_options={"sqlite_write": True})


def commit_keeping_objects() -> None:
    """Commit without expiring what the session holds: for a page built right after from what
    this request has just written, which a plain commit would have read back from the database."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def posts_lock_first(blueprint, except_for: tuple[str, ...] = ()) -> None:
    """Every POST of this blueprint (an admin's change) starts with write_transaction(), before
    it reads: on SQLite, while examinees are saving answers, a change that read first would be
    refused as soon as any autosave committed in between. Views named in ``except_for`` manage
    their transactions themselves (they do slow work, such as checking a password, first)."""
    @blueprint.before_request
    def _lock_first():
        if request.method == "POST" and request.endpoint not in except_for:
            write_transaction()


# A pooled connection that sat unused may have been dropped (the database restarted, a firewall
# forgot it): it is tried before use, and replaced when it fails. One just given back is not
# tried: under load that round trip would cost every request (the autosave above all) for
# nothing. Should the database go away in the meantime, the next statement fails, SQLAlchemy
# then replaces every connection of the pool, and the browser's autosave sends again.
IDLE_BEFORE_PING = 10.0  # seconds


@event.listens_for(Pool, "checkin")
def _note_checkin(dbapi_connection, connection_record):
    if connection_record is not None:
        connection_record.info["checked_in"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection, connection_record, connection_proxy):
    checked_in = connection_record.info.get("checked_in")
    if checked_in is None or time.monotonic() - checked_in < IDLE_BEFORE_PING:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()
    except Exception as error:
        raise exc.DisconnectionError() from error  # the pool connects afresh (up to three times)
