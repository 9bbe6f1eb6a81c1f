"""CTS correspondence: drafting units and their members, letters, rejections, named handlers,
documents (scans, written agreements, replies), per-year CTS counters, desk settings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:27:34.537684

Written from an autogenerate run and checked by hand against the models on
SQLite and PostgreSQL (tests/db/test_migrations.py compares the migrated
schema with the models).  Booleans default with sa.false()/sa.true(), which
render as 0/1 on SQLite and false/true on PostgreSQL.
"""
from alembic import op
import sqlalchemy as sa
import mpel_app.db.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cts_counters',
    sa.Column('letter', sa.String(length=1), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('letter', 'year')
    )
    op.create_table('drafting_units',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('nation', sa.String(length=3), server_default='ENG', nullable=False),
    sa.Column('head_email', sa.String(length=254), server_default='', nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cts_reference', sa.String(length=9), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('received_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('registered_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('member_letter_date', sa.Date(), nullable=False),
    sa.Column('member_reference', sa.String(length=60), nullable=False),
    sa.Column('constituent_name', sa.String(length=200), nullable=False),
    sa.Column('subject_name', sa.String(length=200), nullable=False),
    sa.Column('subject_name_folded', sa.String(length=200).with_variant(sa.String(length=200, collation='C'), 'postgresql'), nullable=False),
    sa.Column('ho_reference', sa.String(length=40), nullable=False),
    sa.Column('issue', sa.String(length=300), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('urgent', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('ophso', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('ophso_deadline', sa.Date(), nullable=True),
    sa.Column('foi', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('welsh_requested', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('restricted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('staff_member', sa.String(length=64), nullable=False),
    sa.Column('signatory_kind', sa.String(length=16), nullable=True),
    sa.Column('signatory_who', sa.String(length=120), nullable=False),
    sa.Column('signatory_reason', sa.String(length=500), nullable=False),
    sa.Column('unit_code', sa.String(length=16), nullable=True),
    sa.Column('allocated_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('enforced', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('enforced_how', sa.String(length=16), nullable=True),
    sa.Column('enforced_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('barrier_to_removal', sa.Boolean(), nullable=True),
    sa.Column('no_barrier_reason', sa.String(length=500), nullable=False),
    sa.Column('case_owner_id', sa.Integer(), nullable=True),
    sa.Column('reallocation_reason', sa.String(length=1000), nullable=False),
    sa.Column('draft_text', sa.Text(), nullable=False),
    sa.Column('drafter_grade', sa.String(length=8), nullable=True),
    sa.Column('background', sa.Text(), nullable=False),
    sa.Column('drafting_officer_name', sa.String(length=120), nullable=False),
    sa.Column('drafting_officer_location', sa.String(length=120), nullable=False),
    sa.Column('drafting_officer_phone', sa.String(length=32), nullable=False),
    sa.Column('reply_still_wanted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('submitted_to_qa_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('qa_submitted_late', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('returns_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_return_note', sa.String(length=2000), nullable=False),
    sa.Column('reached_signatory_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('signed_by', sa.String(length=120), nullable=False),
    sa.Column('signed_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reply_channel', sa.String(length=16), nullable=True),
    sa.Column('mp_agreement', sa.String(length=500), nullable=False),
    sa.Column('resolution_note', sa.Text(), nullable=False),
    sa.Column('dispatched_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('dispatched_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_ground', sa.String(length=20), nullable=True),
    sa.Column('cancel_reason', sa.String(length=1000), nullable=False),
    sa.Column('cancelled_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_owner_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['dispatched_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['unit_code'], ['drafting_units.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cts_reference')
    )
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letters_case_owner_id'), ['case_owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_ho_reference'), ['ho_reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_letters_state_received', ['state', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_letters_subject_name_folded'), ['subject_name_folded'], unique=False)
        batch_op.create_index('ix_letters_unit_state', ['unit_code', 'state'], unique=False)

    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('unit_members',
    sa.Column('unit_code', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_code'], ['drafting_units.code'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('unit_code', 'user_id')
    )
    with op.batch_alter_table('unit_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_members_user_id'), ['user_id'], unique=False)

    op.create_table('letter_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('mime', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('purged_at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('letter_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_documents_letter_id'), ['letter_id'], unique=False)

    op.create_table('letter_handlers',
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('letter_id', 'user_id')
    )
    op.create_table('letter_rejections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('unit_code', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('suggested_unit_code', sa.String(length=16), nullable=True),
    sa.Column('at', mpel_app.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['suggested_unit_code'], ['drafting_units.code'], ),
    sa.ForeignKeyConstraint(['unit_code'], ['drafting_units.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('letter_rejections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_rejections_letter_id'), ['letter_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('letter_rejections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_rejections_letter_id'))

    op.drop_table('letter_rejections')
    op.drop_table('letter_handlers')
    with op.batch_alter_table('letter_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_documents_letter_id'))

    op.drop_table('letter_documents')
    with op.batch_alter_table('unit_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_members_user_id'))

    op.drop_table('unit_members')
    op.drop_table('settings')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_unit_state')
        batch_op.drop_index(batch_op.f('ix_letters_subject_name_folded'))
        batch_op.drop_index('ix_letters_state_received')
        batch_op.drop_index(batch_op.f('ix_letters_member_id'))
        batch_op.drop_index(batch_op.f('ix_letters_ho_reference'))
        batch_op.drop_index(batch_op.f('ix_letters_case_owner_id'))

    op.drop_table('letters')
    op.drop_table('drafting_units')
    op.drop_table('cts_counters')
