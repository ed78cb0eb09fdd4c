"""several instances: change notifications (PostgreSQL triggers that NOTIFY)

On PostgreSQL every change that other instances must apply at once is announced on
the channel `publisher_changes` by a trigger, so the NOTIFY is part of the writing
transaction (sent on commit, never for a rolled-back change) whoever wrote: the
service, the CLI or a script. Leader election needs no schema (an advisory lock).
SQLite runs one instance: nothing to do there.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 19:00:00
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# payload "<kind>:<id>": notice (its live state moved), device (token, kind, place or
# profile changed; not the batched last-seen writes), user (disabled, roles, password,
# session epoch).
_FUNCTION = """
CREATE OR REPLACE FUNCTION publisher_announce() RETURNS trigger AS $$
DECLARE
  kind text := TG_ARGV[0];
  ident text;
BEGIN
  IF TG_OP = 'DELETE' THEN
    ident := OLD.id::text;
  ELSE
    ident := NEW.id::text;
  END IF;
  PERFORM pg_notify('publisher_changes', kind || ':' || ident);
  RETURN NULL;
END
$$ LANGUAGE plpgsql
"""

_TRIGGERS = [
    ("publisher_notice_live", "AFTER UPDATE ON notices FOR EACH ROW WHEN ("
     "OLD.status IS DISTINCT FROM NEW.status OR OLD.live_revision_id IS DISTINCT FROM NEW.live_revision_id)",
     "notice"),
    ("publisher_device_added", "AFTER INSERT OR DELETE ON devices FOR EACH ROW", "device"),
    ("publisher_device_changed", "AFTER UPDATE ON devices FOR EACH ROW WHEN ("
     "OLD.token_hash IS DISTINCT FROM NEW.token_hash OR OLD.kind IS DISTINCT FROM NEW.kind"
     " OR OLD.location IS DISTINCT FROM NEW.location OR OLD.name IS DISTINCT FROM NEW.name"
     " OR OLD.profile::text IS DISTINCT FROM NEW.profile::text)", "device"),
    ("publisher_user_changed", "AFTER UPDATE ON users FOR EACH ROW WHEN ("
     "OLD.disabled IS DISTINCT FROM NEW.disabled OR OLD.roles::text IS DISTINCT FROM NEW.roles::text"
     " OR OLD.password_hash IS DISTINCT FROM NEW.password_hash"
     " OR OLD.session_epoch IS DISTINCT FROM NEW.session_epoch)", "user"),
]


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgres():
        return
    op.execute(_FUNCTION)
    for name, when, kind in _TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION publisher_announce('{kind}')")


def downgrade() -> None:
    if not _postgres():
        return
    for name, when, _kind in _TRIGGERS:
        table = when.split(" ON ")[1].split()[0]
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS publisher_announce()")
