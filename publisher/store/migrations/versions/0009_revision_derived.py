"""derived fields of revisions, cached for loading the live set

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 22:00:00

revision_derived (mirrored in tables.py; see publisher/store/derived.py). Starts empty:
the first start after the upgrade loads every live notice the long way and fills it.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('revision_derived',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('trusted', sa.Boolean(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_revision_derived_revision_id_revisions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('revision_id', name=op.f('pk_revision_derived'))
    )


def downgrade() -> None:
    op.drop_table('revision_derived')
