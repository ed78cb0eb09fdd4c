"""historical records: imports, document kind and validity

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 19:00:00
"""
import sqlalchemy as sa
from alembic import op

import publisher.store.types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # When a notice came in by `publisher import notices` (null: written here).
    with op.batch_alter_table('notices') as batch:
        batch.add_column(sa.Column('imported_at', publisher.store.types.UTCDateTime(), nullable=True))
    # What an event records beyond its comment: an import's source line, the flags a
    # reviewer confirmed when approving.
    with op.batch_alter_table('events') as batch:
        batch.add_column(sa.Column('details', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('events') as batch:
        batch.drop_column('details')
    with op.batch_alter_table('notices') as batch:
        batch.drop_column('imported_at')
