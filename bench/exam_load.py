"""Benchmark: the 9:00 herd — many examinees log in, start a test at once, autosave every answer
and submit, on one machine.

    .venv/bin/python bench/exam_load.py --examinees 2000 [--answers 50] [--pace 0 | --pace 20-60]
        [--start-spread 30] [--servers 1 | --servers 2] [--databases sqlite,postgresql]

For each database the app runs under gunicorn with deploy/gunicorn.conf.py on loopback (with
``--servers 2``, two gunicorn instances behind deploy/nginx/examsite.conf, as two app machines
would be). Driver processes (``--drivers``, each one asyncio event loop holding its share of
the examinees' connections, one per examinee) play the morning in phases:

1. logins: everyone opens the login page, logs in and opens the start page before the test
   begins, ``--login-concurrency`` at a time (timed: this is how fast a crowd gets in);
2. starts: all press 开始答题 within ``--start-spread`` seconds and open their paper;
3. answers: each saves every answer, one request at a time — ``--pace 0`` as fast as the server
   answers (capacity), ``--pace 20-60`` one answer every 20–60 s as on the real day (latency);
4. submits;
5. the ceiling: the same connections ask for /livez (no database); saves/s is compared with it.

Between phases the coordinator reads the CPU time of every process group (app servers,
PostgreSQL, nginx, drivers) and PostgreSQL's commits, WAL bytes and WAL flushes, and reports
them per request. Afterwards the database is checked for lost answers.
"""
import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import each_database  # noqa: E402
from bench.load.drivers import Drivers  # noqa: E402
from bench.load.examinees import PASSWORD  # noqa: E402
from bench.load.meters import Meter, Postgres  # noqa: E402
from tests.support.nginx import AppServer, TemporaryNginx  # noqa: E402


# ---- the data ---------------------------------------------------------------------------------

#: the key tests.support.nginx.AppServer serves with: access codes are derived from it
SERVED_SECRET_KEY = "deploy-test-secret"


def prepare(url: str, examinees: int, answers: int, bank: int = 5000, codes: bool = False) -> tuple[int, list]:
    """Migrate, then add a bank of ``bank`` questions (each paper draws from all of them), a test
    open now, and the examinees. ``codes``: the examinees have no password but a login slip's
    one-time code each (抽测 slips). Returns the test id and each examinee's code (or None)."""
    from datetime import timedelta

    from flask_migrate import upgrade
    from sqlalchemy import select

    from examsite import create_app
    from examsite.clock import now
    from examsite.extensions import db
    from examsite.models import Exam, PaperPlan, Staff, Tier, Unit, User
    from examsite.models.accounts import NO_PASSWORD
    from examsite.sampling.slips import issue_slips

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        unit = Unit(name="基准区")
        db.session.add(unit)
        _bank(db, max(bank, answers), now())
        tier = db.session.query(Tier).filter_by(name="一般干部").one()
        exam = Exam(title="基准测试", mode="all", opens_at=now() - timedelta(hours=1),
                    closes_at=now() + timedelta(hours=3))
        db.session.add(exam)
        db.session.flush()
        db.session.add(PaperPlan(exam_id=exam.id, tier_id=tier.id, duration_minutes=90, pass_mark=60,
                                 sections=[{"qtype": "single", "count": answers, "points": 2}]))
        probe = User(username="-", role="examinee", display_name="-")
        probe.set_password(PASSWORD)  # the app's own hash: one for all, the bench measures logins, not setup
        hashed = NO_PASSWORD if codes else probe.password_hash
        users = [{"username": f"B{n:05d}", "password_hash": hashed, "role": "examinee",
                  "display_name": f"考生{n}", "active": True, "failed_logins": 0, "created_at": now()}
                 for n in range(examinees)]
        db.session.execute(User.__table__.insert(), users)
        ids = dict(db.session.query(User.username, User.id).all())
        db.session.execute(Staff.__table__.insert(), [
            {"staff_no": u["username"], "name": u["display_name"], "unit_id": unit.id, "tier_id": tier.id,
             "user_id": ids[u["username"]], "created_at": now(), "updated_at": now()} for u in users])
        slips = {}
        if codes:
            people = db.session.scalars(select(Staff).order_by(Staff.staff_no)).all()
            slips = {slip.staff.staff_no: slip.code for slip in issue_slips(exam, people, SERVED_SECRET_KEY)}
        db.session.commit()
        return exam.id, [slips.get(f"B{n:05d}") for n in range(examinees)]


PHRASES = ("党员领导干部", "违反中央八项规定精神", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律", "生活纪律", "政治纪律",
           "监察机关", "公职人员", "留置", "立案审查调查", "问责", "诫勉", "警告处分", "严重警告处分", "撤销党内职务",
           "留党察看", "开除党籍", "违规收送礼品礼金", "公款吃喝", "经商办企业", "利用职权", "谋取利益", "民主集中制",
           "请示报告", "如实说明", "主动交代", "从轻处分", "减轻处分", "加重处分", "依照规定", "按照条例")


def _text(rng, low: int, high: int) -> str:
    """Question text of ``low``–``high`` characters, each question different (as real banks are:
    the frozen papers compress as real ones would)."""
    parts: list[str] = []
    while sum(map(len, parts)) < rng.randint(low, high):
        parts.append(rng.choice(PHRASES))
    return "，".join(parts)[:high]


def _bank(db, count: int, moment) -> None:
    import random

    from examsite.models import Bank, Question

    bank = Bank(name="基准题库")
    db.session.add(bank)
    db.session.flush()
    rng = random.Random(17)
    db.session.execute(Question.__table__.insert(), [
        {"bank_id": bank.id, "qtype": "single", "stem": f"{n + 1}. {_text(rng, 40, 90)}的说法，正确的是（  ）",
         "options": [_text(rng, 8, 25) for _ in range(4)], "answer": rng.choice("ABCD"),
         "explanation": _text(rng, 40, 120), "regulation": "中国共产党纪律处分条例",
         "retired": False, "created_at": moment, "updated_at": moment} for n in range(count)])


def check(url: str) -> tuple[int, int]:
    """(attempts submitted, answers stored)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        submitted = conn.execute(text("SELECT count(*) FROM attempt WHERE submitted_at IS NOT NULL")).scalar()
        stored = conn.execute(text("SELECT count(*) FROM answer")).scalar()
    engine.dispose()
    return submitted, stored


# ---- reporting --------------------------------------------------------------------------------

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


class Phases:
    """Runs the phases, reading the meters around each; prints one block per phase."""

    def __init__(self, drivers: Drivers, meter: Meter, postgres: Postgres | None):
        self.drivers, self.meter, self.postgres = drivers, meter, postgres
        self.lines: list[str] = []

    def run(self, phase: str, unit: str, kinds: tuple[str, ...], **options):
        before, counted = self.meter.read(), self.postgres.counters() if self.postgres else None
        record, wall = self.drivers.run(phase, **options)
        if self.postgres:
            time.sleep(1.1)  # PostgreSQL publishes a backend's counters at most once a second
        after, counters = self.meter.read(), self.postgres.counters() if self.postgres else None
        spent = Meter.spent(before, after)
        one = unit.removesuffix("s")
        first = record.timings.get(kinds[0], [])
        actions = len(first)
        share = ", ".join(f"{name} {seconds / wall * 100:.0f}%" for name, seconds in spent.items() if seconds > 0.005)
        self.lines.append(f"{phase:<8} {actions} {unit} in {wall:.1f} s ({rate(first)[0]:.1f}/s from first to last), "
                          f"{kinds[0]} {percentiles(first)}")
        for kind in kinds[1:]:
            self.lines.append(f"{'':<8} {kind} {percentiles(record.timings.get(kind, []))}")
        if actions:
            per = ", ".join(f"{name} {seconds / actions * 1000:.2f}" for name, seconds in spent.items()
                            if name != "machine" and seconds > 0.005)
            self.lines.append(f"{'':<8} CPU ms per {one}: {per}; "
                              f"machine busy {spent['machine'] / actions * 1000:.2f}")
            if counters and counted:
                commits, wal, syncs = (counters.commits - counted.commits, counters.wal_bytes - counted.wal_bytes,
                                       counters.wal_syncs - counted.wal_syncs)
                self.lines.append(f"{'':<8} PostgreSQL per {one}: {commits / actions:.2f} commits, "
                                  f"{wal / actions:.0f} WAL bytes, {syncs / actions:.2f} WAL flushes "
                                  f"({syncs / wall:.0f} flushes/s, {commits / wall:.0f} commits/s)")
        if share:
            self.lines.append(f"{'':<8} CPU over the phase (100% = one core): {share}")
        if record.errors:
            self.lines.append(f"{'':<8} errors {len(record.errors)}: {'; '.join(sorted(set(record.errors))[:5])}")
        return record, wall


# ---- one run ----------------------------------------------------------------------------------

def run(name: str, url: str, args) -> None:
    exam_id, codes = prepare(url, args.examinees, args.answers, args.bank, codes=args.entrance == "code")
    servers = [AppServer(url, options=("-w", str(args.workers), "--threads", str(args.threads)),
                         env={"EXAMSITE_LOG_LEVEL": "warning"}).start() for _ in range(args.servers)]
    nginx = None
    if args.servers > 1 or args.nginx:
        # a connection from each examinee and, while his request is under way, one to an app server
        nginx = TemporaryNginx([s.port for s in servers], worker_connections=args.examinees * 4 + 512).start()
    base = nginx.url if nginx else servers[0].url
    postgres = Postgres(url) if url.startswith("postgresql") else None
    drivers = Drivers(args.drivers, codes, base, exam_id, args.time_limit)
    groups = {"app": [s.process.pid for s in servers], "driver": drivers.pids}
    if postgres:
        groups["postgresql"] = [postgres.postmaster]
    if nginx:
        groups["nginx"] = [nginx.process.pid]
    phases = Phases(drivers, Meter(groups), postgres)
    pace = tuple(float(x) for x in args.pace.split("-")) if "-" in args.pace else (0.0, float(args.pace))
    try:
        logins, _ = phases.run("login", "logins", ("login", "login page", "start page"),
                               concurrency=args.login_concurrency)
        starts, _ = phases.run("start", "starts", ("start",), begin=time.monotonic() + 1,
                               spread=args.start_spread, total=args.examinees)
        saves, _ = phases.run("answer", "saves", ("save",), pace=pace, deadline=time.monotonic() + args.time_limit,
                              count=args.saves or args.answers)
        phases.run("submit", "submits", ("submit",))
        ceiling, _ = phases.run("ceiling", "requests", ("livez",), count=args.ceiling_requests)
    finally:
        drivers.stop()
        if nginx:
            complaints = [line.split("] ", 1)[-1][:160] for line in nginx.error_log.read_text(errors="replace").splitlines()
                          if "[error]" in line or "[alert]" in line or "[crit]" in line]
            phases.lines.append(f"nginx error log: {len(complaints)} errors" + (
                f", e.g. {'; '.join(sorted(set(c.split(', client')[0] for c in complaints))[:3])}" if complaints else ""))
            nginx.stop()
        for server in servers:
            server.stop()
        if postgres:
            postgres.close()
    submitted, stored = check(url)
    save_rate, ceiling_rate = rate(saves.timings.get("save", []))[0], rate(ceiling.timings.get("livez", []))[0]
    errors = logins.errors + starts.errors + saves.errors
    where = f"{args.servers} gunicorn ({args.workers}×{args.threads} gthread each) behind nginx" if nginx else \
        f"gunicorn {args.workers}×{args.threads} gthread"
    print(f"\n== {name}: {args.examinees} examinees × {args.answers} answers from a bank of "
          f"{max(args.bank, args.answers)}, entering with a {args.entrance}, pace {args.pace} s, {where}, {args.drivers} driver process(es)")
    print("\n".join(phases.lines))
    if not pace[1]:
        print(f"saves/s ÷ ceiling  {save_rate:.0f} ÷ {ceiling_rate:.0f} = {save_rate / ceiling_rate:.2f}"
              if ceiling_rate else "saves/s ÷ ceiling  -")
    print(f"errors             {len(errors)} (logins, starts and saves)")
    print(f"submitted attempts {submitted} of {args.examinees}")
    print(f"answers            {saves.acknowledged} acknowledged of {args.examinees * (args.saves or args.answers)} sent, "
          f"{stored} in the database ({'none lost' if stored >= saves.acknowledged else 'LOST ANSWERS'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examinees", type=int, default=2000)
    parser.add_argument("--answers", type=int, default=50)
    parser.add_argument("--saves", type=int, default=0, help="answers each examinee saves (0: all of his paper)")
    parser.add_argument("--bank", type=int, default=5000, help="questions in the bank the papers are drawn from")
    parser.add_argument("--pace", default="0", help="seconds between an examinee's answers: 0, or a range as 20-60")
    parser.add_argument("--start-spread", type=float, default=30.0, help="seconds over which all press start")
    parser.add_argument("--entrance", choices=("password", "code"), default="password",
                        help="log in with a password, or enter with a login slip's one-time code")
    parser.add_argument("--login-concurrency", type=int, default=16, help="logins in flight at once")
    parser.add_argument("--ceiling-requests", type=int, default=25, help="/livez requests per connection")
    parser.add_argument("--drivers", type=int, default=1, help="driver processes (one event loop each)")
    parser.add_argument("--servers", type=int, default=1, help="gunicorn instances; more than one: behind nginx")
    parser.add_argument("--nginx", action="store_true", help="put nginx in front of a single server too")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=1800.0)
    parser.add_argument("--databases", default="postgresql,sqlite")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # a socket per examinee in drivers and servers
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    for label, url in each_database(args.databases):
        run(label, url, args)


if __name__ == "__main__":
    main()
