"""Campaigns (活动): units taking part, their banks and default plans, reports (报送),
exemptions; a test's campaign, organising unit and the test it makes up; a unit's own bank;
tests of named people (补测, exam_member).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('report_due', sa.DateTime(), nullable=False),
    sa.Column('band_excellent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('band_good', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('band_pass', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('makeup_rule', sa.String(length=20), nullable=False),
    sa.Column('flag_pass_rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('flag_gap', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('flag_participation', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("makeup_rule IN ('replace_capped', 'best')", name=op.f('ck_campaign_makeup_rule_known')),
    sa.CheckConstraint('band_pass >= 0 AND band_pass <= band_good AND band_good <= band_excellent AND band_excellent <= 100', name=op.f('ck_campaign_bands_ordered')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_campaign_period_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_campaign_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign'))
    )
    op.create_table('campaign_bank',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('bank_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bank_id'], ['bank.id'], name=op.f('fk_campaign_bank_bank_id_bank')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_bank_campaign_id_campaign')),
    sa.PrimaryKeyConstraint('campaign_id', 'bank_id', name=op.f('pk_campaign_bank'))
    )
    op.create_table('campaign_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('tier_id', sa.Integer(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('pass_mark', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('multiple_scoring', sa.String(length=20), nullable=False),
    sa.CheckConstraint("multiple_scoring IN ('all_or_nothing', 'partial')", name=op.f('ck_campaign_plan_multiple_scoring_known')),
    sa.CheckConstraint('duration_minutes > 0', name=op.f('ck_campaign_plan_duration_positive')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_plan_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['tier_id'], ['tier.id'], name=op.f('fk_campaign_plan_tier_id_tier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_plan')),
    sa.UniqueConstraint('campaign_id', 'tier_id', name='uq_campaign_plan_campaign_tier')
    )
    op.create_table('campaign_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('scan_filename', sa.String(length=255), nullable=True),
    sa.Column('scan_type', sa.String(length=50), nullable=True),
    sa.Column('scan_data', sa.LargeBinary(), nullable=True),
    sa.Column('scan_uploaded_at', sa.DateTime(), nullable=True),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.Column('returned_by_id', sa.Integer(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_report_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['returned_by_id'], ['user.id'], name=op.f('fk_campaign_report_returned_by_id_user')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_campaign_report_submitted_by_id_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_campaign_report_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_report'))
    )
    with op.batch_alter_table('campaign_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_report_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('uq_campaign_report_standing', ['campaign_id', 'unit_id'], unique=True, sqlite_where=sa.text('returned_at IS NULL'), postgresql_where=sa.text('returned_at IS NULL'))

    op.create_table('campaign_unit',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_unit_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_campaign_unit_unit_id_unit')),
    sa.PrimaryKeyConstraint('campaign_id', 'unit_id', name=op.f('pk_campaign_unit'))
    )
    op.create_table('exemption',
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('attachment_filename', sa.String(length=255), nullable=True),
    sa.Column('attachment_type', sa.String(length=50), nullable=True),
    sa.Column('attachment_data', sa.LargeBinary(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['exam_id'], ['exam.id'], name=op.f('fk_exemption_exam_id_exam')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_exemption_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_exemption_staff_id_staff')),
    sa.PrimaryKeyConstraint('exam_id', 'staff_id', name=op.f('pk_exemption'))
    )
    with op.batch_alter_table('bank', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_bank_owner_unit_id_unit'), 'unit', ['owner_unit_id'], ['id'])

    op.create_table('exam_member',
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['exam_id'], ['exam.id'], name=op.f('fk_exam_member_exam_id_exam')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_exam_member_staff_id_staff')),
    sa.PrimaryKeyConstraint('exam_id', 'staff_id', name=op.f('pk_exam_member'))
    )
    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.drop_constraint('mode_known', type_='check')
        batch_op.create_check_constraint('mode_known', "mode IN ('all', 'sample', 'named')")
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('organiser_unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('makeup_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_exam_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exam_makeup_of_id'), ['makeup_of_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_exam_campaign_id_campaign'), 'campaign', ['campaign_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_exam_makeup_of_id_exam'), 'exam', ['makeup_of_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_exam_organiser_unit_id_unit'), 'unit', ['organiser_unit_id'], ['id'])



def downgrade():
    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_exam_organiser_unit_id_unit'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_exam_makeup_of_id_exam'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_exam_campaign_id_campaign'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_exam_makeup_of_id'))
        batch_op.drop_index(batch_op.f('ix_exam_campaign_id'))
        batch_op.drop_column('makeup_of_id')
        batch_op.drop_column('organiser_unit_id')
        batch_op.drop_column('campaign_id')
        batch_op.drop_constraint('mode_known', type_='check')
        batch_op.create_check_constraint('mode_known', "mode IN ('all', 'sample')")
    op.drop_table('exam_member')

    with op.batch_alter_table('bank', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_bank_owner_unit_id_unit'), type_='foreignkey')
        batch_op.drop_column('owner_unit_id')

    op.drop_table('exemption')
    op.drop_table('campaign_unit')
    with op.batch_alter_table('campaign_report', schema=None) as batch_op:
        batch_op.drop_index('uq_campaign_report_standing', sqlite_where=sa.text('returned_at IS NULL'), postgresql_where=sa.text('returned_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_campaign_report_campaign_id'))

    op.drop_table('campaign_report')
    op.drop_table('campaign_plan')
    op.drop_table('campaign_bank')
    op.drop_table('campaign')
