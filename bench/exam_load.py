"""Benchmark: many examinees start a test at once, autosave every answer, and submit.

    .venv/bin/python bench/exam_load.py --examinees 500 [--answers 50] [--bank 5000] [--think 0] [--databases sqlite,postgresql]

For each database the app runs under gunicorn on 127.0.0.1; driver processes (threads inside,
bounded in count and time) play the examinees in three phases, as a test morning goes:

1. logins: everyone logs in and opens the start page before the test begins (timed, reported);
2. starts: all press 开始答题 within ``--start-spread`` seconds (10 s);
3. answers: each saves every answer, one request at a time, ``--think`` seconds apart (0: as
   fast as the server answers, which measures capacity), then submits.

The same server then serves a trivial endpoint (/livez, no database) to the same number of connections
from the same drivers: its rate is the ceiling that saves/s is compared with. Afterwards the
database is checked for lost answers. Loopback only.
"""
import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import each_database  # noqa: E402

PASSWORD = "bench-password-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- the data ---------------------------------------------------------------------------------

def prepare(url: str, examinees: int, answers: int, bank: int = 5000) -> int:
    """Migrate, then add a bank of ``bank`` questions (each paper draws from all of them), a test
    open now, and the examinees. Returns the test id."""
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
        bank_id = _bank(db, max(bank, answers), now())
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
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.timings, self.errors = timings, errors

    def request(self, kind: str, method: str, path: str, body=None, headers=None) -> tuple[int, str, dict]:
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        start = time.monotonic()
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
        # (sent at, took): rates are counted from the first send to the last answer
        self.timings.setdefault(kind, []).append((start, time.monotonic() - start))
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, data, dict(response.getheaders())


TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ATTEMPT = re.compile(r'data-attempt="(\d+)"')
QUESTION = re.compile(r'<section class="question[^"]*" id="q-\d+" data-id="(\d+)"')
OPTION = re.compile(r'name="q-(\d+)" id="q-\d+-[A-H]" value="([A-H])"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def examinee(number: int, job: dict, barrier, logins: threading.Semaphore, timings: dict, errors: list) -> None:
    browser = Browser(job["port"], timings, errors)
    exam_id, args = job["exam_id"], job["args"]
    token = None
    try:
        with logins:  # people arrive over the quarter hour before the test, not in one instant
            status, page, _ = browser.request("login page", "GET", "/login")
            login = f"username=B{number:05d}&password={PASSWORD}&csrf_token={TOKEN.search(page).group(1)}"
            status, _, _ = browser.request("login", "POST", "/login", login, FORM)
        if status == 302:
            status, page, _ = browser.request("start page", "GET", f"/my/exams/{exam_id}")
            token = TOKEN.search(page).group(1)
        else:
            errors.append(f"login {status}")
    finally:
        barrier.wait(timeout=args.time_limit)  # the test begins
    page = None
    try:
        if token is not None:
            time.sleep(args.start_spread * number / args.examinees)
            status, _, headers = browser.request("start", "POST", f"/my/exams/{exam_id}/start",
                                                 f"csrf_token={token}", FORM)
            location = headers.get("Location", "")
            if status == 302 and "/my/attempts/" in location:
                status, page, _ = browser.request("paper", "GET", location[location.index("/my/"):])
            else:
                errors.append(f"start {status}")
    finally:
        barrier.wait(timeout=args.time_limit)  # everyone has his paper: the answering begins
    if page is None:
        return
    attempt = ATTEMPT.search(page).group(1)
    save_token = re.search(r'data-save-token="([^"]+)"', page).group(1)
    writer = f"bench{number:05d}"  # take.js: random for each page load; its changes counted from 1
    options: dict[str, list[str]] = {}
    for question, value in OPTION.findall(page):
        options.setdefault(question, []).append(value)
    rng = random.Random(number)
    for seq, question in enumerate(QUESTION.findall(page), start=1):
        if time.monotonic() > job["deadline"]:
            errors.append("time limit reached")
            return
        if args.think:
            time.sleep(args.think * rng.uniform(0.5, 1.5))
        payload = json.dumps({"question": int(question), "response": rng.choice(options[question]), "seq": seq,
                              "writer": writer})
        status, data, _ = browser.request("save", "POST", f"/my/attempts/{attempt}/answers", payload,
                                          {"Content-Type": "application/json", "X-Save-Token": save_token})
        if status != 200 or '"saved":true' not in data.replace(" ", ""):
            errors.append(f"save {status} {data[:80]}")
        else:
            timings.setdefault("acknowledged", []).append((0, 0))
    status, _, _ = browser.request("submit", "POST", f"/my/attempts/{attempt}/submit", f"csrf_token={token}", FORM)
    if status != 302:
        errors.append(f"submit {status}")


def hammer(number: int, job: dict, barrier, logins, timings: dict, errors: list) -> None:
    browser = Browser(job["port"], timings, errors)
    barrier.wait(timeout=job["args"].time_limit)
    for _ in range(job["args"].answers):
        browser.request("healthz", "GET", "/livez")


def driver(target, numbers: list[int], job: dict, barrier, results) -> None:
    """One driver process: a thread per examinee; sends its timings and errors back."""
    timings: dict = {}
    errors: list = []
    logins = threading.Semaphore(max(1, job["args"].login_concurrency // job["args"].drivers))
    with ThreadPoolExecutor(len(numbers)) as pool:
        futures = [pool.submit(target, n, job, barrier, logins, timings, errors) for n in numbers]
    errors += [f"examinee failed: {f.exception()!r}" for f in futures if f.exception() is not None]
    results.put((timings, errors))


def drive(target, port: int, exam_id: int, args) -> tuple[dict, list]:
    """Play ``args.examinees`` connections with ``target`` from ``args.drivers`` processes."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(args.examinees), context.Queue()
    job = {"port": port, "exam_id": exam_id, "args": args, "deadline": time.monotonic() + args.time_limit}
    processes = [context.Process(target=driver, args=(target, list(range(d, args.examinees, args.drivers)),
                                                      job, barrier, results)) for d in range(args.drivers)]
    for process in processes:
        process.start()
    timings: dict = {}
    errors: list = []
    for _ in processes:
        part, failed = results.get(timeout=args.time_limit + 60)
        for kind, values in part.items():
            timings.setdefault(kind, []).extend(values)
        errors += failed
    for process in processes:
        process.join()
    return timings, errors


def rate(samples: list[tuple[float, float]]) -> tuple[float, float]:
    """(requests per second from the first send to the last answer, that span in seconds)."""
    if not samples:
        return 0.0, 0.0
    span = max(at + took for at, took in samples) - min(at for at, _ in samples)
    return len(samples) / (span or 1e-9), span


def percentiles(samples: list[tuple[float, float]]) -> str:
    if not samples:
        return "-"
    ordered = sorted(took for _, took in samples)
    pick = lambda p: ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000  # noqa: E731
    return f"p50 {pick(50):.0f} ms, p95 {pick(95):.0f} ms, p99 {pick(99):.0f} ms"


def run(name: str, url: str, args) -> None:
    exam_id = prepare(url, args.examinees, args.answers, args.bank)
    port = free_port()
    server = serve(url, port, args.workers, args.threads)
    try:
        begin = time.monotonic()
        timings, errors = drive(examinee, port, exam_id, args)
        elapsed = time.monotonic() - begin
        health, health_errors = drive(hammer, port, exam_id, args)
    finally:
        stop(server)
    submitted, stored, _ = check(url, args.examinees, args.answers)
    acknowledged = len(timings.get("acknowledged", []))
    logins, starts, saves = timings.get("login", []), timings.get("start", []), timings.get("save", [])
    save_rate, _ = rate(saves)
    ceiling, _ = rate(health.get("healthz", []))
    print(f"\n== {name}: {args.examinees} examinees × {args.answers} answers from a bank of {max(args.bank, args.answers)}, "
          f"{args.think:g} s between answers, "
          f"gunicorn gthread {args.workers}×{args.threads}, {args.drivers} driver processes")
    print(f"run time               {elapsed:.1f} s")
    print(f"logins                 {len(logins)} at {rate(logins)[0]:.1f}/s, {percentiles(logins)}")
    print(f"starts                 {len(starts)} within {rate(starts)[1]:.1f} s, {percentiles(starts)}")
    print(f"saves                  {len(saves)} at {save_rate:.0f}/s, {percentiles(saves)}")
    print(f"submits                {percentiles(timings.get('submit', []))}")
    print(f"ceiling (/livez)       {ceiling:.0f}/s, {percentiles(health.get('healthz', []))}"
          f"{', errors ' + str(len(health_errors)) if health_errors else ''}")
    print(f"saves/s ÷ ceiling      {save_rate / ceiling:.2f}" if ceiling else "saves/s ÷ ceiling      -")
    print(f"errors                 {len(errors)}{' — ' + '; '.join(sorted(set(errors))[:5]) if errors else ''}")
    print(f"submitted attempts     {submitted} of {args.examinees}")
    print(f"answers acknowledged   {acknowledged} of {args.examinees * args.answers} sent")
    print(f"answers in database    {stored} ({'none lost' if stored >= acknowledged else 'LOST ANSWERS'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examinees", type=int, default=500)
    parser.add_argument("--answers", type=int, default=50)
    parser.add_argument("--bank", type=int, default=5000, help="questions in the bank the papers are drawn from")
    parser.add_argument("--think", type=float, default=0.0, help="seconds between an examinee's answers (±50%%)")
    parser.add_argument("--start-spread", type=float, default=10.0, help="seconds over which all press start")
    parser.add_argument("--login-concurrency", type=int, default=16, help="logins in flight at once")
    parser.add_argument("--drivers", type=int, default=4, help="driver processes")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=900.0)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    for label, url in each_database(args.databases):
        run(label, url, args)


if __name__ == "__main__":
    main()
