"""deadlines: the written deadline next to the effective one, a plan's rule for
deadlines on days off, the calendar decisions, the tally's awaiting count

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 11:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('occurrence') as batch:
        batch.add_column(sa.Column('written_due', sa.Date(), nullable=True))
    op.execute("UPDATE occurrence SET written_due = due")
    with op.batch_alter_table('plan') as batch:
        batch.add_column(sa.Column('deadline_on_day_off', sa.String(length=20), nullable=False,
                                   server_default='next_working_day'))
    with op.batch_alter_table('agency_tally') as batch:
        batch.add_column(sa.Column('awaiting', sa.Integer(), nullable=False, server_default='0'))
    op.execute("UPDATE tally_state SET as_of = NULL")  # counted again with the awaiting category
    with op.batch_alter_table('notification') as batch:
        batch.add_column(sa.Column('reminded_before', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table('calendar_day',
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('working', sa.Boolean(), nullable=False),
                    sa.Column('note', sa.String(), nullable=False, server_default=''),
                    sa.Column('source', sa.String(), nullable=False, server_default=''),
                    sa.PrimaryKeyConstraint('day'))


def downgrade() -> None:
    op.drop_table('calendar_day')
    with op.batch_alter_table('notification') as batch:
        batch.drop_column('reminded_before')
    with op.batch_alter_table('agency_tally') as batch:
        batch.drop_column('awaiting')
    with op.batch_alter_table('plan') as batch:
        batch.drop_column('deadline_on_day_off')
    with op.batch_alter_table('occurrence') as batch:
        batch.drop_column('written_due')
    op.execute("UPDATE tally_state SET as_of = NULL")
