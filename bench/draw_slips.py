"""Benchmark: draw 2,000 of a 500,000-staff roster with 300 strata, then make their login slips.

    .venv/bin/python bench/draw_slips.py [--staff 500000] [--strata 300] [--size 2000]

Targets on a 2-core machine (SQLite): the draw under 2 s, the slips for 2,000 under 3 s.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(label, function):
    start = time.perf_counter()
    value = function()
    print(f"{label:<46} {time.perf_counter() - start:6.2f} s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=500_000)
    parser.add_argument("--strata", type=int, default=300)
    parser.add_argument("--size", type=int, default=2000)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import select

    from examsite import create_app
    from examsite.clock import now
    from examsite.extensions import db
    from examsite.models import Exam, Staff, Tier, Unit
    from examsite.sampling import services, slips

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3", "SECRET_KEY": "bench",
                          "SERVER_NAME": "exam.example.gov"})
        with app.app_context():
            upgrade()

            def roster():
                province = Unit(name="省直")
                db.session.add(province)
                db.session.flush()
                db.session.execute(Unit.__table__.insert(), [
                    {"name": f"单位{n:03d}", "parent_id": province.id, "sort_order": n, "created_at": now()}
                    for n in range(args.strata)])
                unit_ids = list(db.session.scalars(select(Unit.id).where(Unit.parent_id == province.id)))
                tier = db.session.scalar(select(Tier.id).where(Tier.name == "一般干部"))
                moment = now()
                for start in range(0, args.staff, 50_000):
                    db.session.execute(Staff.__table__.insert(), [
                        {"staff_no": f"{n:07d}", "name": f"人员{n}", "unit_id": unit_ids[n % len(unit_ids)],
                         "tier_id": tier, "created_at": moment, "updated_at": moment}
                        for n in range(start, min(start + 50_000, args.staff))])
                db.session.commit()

            timed(f"load roster: {args.staff} staff in {args.strata} units (setup)", roster)
            units = [u.path for u in db.session.scalars(select(Unit).where(Unit.parent_id.is_not(None)))]
            request = services.DrawRequest(unit_paths=units, size=args.size, stratify=True, seed="bench-528")
            made = timed(f"draw {args.size}, stratified over {len(units)} units", lambda: services.make_draw(request))
            db.session.commit()
            print(f"  drawn {len(made.members)}, population {made.population_size}, hash {made.population_hash[:16]}…")

            exam = Exam(title="基准抽测", mode="sample", opens_at=now(), closes_at=now().replace(year=now().year + 1))
            db.session.add(exam)
            db.session.commit()

            def make_slips():
                slips.assign(made, exam)
                issued = slips.issue_codes(made, "bench")
                data = slips.slips_workbook(issued, exam, "http://exam.example.gov/code")
                db.session.commit()
                return data

            with app.test_request_context():
                data = timed(f"assign, accounts, codes and slips for {args.size}", make_slips)
            print(f"  slips workbook {len(data) / 1e6:.1f} MB")
            check = timed("verify the stored draw", lambda: services.verify(made))
            assert check.ok and check.roster_unchanged


if __name__ == "__main__":
    main()
