"""Benchmark: many examinees start a test at once, autosave every answer, and submit.

    .venv/bin/python bench/exam_load.py --examinees 500 [--answers 50] [--databases sqlite,postgresql]

For each database the app runs under gunicorn on 127.0.0.1; this process drives the examinees
(threads, bounded in count and time): each logs in within the first 10 s, starts, saves every
answer one request at a time, then submits. The same server then serves a trivial endpoint
(/healthz) under the same concurrency: its rate is the ceiling that saves/s is compared with.
Afterwards the database is checked for lost answers. Loopback only.
"""
import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- the data ---------------------------------------------------------------------------------

def prepare(url: str, examinees: int, answers: int) -> int:
    """Migrate, then add a bank, a test open now, and the examinees. Returns the test id."""
    from datetime import timedelta

    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from examsite import create_app
    from examsite.clock import now
    from examsite.extensions import db
    from examsite.models import Exam, PaperPlan, Staff, Tier, Unit, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        unit = Unit(name="基准区")
        db.session.add(unit)
        bank_id = _bank(db, answers * 2, now())
        tier = db.session.query(Tier).filter_by(name="一般干部").one()
        exam = Exam(title="基准测试", mode="all", opens_at=now() - timedelta(hours=1),
                    closes_at=now() + timedelta(hours=3))
        db.session.add(exam)
        db.session.flush()
        db.session.add(PaperPlan(exam_id=exam.id, tier_id=tier.id, duration_minutes=60, pass_mark=60,
                                 sections=[{"qtype": "single", "count": answers, "points": 2}]))
        hashed = generate_password_hash(PASSWORD)  # one hash for all: the bench measures logins, not setup
        users = [{"username": f"B{n:05d}", "password_hash": hashed, "role": "examinee", "display_name": f"考生{n}",
                  "active": True, "failed_logins": 0, "created_at": now()} for n in range(examinees)]
        db.session.execute(User.__table__.insert(), users)
        ids = dict(db.session.query(User.username, User.id).all())
        db.session.flush()
        db.session.execute(Staff.__table__.insert(), [
            {"staff_no": u["username"], "name": u["display_name"], "unit_id": unit.id, "tier_id": tier.id,
             "user_id": ids[u["username"]], "created_at": now(), "updated_at": now()} for u in users])
        db.session.commit()
        assert bank_id
        return exam.id


def _bank(db, count: int, moment) -> int:
    from examsite.models import Bank, Question

    bank = Bank(name="基准题库")
    db.session.add(bank)
    db.session.flush()
    db.session.execute(Question.__table__.insert(), [
        {"bank_id": bank.id, "qtype": "single", "stem": f"基准题{n}（  ）", "options": ["甲", "乙", "丙", "丁"],
         "answer": "A", "retired": False, "created_at": moment, "updated_at": moment} for n in range(count)])
    return bank.id


def check(url: str, examinees: int, answers: int) -> tuple[int, int, int]:
    """(attempts submitted, answers stored, answers expected)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        submitted = conn.execute(text("SELECT count(*) FROM attempt WHERE submitted_at IS NOT NULL")).scalar()
        stored = conn.execute(text("SELECT count(*) FROM answer")).scalar()
    engine.dispose()
    return submitted, stored, examinees * answers


# ---- the server -------------------------------------------------------------------------------

def serve(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = dict(os.environ, EXAMSITE_DATABASE_URL=url, EXAMSITE_SECRET_KEY="bench-secret")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-k", "gthread", "-w", str(workers), "--threads", str(threads),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=20)


# ---- the examinees ----------------------------------------------------------------------------

class Browser:
    """One examinee's connection: keeps the session cookie, times every request."""

    def __init__(self, port: int, timings: dict, errors: list):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        self.timings, self.errors = timings, errors

    def request(self, kind: str, method: str, path: str, body=None, headers=None) -> tuple[int, str, dict]:
        self.timings.setdefault(kind + " at", []).append(time.perf_counter())
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        start = time.perf_counter()
        for attempt in range(2):  # a kept-alive connection the server has closed: reconnect once
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read().decode("utf-8", "replace")
                break
            except (OSError, http.client.HTTPException) as error:
                self.conn.close()
                if attempt == 1 or isinstance(error, TimeoutError):
                    self.errors.append(f"{kind}: {error}")
                    return 0, "", {}
        self.timings.setdefault(kind, []).append(time.perf_counter() - start)
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, data, dict(response.getheaders())


TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ATTEMPT = re.compile(r'data-attempt="(\d+)"')
QUESTION = re.compile(r'<section class="question[^"]*" id="q-\d+" data-id="(\d+)"')
OPTION = re.compile(r'name="q-(\d+)" id="q-\d+-[A-H]" value="([A-H])"')


def examinee(port: int, number: int, exam_id: int, delay: float, timings: dict, errors: list, deadline: float):
    time.sleep(delay)
    browser = Browser(port, timings, errors)
    form = "application/x-www-form-urlencoded"
    status, page, _ = browser.request("login page", "GET", "/login")
    token = TOKEN.search(page).group(1)
    body = f"username=B{number:05d}&password={PASSWORD}&csrf_token={token}"
    status, _, _ = browser.request("login", "POST", "/login", body, {"Content-Type": form})
    if status != 302:
        errors.append(f"login {status}")
        return
    status, page, _ = browser.request("start page", "GET", f"/my/exams/{exam_id}")
    token = TOKEN.search(page).group(1)
    status, _, headers = browser.request("start", "POST", f"/my/exams/{exam_id}/start", f"csrf_token={token}",
                                         {"Content-Type": form})
    location = headers.get("Location", "")
    if status != 302 or "/my/attempts/" not in location:
        errors.append(f"start {status}")
        return
    status, page, _ = browser.request("paper", "GET", location[location.index("/my/"):])
    attempt = ATTEMPT.search(page).group(1)
    csrf = re.search(r'data-csrf="([^"]+)"', page).group(1)
    options: dict[str, list[str]] = {}
    for question, value in OPTION.findall(page):
        options.setdefault(question, []).append(value)
    rng = random.Random(number)
    for seq, question in enumerate(QUESTION.findall(page), start=1):
        if time.monotonic() > deadline:
            errors.append("time limit reached")
            return
        payload = json.dumps({"question": int(question), "response": rng.choice(options[question]), "seq": seq})
        status, data, _ = browser.request("save", "POST", f"/my/attempts/{attempt}/answers", payload,
                                          {"Content-Type": "application/json", "X-CSRFToken": csrf})
        if status != 200 or '"saved":true' not in data.replace(" ", ""):
            errors.append(f"save {status} {data[:80]}")
        else:
            timings.setdefault("acknowledged", []).append(1)
    status, _, _ = browser.request("submit", "POST", f"/my/attempts/{attempt}/submit", f"csrf_token={token}",
                                   {"Content-Type": form})
    if status != 302:
        errors.append(f"submit {status}")


def ceiling(port: int, requests: int, concurrency: int) -> tuple[float, list[float]]:
    timings: dict = {}
    errors: list = []
    per = requests // concurrency

    def hammer(_):
        browser = Browser(port, timings, errors)
        for _ in range(per):
            browser.request("healthz", "GET", "/healthz")

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(hammer, range(concurrency)))
    elapsed = time.perf_counter() - start
    return len(timings.get("healthz", [])) / elapsed, timings.get("healthz", [])


def percentiles(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    pick = lambda p: ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000  # noqa: E731
    return f"p50 {pick(50):.0f} ms, p95 {pick(95):.0f} ms, p99 {pick(99):.0f} ms"


def run(name: str, url: str, args) -> None:
    exam_id = prepare(url, args.examinees, args.answers)
    port = free_port()
    server = serve(url, port, args.workers, args.threads)
    try:
        timings: dict = {}
        errors: list = []
        deadline = time.monotonic() + args.time_limit
        begin = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            futures = [pool.submit(examinee, port, n, exam_id, args.spread * n / args.examinees, timings, errors, deadline)
                       for n in range(args.examinees)]
        for future in futures:
            if future.exception() is not None:
                errors.append(f"examinee failed: {future.exception()!r}")
        elapsed = time.perf_counter() - begin
        rate, health = ceiling(port, 20_000, min(args.concurrency, 100))
    finally:
        stop(server)
    submitted, stored, _ = check(url, args.examinees, args.answers)
    acknowledged = len(timings.get("acknowledged", []))
    saves = timings.get("save", [])
    starts = timings.get("start", [])
    start_times, save_times = timings.get("start at", [0]), timings.get("save at", [0])
    start_span = max(start_times) - min(start_times) or 1e-9
    save_rate = len(saves) / (max(save_times) - min(save_times) or 1e-9)
    print(f"\n== {name}: {args.examinees} examinees × {args.answers} answers, gunicorn gthread "
          f"{args.workers}×{args.threads}, {args.concurrency} at once")
    print(f"run time               {elapsed:.1f} s")
    print(f"starts                 {len(starts)} within {start_span:.1f} s ({len(starts) / start_span:.1f}/s), {percentiles(starts)}")
    print(f"logins                 {percentiles(timings.get('login', []))}")
    print(f"saves                  {len(saves)} ({save_rate:.0f}/s from first to last), {percentiles(saves)}")
    print(f"submits                {percentiles(timings.get('submit', []))}")
    print(f"ceiling (/healthz)     {rate:.0f}/s, {percentiles(health)}")
    print(f"saves/s ÷ ceiling      {save_rate / rate:.2f}")
    print(f"errors                 {len(errors)}{' — ' + '; '.join(sorted(set(errors))[:5]) if errors else ''}")
    print(f"submitted attempts     {submitted} of {args.examinees}")
    print(f"answers acknowledged   {acknowledged} of {args.examinees * args.answers} sent")
    print(f"answers in database    {stored} ({'none lost' if stored >= acknowledged else 'LOST ANSWERS'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examinees", type=int, default=500)
    parser.add_argument("--answers", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=0, help="examinees active at once (default: all)")
    parser.add_argument("--spread", type=float, default=10.0, help="seconds over which examinees log in")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    args.concurrency = args.concurrency or args.examinees
    for name in args.databases.split(","):
        if name == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                run("SQLite", f"sqlite:///{folder}/bench.sqlite3", args)
        elif name == "postgresql":
            from tests.support.postgres import TemporaryPostgres, find_bin_dir

            bin_dir = find_bin_dir()
            if bin_dir is None:
                print("\n== PostgreSQL: not found (install Debian's postgresql), skipped")
                continue
            server = TemporaryPostgres(bin_dir).start()
            try:
                run("PostgreSQL", server.url, args)
            finally:
                server.stop()


if __name__ == "__main__":
    main()
