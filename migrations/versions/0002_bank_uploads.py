"""Bank uploads kept in the database until the admin confirms their preview.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bank_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_bank_upload_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_upload'))
    )
    with op.batch_alter_table('bank_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_upload_created_at'), ['created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('bank_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_upload_created_at'))

    op.drop_table('bank_upload')
