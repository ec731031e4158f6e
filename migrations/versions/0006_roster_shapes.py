"""Rosters as offices keep them: the rank-to-tier map, 职级/身份证号/离岗 on staff, roster uploads
kept for their preview.

The default map follows the civil-service grade table (《公务员职务与职级并行规定》): 一级至四级调研员
are 县处级, 一级至四级主任科员 乡科级, 一级、二级科员 and below 一般干部; leading posts of a county or
district (局长, 镇长 …) are 乡科级. The admin edits the map afterwards.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

DEFAULT_MAP = {
    "县处级": ["正处级", "副处级", "正县级", "副县级", "县处级正职", "县处级副职",
              "一级调研员", "二级调研员", "三级调研员", "四级调研员"],
    "乡科级": ["正科级", "副科级", "乡科级正职", "乡科级副职",
              "一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员",
              "局长", "副局长", "镇长", "副镇长", "乡长", "副乡长"],
    "一般干部": ["科员", "一级科员", "二级科员", "科员级", "办事员", "试用期", "试用期人员"],
}


def upgrade():
    op.create_table('rank_tier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.String(length=40), nullable=False),
    sa.Column('tier_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tier_id'], ['tier.id'], name=op.f('fk_rank_tier_tier_id_tier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rank_tier')),
    sa.UniqueConstraint('rank', name=op.f('uq_rank_tier_rank'))
    )
    with op.batch_alter_table('rank_tier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rank_tier_tier_id'), ['tier_id'], unique=False)

    op.create_table('roster_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_roster_upload_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_upload'))
    )
    with op.batch_alter_table('roster_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_upload_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rank', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('id_number', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('left_at', sa.DateTime(), nullable=True))

    connection = op.get_bind()
    tiers = dict(connection.execute(sa.text("SELECT name, id FROM tier")).all())
    rows = [{"rank": rank, "tier_id": tiers[tier]} for tier, ranks in DEFAULT_MAP.items() if tier in tiers
            for rank in ranks]
    if rows:
        connection.execute(sa.text("INSERT INTO rank_tier (rank, tier_id, created_at) "
                                   "VALUES (:rank, :tier_id, CURRENT_TIMESTAMP)"), rows)


def downgrade():
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('left_at')
        batch_op.drop_column('id_number')
        batch_op.drop_column('rank')

    with op.batch_alter_table('roster_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_upload_created_at'))

    op.drop_table('roster_upload')
    with op.batch_alter_table('rank_tier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rank_tier_tier_id'))

    op.drop_table('rank_tier')
