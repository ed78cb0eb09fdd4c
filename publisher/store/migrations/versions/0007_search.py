"""full-text search index of live notices

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 19:00:00

notice_search (mirrored in tables.py) plus, per database, the index over it: SQLite an
FTS5 table with external content kept in step by triggers, PostgreSQL generated tsvector
columns with GIN indexes. Then the notices already live are indexed (a one-time pass;
`publisher search reindex` does the same later, for example after a change of folding).
"""
import sqlalchemy as sa
from alembic import op

import publisher.store.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_SQLITE = (
    """CREATE VIRTUAL TABLE notice_fts USING fts5(
        title, body, content='notice_search', content_rowid='recency',
        tokenize='unicode61 remove_diacritics 0', prefix='1', detail='full'
    )""",
    # titles alone as well: "title matches, newest first" then walks title hits only,
    # instead of every notice that has the words somewhere
    """CREATE VIRTUAL TABLE notice_title_fts USING fts5(
        title, content='notice_search', content_rowid='recency',
        tokenize='unicode61 remove_diacritics 0', prefix='1', detail='full'
    )""",
    """CREATE TRIGGER notice_search_ai AFTER INSERT ON notice_search BEGIN
        INSERT INTO notice_fts(rowid, title, body) VALUES (new.recency, new.title, new.body);
        INSERT INTO notice_title_fts(rowid, title) VALUES (new.recency, new.title);
    END""",
    """CREATE TRIGGER notice_search_ad AFTER DELETE ON notice_search BEGIN
        INSERT INTO notice_fts(notice_fts, rowid, title, body)
        VALUES ('delete', old.recency, old.title, old.body);
        INSERT INTO notice_title_fts(notice_title_fts, rowid, title) VALUES ('delete', old.recency, old.title);
    END""",
    """CREATE TRIGGER notice_search_au AFTER UPDATE ON notice_search BEGIN
        INSERT INTO notice_fts(notice_fts, rowid, title, body)
        VALUES ('delete', old.recency, old.title, old.body);
        INSERT INTO notice_title_fts(notice_title_fts, rowid, title) VALUES ('delete', old.recency, old.title);
        INSERT INTO notice_fts(rowid, title, body) VALUES (new.recency, new.title, new.body);
        INSERT INTO notice_title_fts(rowid, title) VALUES (new.recency, new.title);
    END""",
)

_POSTGRES = (
    "ALTER TABLE notice_search ADD COLUMN title_tsv TSVECTOR "
    "GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED",
    "ALTER TABLE notice_search ADD COLUMN all_tsv TSVECTOR "
    "GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || body)) STORED",
    "CREATE INDEX notice_search_all_tsv ON notice_search USING GIN (all_tsv)",
    "CREATE INDEX notice_search_title_tsv ON notice_search USING GIN (title_tsv)",
)


def upgrade() -> None:
    op.create_table('notice_search',
    sa.Column('recency', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('visible_from', publisher.store.types.UTCDateTime(), nullable=False),
    sa.Column('index_key', sa.String(length=200), nullable=False),
    sa.Column('doc_key', sa.String(length=200), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('recency', name=op.f('pk_notice_search')),
    sa.UniqueConstraint('notice_id', name=op.f('uq_notice_search_notice_id'))
    )
    op.create_index(op.f('ix_notice_search_index_key'), 'notice_search', ['index_key'], unique=False)
    op.create_index(op.f('ix_notice_search_doc_key'), 'notice_search', ['doc_key'], unique=False)
    bind = op.get_bind()
    for statement in _SQLITE if bind.dialect.name == 'sqlite' else _POSTGRES:
        op.execute(statement)
    _index_live_notices(bind)


def _index_live_notices(bind: sa.engine.Connection) -> None:
    # the indexing code of this revision; a later change of folding ships with a reindex
    from publisher.search_index.index import row_of
    from publisher.search_index.sync import BATCH, documents_of, live_rows_query
    from publisher.store.tables import notice_search

    last = 0
    while rows := bind.execute(live_rows_query(after_id=last, limit=BATCH)).all():
        last = rows[-1].id
        docs = documents_of(rows)
        if docs:
            bind.execute(notice_search.insert(), [row_of(d) for d in docs])


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS notice_search_au')
        op.execute('DROP TRIGGER IF EXISTS notice_search_ad')
        op.execute('DROP TRIGGER IF EXISTS notice_search_ai')
        op.execute('DROP TABLE IF EXISTS notice_title_fts')
        op.execute('DROP TABLE IF EXISTS notice_fts')
    op.drop_index(op.f('ix_notice_search_doc_key'), table_name='notice_search')
    op.drop_index(op.f('ix_notice_search_index_key'), table_name='notice_search')
    op.drop_table('notice_search')
