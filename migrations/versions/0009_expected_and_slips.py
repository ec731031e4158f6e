"""Who was expected to take a test, stored at its close; login slips that print again the same
code, and personal one-time codes (a new slip for one person).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('expected_examinee',
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('tier_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['exam_id'], ['exam.id'], name=op.f('fk_expected_examinee_exam_id_exam')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_expected_examinee_staff_id_staff')),
    sa.ForeignKeyConstraint(['tier_id'], ['tier.id'], name=op.f('fk_expected_examinee_tier_id_tier')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_expected_examinee_unit_id_unit')),
    sa.PrimaryKeyConstraint('exam_id', 'staff_id', name=op.f('pk_expected_examinee'))
    )
    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expected_fixed_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('access_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nonce', sa.String(length=32), nullable=True))
        batch_op.alter_column('exam_id', existing_type=sa.Integer(), nullable=True)
    op.create_index('uq_access_code_personal', 'access_code', ['staff_id'], unique=True,
                    sqlite_where=sa.text('exam_id IS NULL'), postgresql_where=sa.text('exam_id IS NULL'))


def downgrade():
    op.drop_index('uq_access_code_personal', table_name='access_code')
    op.execute("DELETE FROM access_code WHERE exam_id IS NULL")
    with op.batch_alter_table('access_code', schema=None) as batch_op:
        batch_op.alter_column('exam_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('nonce')

    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.drop_column('expected_fixed_at')

    op.drop_table('expected_examinee')
