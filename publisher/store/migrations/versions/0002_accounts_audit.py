"""accounts and audit: audit trail, login throttle, last login, declared device tokens

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 16:30:00
"""
import sqlalchemy as sa
from alembic import op

import publisher.store.types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_PG_GUARDS = (
    ("CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
     "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql"),
    ("CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
     "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"),
)
_SQLITE_GUARDS = (
    ("CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
     "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"),
    ("CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
     "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"),
)


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', publisher.store.types.UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=True),
    sa.Column('remote', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    op.create_index('ix_audit_events_at', 'audit_events', ['at', 'id'], unique=False)
    op.create_table('login_failures',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('window_start', publisher.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('last_login_at', publisher.store.types.UTCDateTime(), nullable=True))
    with op.batch_alter_table('devices') as batch:
        batch.add_column(sa.Column('declared_sha256', sa.String(length=64), nullable=True))
    # The trail has no update or delete path in the code; the database refuses one too.
    guards = _PG_GUARDS if op.get_bind().dialect.name == 'postgresql' else _SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table('devices') as batch:
        batch.drop_column('declared_sha256')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('last_login_at')
    op.drop_table('login_failures')
    op.drop_index('ix_audit_events_at', table_name='audit_events')
    op.drop_table('audit_events')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
