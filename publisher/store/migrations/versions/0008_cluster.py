"""several instances: leader election and change notifications

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 19:00:00
"""
import sqlalchemy as sa
from alembic import op

import publisher.store.types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled by the work that owns it


def downgrade() -> None:
    pass
