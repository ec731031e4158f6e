"""Retake grants on attempts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retake_granted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('retake_granted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_attempt_retake_granted_by_id_user'), 'user', ['retake_granted_by_id'], ['id'])



def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attempt_retake_granted_by_id_user'), type_='foreignkey')
        batch_op.drop_column('retake_granted_by_id')
        batch_op.drop_column('retake_granted_at')

