"""The enquiry desk: regions, members, users, enquiries, search tokens, audit.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 12:14:11.339798
"""
from alembic import op
import sqlalchemy as sa
import mpel_app.db.types


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('closure_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('nation', sa.String(length=3), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day', 'nation')
    )
    op.create_table('reference_counters',
    sa.Column('prefix', sa.String(length=3), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix')
    )
    op.create_table('regions',
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('inbox_name', sa.String(length=120), nullable=False),
    sa.Column('inbox_address', sa.String(length=254), nullable=False),
    sa.Column('fax_number', sa.String(length=32), nullable=False),
    sa.Column('phone_number', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_folded', sa.String(length=120).with_variant(sa.String(length=120, collation='C'), 'postgresql'), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('constituency', sa.String(length=120), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=False),
    sa.Column('privy_counsellor', sa.Boolean(), nullable=False),
    sa.Column('office_phone', sa.String(length=32), nullable=False),
    sa.Column('office_fax', sa.String(length=32), nullable=False),
    sa.Column('office_email', sa.String(length=254), nullable=False),
    sa.Column('passcode_hash', sa.String(length=200), nullable=True),
    sa.Column('passcode_changed_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_members_name_folded'), ['name_folded'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('roles', sa.String(length=400), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=True),
    sa.Column('grade', sa.String(length=8), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('created_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entity', ['entity', 'entity_id', 'at'], unique=False)

    op.create_table('enquiries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=9), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('received_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('caller_kind', sa.String(length=12), nullable=True),
    sa.Column('caller_name', sa.String(length=120), nullable=False),
    sa.Column('passcode_verified_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('passcode_failures', sa.Integer(), nullable=False),
    sa.Column('constituency_mp', sa.Boolean(), nullable=False),
    sa.Column('authorised_representative', sa.Boolean(), nullable=False),
    sa.Column('third_party', sa.Boolean(), nullable=False),
    sa.Column('identity_confirmed', sa.Boolean(), nullable=False),
    sa.Column('subject_name', sa.String(length=200), nullable=False),
    sa.Column('subject_dob', sa.Date(), nullable=True),
    sa.Column('nationality', sa.String(length=80), nullable=False),
    sa.Column('nationality_folded', sa.String(length=80).with_variant(sa.String(length=80, collation='C'), 'postgresql'), nullable=False),
    sa.Column('ho_reference', sa.String(length=40), nullable=False),
    sa.Column('cts_reference', sa.String(length=20), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('written_confirmation', sa.Boolean(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=True),
    sa.Column('file_needed', sa.Boolean(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('sent_to_region_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('completed_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.Column('deletion_reason', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference')
    )
    with op.batch_alter_table('enquiries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enquiries_cts_reference'), ['cts_reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_enquiries_ho_reference'), ['ho_reference'], unique=False)
        batch_op.create_index('ix_enquiries_nationality', ['nationality_folded', 'received_at'], unique=False)
        batch_op.create_index('ix_enquiries_queue', ['region_code', 'status', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_enquiries_received_at'), ['received_at'], unique=False)
        batch_op.create_index('ix_enquiries_status_received', ['status', 'received_at'], unique=False)

    op.create_table('subject_name_tokens',
    sa.Column('enquiry_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=80).with_variant(sa.String(length=80, collation='C'), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['enquiry_id'], ['enquiries.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enquiry_id', 'token')
    )
    with op.batch_alter_table('subject_name_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_subject_name_tokens_token', ['token', 'enquiry_id'], unique=False)
    counters = sa.table("reference_counters", sa.column("prefix", sa.String), sa.column("last_number", sa.Integer))
    op.bulk_insert(counters, [{"prefix": p, "last_number": 0}
                              for p in ("MPH", "LSE", "MEE", "NEY", "WSW", "NWE", "SNI")])


def downgrade() -> None:
    with op.batch_alter_table('subject_name_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_subject_name_tokens_token')

    op.drop_table('subject_name_tokens')
    with op.batch_alter_table('enquiries', schema=None) as batch_op:
        batch_op.drop_index('ix_enquiries_status_received')
        batch_op.drop_index(batch_op.f('ix_enquiries_received_at'))
        batch_op.drop_index('ix_enquiries_queue')
        batch_op.drop_index('ix_enquiries_nationality')
        batch_op.drop_index(batch_op.f('ix_enquiries_ho_reference'))
        batch_op.drop_index(batch_op.f('ix_enquiries_cts_reference'))

    op.drop_table('enquiries')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entity')

    op.drop_table('audit_log')
    op.drop_table('users')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_name_folded'))

    op.drop_table('members')
    op.drop_table('regions')
    op.drop_table('reference_counters')
    op.drop_table('closure_days')
