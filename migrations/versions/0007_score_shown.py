"""When an examinee sees his own score: on submitting, after the test closes, or never.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score_shown', sa.String(length=20), server_default='on_submit', nullable=False))
        batch_op.create_check_constraint('score_shown_known', "score_shown IN ('on_submit', 'after_close', 'never')")


def downgrade():
    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.drop_constraint('score_shown_known', type_='check')
        batch_op.drop_column('score_shown')
