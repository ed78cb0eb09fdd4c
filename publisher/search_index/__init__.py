"""Full-text search of live notices: folding and tokens, the query builder, and the
index over SQLite FTS5 or PostgreSQL. See docs/attachments-and-search.md."""
