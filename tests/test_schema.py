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
