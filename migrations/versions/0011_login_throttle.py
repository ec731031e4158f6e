"""Wrong passwords and codes counted per account and address (login_throttle).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttle',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('failures >= 0', name=op.f('ck_login_throttle_failures_not_negative')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_login_throttle_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', 'address', name=op.f('pk_login_throttle'))
    )


def downgrade():
    op.drop_table('login_throttle')
