"""attachments of revisions, stored by content hash

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 19:00:00
"""
import sqlalchemy as sa
from alembic import op

import publisher.store.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', publisher.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_attachments_created_by_users')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_attachments_notice_id_notices'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    op.create_index('ix_attachments_sha256', 'attachments', ['sha256'], unique=False)
    op.create_index('ix_attachments_notice', 'attachments', ['notice_id'], unique=False)
    op.create_table('revision_attachments',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_revision_attachments_attachment_id_attachments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_revision_attachments_revision_id_revisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('revision_id', 'attachment_id', name=op.f('pk_revision_attachments'))
    )
    op.create_index('ix_revision_attachments_attachment', 'revision_attachments', ['attachment_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_revision_attachments_attachment', table_name='revision_attachments')
    op.drop_table('revision_attachments')
    op.drop_index('ix_attachments_notice', table_name='attachments')
    op.drop_index('ix_attachments_sha256', table_name='attachments')
    op.drop_table('attachments')
