"""full-text search index of live notices

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 19:00:00
"""
import sqlalchemy as sa
from alembic import op

import publisher.store.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled by the work that owns it


def downgrade() -> None:
    pass
