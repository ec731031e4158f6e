"""A token the database renews whenever any question is added, changed or removed.

A test's start draws from every question in use; each worker keeps that pool and reads it again
only when this token has changed. Triggers renew it, so no way of writing questions (the app,
a bulk import, a hand-made fix in psql) can leave a worker drawing from an old pool. The token
is random, not a counter: an emptied or restored database never repeats an old one.

SQLite rebuilds a table to alter it and drops its triggers with it: a later revision that
alters the question table on SQLite must create the three triggers again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

SQLITE_NEW_TOKEN = "UPDATE question_revision SET token = lower(hex(randomblob(16)))"


def upgrade():
    op.create_table(
        'question_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("INSERT INTO question_revision (id, token) VALUES (1, gen_random_uuid()::text)")
        op.execute(
            "CREATE FUNCTION question_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "UPDATE question_revision SET token = gen_random_uuid()::text; RETURN NULL; END $$")
        op.execute(
            "CREATE TRIGGER question_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON question "
            "FOR EACH STATEMENT EXECUTE FUNCTION question_changed()")
    else:  # SQLite has only row triggers: a bulk import renews the token once per row, in its transaction
        op.execute("INSERT INTO question_revision (id, token) VALUES (1, lower(hex(randomblob(16))))")
        for event in ('insert', 'update', 'delete'):
            op.execute(f"CREATE TRIGGER question_{event}ed AFTER {event.upper()} ON question "
                       f"BEGIN {SQLITE_NEW_TOKEN}; END")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER question_changed ON question")
        op.execute("DROP FUNCTION question_changed()")
    else:
        for event in ('insert', 'update', 'delete'):
            op.execute(f"DROP TRIGGER question_{event}ed")
    op.drop_table('question_revision')
