"""The population of a draw, kept so the draw can be re-run and verified.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('draw', schema=None) as batch_op:
        batch_op.add_column(sa.Column('population', sa.LargeBinary(), nullable=True))



def downgrade():
    with op.batch_alter_table('draw', schema=None) as batch_op:
        batch_op.drop_column('population')

