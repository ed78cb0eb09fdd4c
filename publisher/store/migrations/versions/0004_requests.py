"""requests for information (依申請公開): the register and its events

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 19:00:00
"""
import sqlalchemy as sa
from alembic import op

import publisher.store.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('disclosure_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracking_no', sa.String(length=40), nullable=False),
    sa.Column('received_at', publisher.store.types.UTCDateTime(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('applicant_kind', sa.String(length=16), nullable=False),
    sa.Column('applicant_name', sa.String(length=200), nullable=True),
    sa.Column('applicant_contact', sa.String(length=300), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('deadline_on', sa.Date(), nullable=False),
    sa.Column('extended_at', publisher.store.types.UTCDateTime(), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('reply_text', sa.Text(), nullable=True),
    sa.Column('notice_id', sa.Integer(), nullable=True),
    sa.Column('replied_at', publisher.store.types.UTCDateTime(), nullable=True),
    sa.Column('replied_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', publisher.store.types.UTCDateTime(), nullable=False),
    sa.Column('purged_at', publisher.store.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_disclosure_requests_created_by_users')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_disclosure_requests_notice_id_notices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_requests')),
    sa.UniqueConstraint('tracking_no', name=op.f('uq_disclosure_requests_tracking_no'))
    )
    op.create_index('ix_disclosure_requests_status_deadline', 'disclosure_requests', ['status', 'deadline_on'], unique=False)
    op.create_index('ix_disclosure_requests_received_on', 'disclosure_requests', ['received_on'], unique=False)
    op.create_table('request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('at', publisher.store.types.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_request_events_actor_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['disclosure_requests.id'], name=op.f('fk_request_events_request_id_disclosure_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_events'))
    )
    op.create_index('ix_request_events_request', 'request_events', ['request_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_request_events_request', table_name='request_events')
    op.drop_table('request_events')
    op.drop_index('ix_disclosure_requests_received_on', table_name='disclosure_requests')
    op.drop_index('ix_disclosure_requests_status_deadline', table_name='disclosure_requests')
    op.drop_table('disclosure_requests')
