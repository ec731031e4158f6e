"""Benchmark: a city's campaign — the district's campaign page and its Excel export.

    .venv/bin/python bench/campaign_rollup.py [--staff 50000] [--units 300] [--spot 1000] [--databases postgresql]

Builds a campaign of ``--units`` units (each with two offices under it, three tiers), every
unit's self-test closed with its list of who was expected fixed and every staff member's
attempt graded (no answers are stored: the roll-up reads attempts only), a district spot test
(抽测) of ``--spot`` people drawn across the units (95% of them sat it), and standing reports
from five units in six (one in ten of them late), each with a snapshot the size of a unit's
成绩汇总表. Rows go in by bulk inserts, not the ORM one by one.

Then, for each database, in a fresh process each: the admin's district page through the test
client (best and median of 5, after one warm-up), and the Excel export through the test client
(best and median of 3); each with the CPU time of the app's process (the database's is not
in it: a busy machine stretches the wall times, less so this) and its peak resident memory. Targets on PostgreSQL: the
page under 2 s, the export under 20 s.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import each_database  # noqa: E402

SECTIONS = [{"qtype": "single", "count": 20, "points": 2}, {"qtype": "multiple", "count": 10, "points": 4},
            {"qtype": "judge", "count": 20, "points": 1}]  # 100 points
PASSWORD = "bench-password-1"


def build(url: str, staff_count: int, unit_count: int, spot_size: int) -> int:
    """The campaign with its tests, attempts and reports; returns its id."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from examsite import create_app
    from examsite.accounts.services import create_user
    from examsite.clock import now
    from examsite.extensions import db
    from examsite.models import (
        Attempt, Bank, Campaign, CampaignBank, CampaignPlan, CampaignReport, CampaignUnit, Exam,
        ExamUnit, ExpectedExaminee, PaperPlan, Staff, Tier, Unit,
    )

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    rng = random.Random(18)
    with app.app_context():
        upgrade()
        moment = now().replace(microsecond=0)
        opens, closes = moment - timedelta(days=20), moment - timedelta(days=10)
        city = Unit(name="某市")
        db.session.add(city)
        db.session.flush()
        db.session.execute(insert(Unit), [{"name": f"单位{n + 1:03d}", "parent_id": city.id, "sort_order": n}
                                          for n in range(unit_count)])
        tops = list(db.session.scalars(select(Unit.id).where(Unit.parent_id == city.id).order_by(Unit.sort_order)))
        db.session.execute(insert(Unit), [{"name": f"科室{k + 1}", "parent_id": top, "sort_order": k}
                                          for top in tops for k in range(2)])
        offices = {top: [top] for top in tops}
        for unit_id, parent in db.session.execute(select(Unit.id, Unit.parent_id).where(Unit.parent_id.in_(tops))):
            offices[parent].append(unit_id)
        tiers = list(db.session.scalars(select(Tier.id).order_by(Tier.rank)))[:3]
        bank = Bank(name="基准题库")
        db.session.add(bank)
        db.session.flush()
        campaign = Campaign(title="全市警示教育月（基准）", starts_at=moment - timedelta(days=30),
                            ends_at=moment + timedelta(days=5), report_due=moment - timedelta(days=3))
        db.session.add(campaign)
        db.session.flush()
        db.session.execute(insert(CampaignUnit), [{"campaign_id": campaign.id, "unit_id": top} for top in tops])
        db.session.add(CampaignBank(campaign_id=campaign.id, bank_id=bank.id))
        for tier in tiers:
            db.session.add(CampaignPlan(campaign_id=campaign.id, tier_id=tier, sections=SECTIONS, duration_minutes=60,
                                        pass_mark=60))
        db.session.execute(insert(Exam), [
            {"title": f"单位{n + 1:03d}警示教育月测试", "mode": "all", "opens_at": opens, "closes_at": closes,
             "review_allowed": False, "score_shown": "on_submit", "created_at": moment, "expected_fixed_at": closes,
             "campaign_id": campaign.id, "organiser_unit_id": top} for n, top in enumerate(tops)])
        exam_of = dict(db.session.execute(select(Exam.organiser_unit_id, Exam.id).where(Exam.campaign_id == campaign.id)).all())
        spot = Exam(title="市纪委抽测（基准）", mode="sample", opens_at=closes + timedelta(days=2),
                    closes_at=closes + timedelta(days=3), expected_fixed_at=closes + timedelta(days=3),
                    campaign_id=campaign.id)
        db.session.add(spot)
        db.session.flush()
        db.session.execute(insert(ExamUnit), [{"exam_id": exam_of[top], "unit_id": top} for top in tops])
        db.session.execute(insert(PaperPlan), [
            {"exam_id": exam_id, "tier_id": tier, "sections": SECTIONS, "duration_minutes": 60, "pass_mark": 60,
             "multiple_scoring": "all_or_nothing"} for exam_id in [*exam_of.values(), spot.id] for tier in tiers])
        plan_of = {(exam_id, tier): plan_id for plan_id, exam_id, tier in db.session.execute(
            select(PaperPlan.id, PaperPlan.exam_id, PaperPlan.tier_id))}

        db.session.execute(insert(Staff), [
            {"staff_no": f"{n:07d}", "name": f"人员{n}", "unit_id": offices[tops[n % unit_count]][n // unit_count % 3],
             "tier_id": tiers[n % 3], "created_at": moment, "updated_at": moment} for n in range(staff_count)])
        staff = list(db.session.execute(select(Staff.id, Staff.unit_id, Staff.tier_id).order_by(Staff.id)))
        top_of = {office: top for top, units in offices.items() for office in units}
        ability = {sid: rng.random() for sid, _, _ in staff}
        db.session.execute(insert(ExpectedExaminee), [
            {"exam_id": exam_of[top_of[unit_id]], "staff_id": sid, "unit_id": unit_id, "tier_id": tier}
            for sid, unit_id, tier in staff])
        drawn = rng.sample(staff, spot_size)  # its list as stored at its close (the draw itself is not needed)
        db.session.execute(insert(ExpectedExaminee), [
            {"exam_id": spot.id, "staff_id": sid, "unit_id": unit_id, "tier_id": tier} for sid, unit_id, tier in drawn])

        def attempt(exam_id, sid, tier, started, leniency):
            score = round(min(100.0, max(0.0, rng.gauss(45 + 50 * ability[sid] + leniency, 6))))
            return {"exam_id": exam_id, "staff_id": sid, "plan_id": plan_of[(exam_id, tier)], "number": 1,
                    "seed": "bench", "paper": [], "started_at": started, "deadline": started + timedelta(hours=1),
                    "submitted_at": started + timedelta(minutes=rng.randint(10, 59)), "closed_by": "examinee",
                    "score": score, "score_detail": {}, "passed": score >= 60}

        rows = [attempt(exam_of[top_of[unit_id]], sid, tier, opens + timedelta(hours=1), 8)
                for sid, unit_id, tier in staff]
        rows += [attempt(spot.id, sid, tier, spot.opens_at + timedelta(hours=1), 0)
                 for sid, unit_id, tier in drawn if rng.random() < 0.95]
        for start in range(0, len(rows), 10_000):
            db.session.execute(insert(Attempt), rows[start:start + 10_000])

        members = {}
        for sid, unit_id, tier in staff:
            members.setdefault(top_of[unit_id], []).append(sid)
        reports = []
        for n, top in enumerate(tops):
            if n % 6 == 5:
                continue  # one unit in six has not reported
            late = n % 10 == 3
            snapshot = {"unit": {"id": top}, "scores": [
                {"staff_no": f"{sid:07d}", "name": f"人员{sid}", "unit": "某市/单位/科室", "tier": "一般干部",
                 "test": "警示教育月测试", "score": 80, "full_marks": 100, "percent": 80, "band": "良好", "note": ""}
                for sid in members[top]]}
            reports.append({"campaign_id": campaign.id, "unit_id": top, "snapshot": snapshot,
                            "submitted_at": campaign.report_due + timedelta(days=1 if late else -1)})
        db.session.execute(insert(CampaignReport), reports)
        create_user("bench-admin", PASSWORD, "admin", "管理员")
        db.session.commit()
        if url.startswith("postgresql"):
            for table in ("attempt", "exam", "unit", "staff"):
                db.session.execute(db.text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
            db.session.commit()
            db.session.connection().exec_driver_sql("ANALYZE")
            db.session.commit()
        return campaign.id


def child(what: str, campaign_id: str, units: str) -> None:
    """In a fresh process: log in as the admin and time the page or the export, then report."""
    from examsite import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["EXAMSITE_DATABASE_URL"], "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"username": "bench-admin", "password": PASSWORD})
    url = f"/campaigns/{campaign_id}" + ("/export.xlsx" if what == "export" else "")
    runs = 3 if what == "export" else 6
    times, cpu, size = [], [], 0
    for _ in range(runs):
        start, used = time.perf_counter(), time.process_time()
        response = client.get(url)
        body = response.get_data()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - used)
        assert response.status_code == 200, response.status_code
        size = len(body)
        if what == "page":
            assert response.get_data(as_text=True).count('class="unit-line') == int(units)
    if what == "page":
        times, cpu = times[1:], cpu[1:]  # the first warms the app (templates, the unit tree)
    print(json.dumps([times, cpu, peak_memory_mb(), size]))


def peak_memory_mb() -> float:
    """This process's peak resident memory. (ru_maxrss would count the parent's memory at fork.)"""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024


def measure(url: str, what: str, campaign_id: int, units: int) -> tuple[list[float], list[float], float, int]:
    env = dict(os.environ, EXAMSITE_DATABASE_URL=url, EXAMSITE_SECRET_KEY="bench")
    done = subprocess.run([sys.executable, __file__, "--child", what, str(campaign_id), str(units)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    out = done.stdout
    return tuple(json.loads(out.strip().splitlines()[-1]))


def run(name: str, url: str, args) -> None:
    start = time.perf_counter()
    campaign_id = build(url, args.staff, args.units, args.spot)
    print(f"\n== {name}: {args.staff:,} staff in {args.units} units, each unit's self-test closed with every "
          f"attempt, a spot test of {args.spot:,} (built in {time.perf_counter() - start:.0f} s)")
    for label, what in (("district page", "page"), ("Excel export", "export")):
        times, cpu, peak, size = measure(url, what, campaign_id, args.units)
        print(f"{label:18} best {min(times):.2f} s, median {statistics.median(times):.2f} s "
              f"(the app's own CPU: median {statistics.median(cpu):.2f} s), "
              f"{size / 1e3:.0f} KB, peak {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=50_000)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--spot", type=int, default=1_000)
    parser.add_argument("--databases", default="postgresql")
    parser.add_argument("--child", nargs=3, metavar=("WHAT", "CAMPAIGN_ID", "UNITS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    for label, url in each_database(args.databases):
        run(label, url, args)


if __name__ == "__main__":
    main()
