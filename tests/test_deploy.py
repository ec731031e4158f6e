"""Production serving as deployed: nginx (deploy/nginx/examsite.conf) in front of gunicorn
(deploy/gunicorn.conf.py), on the test's SQLite file and on the test PostgreSQL server.

Loopback only; every loop is bounded in count and time. The servers are real processes
started from the shipped files (tests/support/nginx.py renders the site into a temp dir).
"""
import http.client
import json
import re
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from examsite.models import Answer, Attempt

from . import factories
from .conftest import skip_or_fail
from .support.nginx import ROOT, AppServer, TemporaryNginx, find_nginx, site_directive
from .support.pages import ATTEMPT, FORM, QUESTION, SAVE_TOKEN, TOKEN
from .support.postgres import find_bin_dir


@pytest.fixture(scope="module")
def nginx_binary():
    binary = find_nginx()
    if binary is None:
        skip_or_fail("nginx not found (/usr/sbin/nginx): deployment tests skipped")
    return binary


class Examinee:
    """One person's browser over plain HTTP: keeps the session cookie."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None,
                port: int | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=10)
        try:
            conn.request(method, path, body=body.encode() if body is not None else None, headers=headers)
            response = conn.getresponse()
            data = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for cookie in response.msg.get_all("Set-Cookie") or ():
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, data, response

    def log_in(self, username: str) -> None:
        status, page, _ = self.request("GET", "/login")
        assert status == 200
        body = f"username={username}&password={factories.PASSWORD}&csrf_token={TOKEN.search(page).group(1)}"
        status, _, _ = self.request("POST", "/login", body, FORM)
        assert status == 302, "login refused"

    def start(self, exam_id: int) -> tuple[int, str, list[int]]:
        """Press 开始答题; (attempt id, the page's save token, question ids)."""
        status, page, _ = self.request("GET", f"/my/exams/{exam_id}")
        assert status == 200
        status, page, _ = self.request("POST", f"/my/exams/{exam_id}/start",
                                       f"csrf_token={TOKEN.search(page).group(1)}", FORM)
        assert status == 200 and 'data-page-url="/my/attempts/' in page, status  # the test page itself
        # the page's save token (data-save-token; data-csrf on pages before it)
        token = SAVE_TOKEN.search(page) or re.search(r'data-csrf="([^"]+)"', page)
        return int(ATTEMPT.search(page).group(1)), token.group(1), [int(q) for q in QUESTION.findall(page)]

    def save(self, attempt: int, token: str, question: int, response: str, seq: int):
        body = json.dumps({"question": question, "response": response, "seq": seq})
        status, data, _ = self.request("POST", f"/my/attempts/{attempt}/answers", body,
                                       {"Content-Type": "application/json", "X-Save-Token": token,
                                        "X-CSRFToken": token})
        return status, (json.loads(data) if data.startswith("{") else {})


def _a_test_with(db, people: int):
    factories.bank(singles=12, multiples=0, judges=0, fills=0)
    exam = factories.exam(sections=[{"qtype": "single", "count": 10, "points": 2}])
    for n in range(people):
        factories.examinee(f"D{n:03d}", f"考生{n}")
    db.session.commit()
    return exam


def _stored(database_url: str) -> dict[int, str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(select(Answer.question_id, Answer.response)).all())
    finally:
        engine.dispose()


def _stall(port: int, path: str) -> socket.socket:
    """A client that sends its headers and half its body, then nothing."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    body = json.dumps({"question": 1, "response": "A", "seq": 1, "padding": "x" * 400}).encode()
    sock.sendall((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  f"Content-Length: {len(body)}\r\n\r\n").encode() + body[: len(body) // 2])
    return sock


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes this connection (with or without a reply) within ``seconds``."""
    sock.settimeout(seconds)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if not sock.recv(4096):
                return True
    except TimeoutError:
        return False
    except OSError:  # reset
        return True
    finally:
        sock.close()
    return False


def test_the_site_file_matches_the_app(nginx_binary):
    """What nginx enforces agrees with the app's own settings, and the file is valid as shipped."""
    from examsite.config import from_environment

    limit = from_environment(str(ROOT / "instance"), "x")["UPLOAD_LIMIT_MB"]
    assert site_directive("client_max_body_size") == f"{limit}m"
    assert site_directive("proxy_request_buffering") == "on"
    for name in ("client_header_timeout", "client_body_timeout", "send_timeout"):
        assert re.fullmatch(r"\d+s", site_directive(name)), name
    assert Path(site_directive("alias")) == Path("/srv/examsite/examsite/static")


def test_stalled_clients_do_not_freeze_saves_behind_nginx(db, database_url, nginx_binary):
    """32 clients send headers and half a body, then fall silent; through nginx another examinee's
    /healthz and autosaves keep answering at once (one gunicorn worker with 4 threads: straight to
    gunicorn, 4 such clients would hold all of it). nginx then drops the stalled ones itself."""
    exam = _a_test_with(db, 1)
    app_server = AppServer(database_url, options=("-w", "1", "--threads", "4")).start()
    proxy = TemporaryNginx([app_server.port], timeouts={"client_body_timeout": "3s"}).start()
    stalled = []
    try:
        person = Examinee(proxy.port)
        person.log_in("D000")
        attempt, token, questions = person.start(exam.id)
        stalled = [_stall(proxy.port, f"/my/attempts/{attempt}/answers") for _ in range(32)]
        time.sleep(0.3)  # they have all reached nginx
        slowest = 0.0
        acknowledged = {}
        for seq, question in enumerate(questions, start=1):
            began = time.monotonic()
            status, _, _ = person.request("GET", "/healthz")
            assert status == 200
            answer = "ABCD"[seq % 4]
            status, reply = person.save(attempt, token, question, answer, seq)
            slowest = max(slowest, time.monotonic() - began)
            assert status == 200 and reply.get("saved") is True, (status, reply)
            acknowledged[question] = answer
        assert slowest < 1.5, f"a save took {slowest:.2f} s while clients stalled"
        assert len(acknowledged) == 10
        assert {q: r for q, r in _stored(database_url).items() if q in acknowledged} == acknowledged
        # the stalled requests never reached gunicorn, and nginx gives up on them (client_body_timeout)
        for _ in range(30):  # gunicorn writes an access log line just after its answer
            saves_seen = [line for line in app_server.requests_logged() if "/answers" in line]
            if len(saves_seen) >= 10:
                break
            time.sleep(0.1)
        assert len(saves_seen) == 10
        with ThreadPoolExecutor(8) as pool:
            closed = list(pool.map(lambda sock: _closed_within(sock, 8), stalled))
        assert all(closed), f"{closed.count(False)} stalled connections still open"
        timed_out = re.findall(r'"POST /my/attempts/\d+/answers HTTP/1.1" 408 ', proxy.access_log.read_text())
        assert len(timed_out) == 32
    finally:
        for sock in stalled:
            sock.close()
        proxy.stop()
        app_server.stop()


def test_gunicorn_alone_drops_stalled_clients_after_its_read_timeout(db, database_url):
    """Without nginx, deploy/gunicorn.conf.py bounds a stalled read (EXAMSITE_READ_TIMEOUT): 4
    clients stalled in the middle of an autosave's body hold the 4 threads of the only worker, but
    each only for the read timeout; then they are dropped and /healthz answers. (Without the
    timeout they hold the threads until they hang up themselves.)"""
    app_server = AppServer(database_url, options=("-w", "1", "--threads", "4"),
                           env={"EXAMSITE_READ_TIMEOUT": "1"}).start()
    stalled = []
    try:
        assert Examinee(app_server.port).request("GET", "/healthz")[0] == 200  # the worker is up
        began = time.monotonic()
        stalled = [_stall(app_server.port, "/my/attempts/1/answers") for _ in range(4)]
        time.sleep(0.3)
        with ThreadPoolExecutor(4) as pool:
            closed = list(pool.map(lambda sock: _closed_within(sock, 9), stalled))
        assert all(closed), f"{closed.count(False)} stalled connections still open after 9 s"
        status, _, _ = Examinee(app_server.port).request("GET", "/healthz")
        assert status == 200 and time.monotonic() - began < 10
    finally:
        for sock in stalled:
            sock.close()
        app_server.stop()


def test_two_app_servers_behind_nginx_share_one_database(db, database_url, nginx_binary):
    """An examinee starts on one app server and saves through the other (nginx alternates
    between them): every acknowledged answer is in the database. Static files come from nginx."""
    exam = _a_test_with(db, 3)
    servers = [AppServer(database_url).start(), AppServer(database_url).start()]
    proxy = TemporaryNginx([server.port for server in servers]).start()
    try:
        acknowledged: dict[int, str] = {}
        starts = []
        for n in range(3):
            person = Examinee(proxy.port)
            person.log_in(f"D{n:03d}")
            attempt, token, questions = person.start(exam.id)
            starts.append(attempt)
            for seq, question in enumerate(questions, start=1):
                answer = "ABCD"[(seq + n) % 4]
                status, reply = person.save(attempt, token, question, answer, seq)
                assert status == 200 and reply.get("saved") is True, (status, reply)
                acknowledged[(attempt, question)] = answer
        assert len(acknowledged) == 30

        for _ in range(30):  # gunicorn writes an access log line just after its answer
            logs = [server.requests_logged() for server in servers]
            if sum("/answers" in line for lines in logs for line in lines) >= 30:
                break
            time.sleep(0.1)
        started_on = [i for i, lines in enumerate(logs) if any(re.search(r"POST /my/exams/\d+/start", x) for x in lines)]
        saves = [sum("/answers" in line for line in lines) for lines in logs]
        assert started_on and all(count > 0 for count in saves), (started_on, saves)  # both served saves
        assert sum(saves) == 30

        db.session.rollback()
        stored = {(a.attempt_id, a.question_id): a.response for a in db.session.scalars(select(Answer))}
        assert stored == acknowledged
        assert db.session.scalar(select(Attempt.id).where(Attempt.id.in_(starts)).limit(1)) is not None

        status, body, response = Examinee(proxy.port).request("GET", "/static/take.js")
        assert status == 200 and "localStorage" in body
        assert response.getheader("Content-Type").startswith("application/javascript")
        assert not any("/static/" in line for lines in [s.requests_logged() for s in servers] for line in lines)
        # an upload over the limit is refused by nginx before any app server reads it
        conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
        conn.putrequest("POST", "/banks/upload")
        conn.putheader("Content-Length", str(21 * 1024 * 1024))
        conn.endheaders()
        assert conn.getresponse().status == 413
        conn.close()
    finally:
        proxy.stop()
        for server in servers:
            server.stop()


def test_the_backup_script_dumps_restores_and_rotates(tmp_path):
    """deploy/backup/examsite-backup.sh against a real PostgreSQL: the dump restores into an empty
    database with the same rows, and only the newest EXAMSITE_BACKUP_KEEP dumps stay."""
    from .support.postgres import TemporaryPostgres

    bin_dir = find_bin_dir()
    if bin_dir is None:
        skip_or_fail("PostgreSQL not found (initdb/pg_ctl): backup test skipped")
    server = TemporaryPostgres(bin_dir).start()
    try:
        url = server.url
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE answer_copy (id serial PRIMARY KEY, response text)"))
            conn.execute(text("INSERT INTO answer_copy (response) SELECT '答案' || n FROM generate_series(1, 120) n"))
        engine.dispose()
        backups = tmp_path / "backups"
        backups.mkdir()
        for day in (1, 2, 3):  # three older dumps, one of them to stay
            (backups / f"examsite-2026010{day}T023000.dump").write_text("old")
        env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "EXAMSITE_DATABASE_URL": url,
               "EXAMSITE_BACKUP_DIR": str(backups), "EXAMSITE_BACKUP_KEEP": "2"}
        done = subprocess.run(["bash", str(ROOT / "deploy/backup/examsite-backup.sh")], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        kept = sorted(path.name for path in backups.iterdir())
        today = datetime.utcnow().strftime("%Y%m%d")
        assert len(kept) == 2 and kept[0] == "examsite-20260103T023000.dump" and kept[1].startswith(f"examsite-{today}")
        # the restore drill of README's 部署 section
        host = f"host=127.0.0.1 port={server.port} user=examsite"
        subprocess.run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(server.port), "-U", "examsite",
                        "examsite_restored"], check=True, timeout=60)
        subprocess.run([str(bin_dir / "pg_restore"), "--no-owner", "--exit-on-error", "-d",
                        f"{host} dbname=examsite_restored", str(backups / kept[1])], check=True, timeout=60)
        restored = create_engine(url.rsplit("/", 1)[0] + "/examsite_restored")
        with restored.connect() as conn:
            assert conn.execute(text("SELECT count(*), max(response) FROM answer_copy")).one() == (120, "答案99")
        restored.dispose()
        # a failed dump leaves no file and removes nothing
        failed = subprocess.run(["bash", str(ROOT / "deploy/backup/examsite-backup.sh")],
                                env=dict(env, EXAMSITE_DATABASE_URL=url.replace("examsite_test", "no_such_db")),
                                capture_output=True, text=True, timeout=120)
        assert failed.returncode != 0 and sorted(path.name for path in backups.iterdir()) == kept
    finally:
        server.stop()


def test_the_timers_run_close_expired_every_minute_and_the_backup_nightly():
    units = ROOT / "deploy" / "systemd"
    assert "OnCalendar=*-*-* *:*:00" in (units / "examsite-close-expired.timer").read_text()
    assert "flask exam close-expired" in (units / "examsite-close-expired.service").read_text()
    assert "gunicorn -c deploy/gunicorn.conf.py wsgi:app" in (units / "examsite.service").read_text()
    assert "examsite-backup.sh" in (ROOT / "deploy/backup/examsite-backup.service").read_text()
    config = {}
    exec(compile((ROOT / "deploy/gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), config)
    import multiprocessing

    assert config["worker_class"] == "gthread" and config["threads"] == 4
    assert config["workers"] == multiprocessing.cpu_count() * 2 and config["accesslog"]
