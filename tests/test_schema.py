"""The migrations and the models describe the same schema, on both databases."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from examsite.extensions import db as _db


def test_migrations_match_the_models(db):
    with _db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, _db.metadata)
    assert diff == []


def test_default_tiers_exist(db):
    from sqlalchemy import select

    from examsite.models import Tier

    assert db.session.scalars(select(Tier.name).order_by(Tier.rank)).all() == ["县处级", "乡科级", "一般干部"]


def test_database_refuses_a_liaison_without_unit(db):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from examsite.models import User

    db.session.add(User(username="x", password_hash="x", role="liaison", display_name="x"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_sqlite_database_in_use_upgrades_through_every_revision(tmp_path):
    """SQLite rebuilds a table to alter it; with rows pointing at that table (answers at attempts,
    attempts at tests) the rebuild must not trip the foreign keys, and must leave them intact."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from examsite import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.sqlite3", "SECRET_KEY": "test"})
    with app.app_context():
        upgrade(revision="0002")
        with _db.engine.begin() as conn:
            for statement in (
                "INSERT INTO unit (id, name, sort_order, created_at) VALUES (1, '城南区', 0, '2026-01-01')",
                "INSERT INTO staff (id, staff_no, name, unit_id, tier_id, created_at, updated_at) "
                "VALUES (1, '0001', '张三', 1, 1, '2026-01-01', '2026-01-01')",
                "INSERT INTO exam (id, title, mode, opens_at, closes_at, review_allowed, created_at) "
                "VALUES (1, '旧测试', 'all', '2026-01-01', '2026-01-02', 0, '2026-01-01')",
                "INSERT INTO paper_plan (id, exam_id, tier_id, sections, duration_minutes, pass_mark, multiple_scoring) "
                "VALUES (1, 1, 1, '[]', 30, 6, 'all_or_nothing')",
                "INSERT INTO attempt (id, exam_id, staff_id, plan_id, number, seed, paper, started_at, deadline) "
                "VALUES (1, 1, 1, 1, 1, 's', '[]', '2026-01-01', '2026-01-01 00:30')",
                "INSERT INTO bank (id, name, created_at) VALUES (1, '题库', '2026-01-01')",
                "INSERT INTO question (id, bank_id, qtype, stem, options, answer, retired, created_at, updated_at) "
                "VALUES (1, 1, 'judge', '题', '[]', 'true', 0, '2026-01-01', '2026-01-01')",
                "INSERT INTO answer (id, attempt_id, question_id, response, client_seq, saved_at) "
                "VALUES (1, 1, 1, 'true', 1, '2026-01-01')",
            ):
                conn.execute(text(statement))
        upgrade()
        with _db.engine.connect() as conn:
            assert conn.execute(text("SELECT score_shown FROM exam")).scalar() == "on_submit"
            assert conn.execute(text("SELECT count(*) FROM answer JOIN attempt ON attempt.id = answer.attempt_id"
                                     " JOIN exam ON exam.id = attempt.exam_id")).scalar() == 1
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1  # enforcement is back on
        _db.engine.dispose()
