"""Fixtures: every database test runs on SQLite and on a real PostgreSQL server.

EXAMSITE_REQUIRE_ALL=1 turns a missing PostgreSQL or Chromium into a failure instead of a skip.
"""
import os
import re
import shutil
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import create_engine, text

from examsite import clock, create_app
from examsite.extensions import db as _db

from .support.postgres import TemporaryPostgres, find_bin_dir

REQUIRE_ALL = os.environ.get("EXAMSITE_REQUIRE_ALL") == "1"
MISSING: set[str] = set()
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def skip_or_fail(reason: str) -> None:
    """A missing part is a loud skip, or a failure when EXAMSITE_REQUIRE_ALL=1."""
    MISSING.add(reason)
    if REQUIRE_ALL:
        pytest.fail(f"{reason}（EXAMSITE_REQUIRE_ALL=1：不允许跳过）", pytrace=False)
    pytest.skip(reason)


def pytest_terminal_summary(terminalreporter):
    if MISSING:
        terminalreporter.write_sep("!", "部分测试未运行 / SOME TESTS DID NOT RUN", red=True, bold=True)
        for reason in sorted(MISSING):
            terminalreporter.write_line(f"  * {reason}", red=True, bold=True)
        terminalreporter.write_line("  Install them with: sudo bash .ci/run  (or apt-get install postgresql chromium)")


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
    with app.app_context():
        upgrade()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def postgres_server():
    bin_dir = find_bin_dir()
    if bin_dir is None:
        skip_or_fail("PostgreSQL not found (initdb/pg_ctl): PostgreSQL tests skipped")
    server = TemporaryPostgres(bin_dir).start()
    yield server
    server.stop()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A migrated, empty database of each kind, once per test session."""
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "examsite.sqlite3")
    else:
        url = request.getfixturevalue("postgres_server").url
    _migrate(url)
    SEEDS[url] = _seeded_rows(url)
    return url


#: the rows the migrations insert (tiers, the rank map), put back before every test
SEED_TABLES = ("tier", "rank_tier")
SEEDS: dict[str, dict[str, list[dict]]] = {}


def _seeded_rows(url: str) -> dict[str, list[dict]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        seeds = {table: [dict(row._mapping) for row in conn.execute(text(f'SELECT * FROM "{table}" ORDER BY id'))]
                 for table in SEED_TABLES}
    engine.dispose()
    return seeds


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
    })
    # Tests hold an app context open (for the `db` fixture), which requests then share, and
    # with it `g`: start each request with an empty `g`, as a real request does (Flask-Login
    # caches the user there, Flask-WTF the CSRF token).
    @app.before_request
    def fresh_g():
        for name in list(g):
            g.pop(name)

    with app.app_context():
        _empty_database(database_url)
    yield app
    clock.freeze(None)
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _empty_database(url: str) -> None:
    """Remove every row, then put back the rows the migrations insert. The question revision
    token stays: the database's triggers keep it, and a token put back would let a worker's
    kept question pool (exams/pool.py) pass for another test's questions."""
    tables = [t.name for t in reversed(_db.metadata.sorted_tables) if t.name != "question_revision"]
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
        for table in SEED_TABLES:
            rows = SEEDS[url][table]
            if rows:
                columns = list(rows[0])
                conn.execute(text(f'INSERT INTO "{table}" ({", ".join(columns)}) '
                                  f'VALUES ({", ".join(":" + c for c in columns)})'), rows)
        if conn.dialect.name == "postgresql":  # the ids were given: move the sequences past them
            for table in SEED_TABLES:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"GREATEST((SELECT max(id) FROM \"{table}\"), 1))"))


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def started_attempt(response) -> int:
    """The attempt a press of 开始答题 opened: the start answers with the test page itself."""
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:300])
    match = re.search(r'<div id="paper" data-page-url="/my/attempts/(\d+)"', response.get_data(as_text=True))
    assert match, "the answer is not a test page"
    return int(match.group(1))


class AuthActions:
    """Log in through the real login form, keeping the CSRF token for later posts."""

    def __init__(self, client):
        self.client = client
        self.token: str | None = None

    def login(self, username: str, password: str, follow_redirects=False):
        page = self.client.get("/login")
        self.token = csrf_from(page.get_data(as_text=True))
        response = self.client.post("/login", data={
            "username": username, "password": password, "csrf_token": self.token,
        }, follow_redirects=follow_redirects)
        if response.status_code == 302 or (follow_redirects and response.request.path != "/login"):
            # a login starts a fresh session with a fresh CSRF token: take it from a page
            home = self.client.get("/home", follow_redirects=True).get_data(as_text=True)
            if CSRF_INPUT.search(home):
                self.token = csrf_from(home)
        return response

    def post(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token)
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# ---- Chromium -----------------------------------------------------------------------------

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def find_chromium() -> str | None:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium", shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session, shared by the browser tests and the PDF bank fixtures (Playwright's
    sync API allows one running instance per thread)."""
    executable = find_chromium()
    if executable is None:
        skip_or_fail("Chromium not found (/usr/bin/chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()
