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
    pass  # placeholder: filled by the work that owns it


def downgrade() -> None:
    pass
