"""Urgent cases: removal and compassionate flags, calls made, escalation, the duty rota.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:58:42.752045
"""
from alembic import op
import sqlalchemy as sa
import mpel_app.db.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('duty_rota',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=False),
    sa.Column('manager_name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], ),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('urgent_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enquiry_id', sa.Integer(), nullable=False),
    sa.Column('at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('spoken_to', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiries.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('urgent_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_urgent_contacts_enquiry_id'), ['enquiry_id'], unique=False)

    with op.batch_alter_table('enquiries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('compassionate', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('removal_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('imminent_removal', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('barrier_to_removal', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('urgent_destination', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_leader_email', sa.String(length=254), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_column('team_leader_email')

    with op.batch_alter_table('enquiries', schema=None) as batch_op:
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('urgent_destination')
        batch_op.drop_column('barrier_to_removal')
        batch_op.drop_column('imminent_removal')
        batch_op.drop_column('removal_at')
        batch_op.drop_column('compassionate')

    with op.batch_alter_table('urgent_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_urgent_contacts_enquiry_id'))

    op.drop_table('urgent_contacts')
    op.drop_table('duty_rota')
