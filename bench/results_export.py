"""Benchmark: the results of a 50,000-attempt test — the Excel export and the results page.

    .venv/bin/python bench/results_export.py [--attempts 50000] [--questions 30] [--databases sqlite,postgresql]

Builds a closed test in 30 towns × 10 offices, three tiers, a 300-question bank and a paper of
``--questions`` per attempt (every answer stored and graded, 5% of the staff absent). Then, for
each database: `flask results export` in a fresh process (its time, and the peak resident memory
of that whole process, Python and the app included), and the admin's results page rendered in-process (best and median of 5).
Targets: export under 15 s and 300 MB; the results page under 1 s on PostgreSQL.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import each_database  # noqa: E402

TYPES = [("single", 100, 2), ("multiple", 100, 4), ("judge", 50, 1), ("fill", 50, 2)]


def build(url: str, attempts: int, per_paper: int) -> int:
    """The closed test with its attempts and answers; returns its id."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from examsite import create_app
    from examsite.clock import now
    from examsite.extensions import db
    from examsite.models import Answer, Attempt, Bank, Exam, PaperPlan, Question, Staff, Tier, Unit

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    rng = random.Random(7)
    with app.app_context():
        upgrade()
        moment = now()
        district = Unit(name="某区")
        db.session.add(district)
        db.session.flush()
        offices = []
        for town in range(30):
            parent = Unit(name=f"第{town + 1:02d}镇", parent_id=district.id, sort_order=town)
            db.session.add(parent)
            db.session.flush()
            for office in range(10):
                child = Unit(name=f"科室{office + 1:02d}", parent_id=parent.id, sort_order=office)
                db.session.add(child)
                db.session.flush()
                offices.append(child.id)
        tiers = list(db.session.scalars(select(Tier.id).order_by(Tier.rank)))[:3]
        bank = Bank(name="基准题库")
        db.session.add(bank)
        db.session.flush()
        questions = {}
        for qtype, count, _ in TYPES:
            for n in range(count):
                options = ["甲", "乙", "丙", "丁"] if qtype in ("single", "multiple") else []
                answer = {"single": "A", "multiple": "AC", "judge": True, "fill": [f"答案{n}"]}[qtype]
                question = Question(bank_id=bank.id, qtype=qtype, stem=f"{qtype} 第{n}题", options=options,
                                    answer=answer)
                db.session.add(question)
                db.session.flush()
                questions.setdefault(qtype, []).append(question.id)
        share = {qtype: count for qtype, count, _ in TYPES}
        sections = [{"qtype": qtype, "count": max(1, per_paper * share[qtype] // 300), "points": points}
                    for qtype, _, points in TYPES]
        exam = Exam(title="全区纪法知识测试（基准）", mode="all", opens_at=moment - timedelta(days=2),
                    closes_at=moment - timedelta(days=1))
        db.session.add(exam)
        db.session.flush()
        plans = {}
        for tier in tiers:
            plan = PaperPlan(exam_id=exam.id, tier_id=tier, sections=sections, duration_minutes=60, pass_mark=60)
            db.session.add(plan)
            db.session.flush()
            plans[tier] = plan.id
        total = sum(s["count"] * s["points"] for s in sections)
        staff_count = int(attempts / 0.95)
        db.session.execute(Staff.__table__.insert(), [
            {"staff_no": f"{n:07d}", "name": f"人员{n}", "unit_id": offices[n % len(offices)],
             "tier_id": tiers[n % 3], "created_at": moment, "updated_at": moment} for n in range(staff_count)])
        staff = list(db.session.execute(select(Staff.id, Staff.tier_id).order_by(Staff.id)))
        started = exam.opens_at + timedelta(hours=1)
        attempt_rows, answer_rows = [], []
        for n, (staff_id, tier) in enumerate(staff[:attempts], start=1):
            ability = rng.random()
            detail, score = {}, 0.0
            for section in sections:
                got = 0.0
                for qid in rng.sample(questions[section["qtype"]], section["count"]):
                    right = rng.random() < 0.35 + 0.6 * ability
                    response = _response(section["qtype"], right, rng)
                    points = section["points"] if right else 0.0
                    got += points
                    answer_rows.append((n, qid, json.dumps(response), 1, started, points, right))
                detail[section["qtype"]] = got
                score += got
            score = round(score * 100 / total, 2)
            attempt_rows.append({"id": n, "exam_id": exam.id, "staff_id": staff_id, "plan_id": plans[tier],
                                 "number": 1, "seed": "bench", "paper": [], "started_at": started,
                                 "deadline": started + timedelta(hours=1),
                                 "submitted_at": started + timedelta(minutes=rng.randint(5, 59)),
                                 "closed_by": "examinee", "score": score, "score_detail": detail,
                                 "passed": score >= 60})
        for start in range(0, len(attempt_rows), 10_000):
            db.session.execute(Attempt.__table__.insert(), attempt_rows[start:start + 10_000])
        db.session.commit()
        _copy_answers(db, Answer, answer_rows)
        if url.startswith("postgresql"):
            db.session.execute(db.text("SELECT setval('attempt_id_seq', (SELECT max(id) FROM attempt))"))
            db.session.commit()
            db.session.connection().exec_driver_sql("ANALYZE")
            db.session.commit()
        return exam.id


def _response(qtype: str, right: bool, rng: random.Random):
    if qtype == "single":
        return "A" if right else rng.choice("BCD")
    if qtype == "multiple":
        return "AC" if right else rng.choice(["A", "AB", "ACD", "BD"])
    if qtype == "judge":
        return right
    return ["答案"] if right else ["不知道"]


def _copy_answers(db, Answer, rows) -> None:
    columns = "attempt_id, question_id, response, client_seq, saved_at, points, correct"
    connection = db.session.connection().connection.dbapi_connection
    if db.session.get_bind().dialect.name == "postgresql":
        with connection.cursor() as cursor, cursor.copy(f"COPY answer ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        connection.executemany(f"INSERT INTO answer ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               [(a, q, r, s, t.isoformat(" "), p, int(c)) for a, q, r, s, t, p, c in rows])
    db.session.commit()


def export(url: str, exam_id: int, folder: str) -> tuple[float, float, int]:
    """(seconds, peak MB, file bytes) of `flask results export` run in a fresh process."""
    out = Path(folder) / "results.xlsx"
    env = dict(os.environ, EXAMSITE_DATABASE_URL=url, EXAMSITE_SECRET_KEY="bench")
    report = subprocess.run([sys.executable, __file__, "--child-export", str(exam_id), str(out)], cwd=ROOT, env=env,
                            check=True, capture_output=True, text=True).stdout
    seconds, peak = json.loads(report.strip().splitlines()[-1])
    return seconds, peak, out.stat().st_size


def child_export(exam_id: str, out: str) -> None:
    """In the fresh process: run the command as cron or an admin would, then report."""
    from wsgi import app

    start = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["results", "export", exam_id, out])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    print(json.dumps([time.perf_counter() - start, peak_memory_mb()]))


def peak_memory_mb() -> float:
    """This process's peak resident memory. (ru_maxrss would count the parent's memory at fork.)"""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024


def results_page(url: str, exam_id: int, runs: int = 5) -> list[float]:
    """Seconds to render the admin's results page, ``runs`` times."""
    from examsite import create_app
    from examsite.accounts.services import create_user
    from examsite.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        create_user("bench-admin", "bench-password-1", "admin", "管理员")
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"username": "bench-admin", "password": "bench-password-1"})
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(f"/exams/{exam_id}/results/")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200 and "第01镇" in response.get_data(as_text=True)
    return times


def run(name: str, url: str, args, folder: str) -> None:
    start = time.perf_counter()
    exam_id = build(url, args.attempts, args.questions)
    print(f"\n== {name}: {args.attempts:,} attempts × {args.questions} answers "
          f"(built in {time.perf_counter() - start:.0f} s)")
    seconds, peak, size = export(url, exam_id, folder)
    print(f"export (flask results export)   {seconds:6.2f} s, peak {peak:.0f} MB, file {size / 1e6:.1f} MB")
    times = results_page(url, exam_id)
    print(f"results page                    best {min(times):.2f} s, median {statistics.median(times):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=50_000)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--child-export", nargs=2, metavar=("EXAM_ID", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_export:
        return child_export(*args.child_export)
    for label, url in each_database(args.databases):
        with tempfile.TemporaryDirectory() as folder:
            run(label, url, args, folder)


if __name__ == "__main__":
    main()
