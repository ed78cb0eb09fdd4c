"""The asyncpg address of the configured database (SQLAlchemy spells it differently)."""

from __future__ import annotations

from sqlalchemy.engine import make_url


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def asyncpg_dsn(url: str) -> str:
    """postgresql+asyncpg://u:p@h/db -> postgresql://u:p@h/db (password kept)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
