"""yearly disclosure reports, staff figures, the reconsideration/litigation register

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 19:00:00
"""
import sqlalchemy as sa
from alembic import op

import publisher.store.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('yearly_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('authors', sa.JSON(), nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('submitted_at', publisher.store.types.UTCDateTime(), nullable=True),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('approved_at', publisher.store.types.UTCDateTime(), nullable=True),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.Column('published_at', publisher.store.types.UTCDateTime(), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.Column('created_at', publisher.store.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', publisher.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['submitted_by'], ['users.id'], name=op.f('fk_yearly_reports_submitted_by_users')),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_yearly_reports_approved_by_users')),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_yearly_reports_published_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_yearly_reports')),
    sa.UniqueConstraint('year', name=op.f('uq_yearly_reports_year'))
    )
    op.create_table('report_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('at', publisher.store.types.UTCDateTime(), nullable=False),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_report_events_actor_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['yearly_reports.id'], name=op.f('fk_report_events_report_id_yearly_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_events'))
    )
    op.create_index('ix_report_events_report', 'report_events', ['report_id', 'id'], unique=False)
    op.create_table('review_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', publisher.store.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', publisher.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_review_cases_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_cases'))
    )
    op.create_index('ix_review_cases_filed_on', 'review_cases', ['filed_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_review_cases_filed_on', table_name='review_cases')
    op.drop_table('review_cases')
    op.drop_index('ix_report_events_report', table_name='report_events')
    op.drop_table('report_events')
    op.drop_table('yearly_reports')
