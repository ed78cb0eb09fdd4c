"""Several instances on one PostgreSQL database.

- `announce`: every instance LISTENs on `publisher_changes` (the database's triggers
  NOTIFY inside the writing transaction, migration 0008) and applies a change within
  about a second: its live set (and so its kiosks' event streams), its devices.
- `leader`: once-only jobs run on the one instance holding an advisory lock.

On SQLite there is one instance: no listener, and it is always the leader.
"""

from publisher.cluster.leader import leader_job

__all__ = ["leader_job"]
