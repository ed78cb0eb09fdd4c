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
    pass  # placeholder: filled by the work that owns it


def downgrade() -> None:
    pass
