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
    pass  # placeholder: filled by the work that owns it


def downgrade() -> None:
    pass
