"""Cold start: `publisher serve` on a database with 10,000 live notices, to the first
200 answer of a kiosk feed (issue 14 item 5: under 2 s).

Prepares a SQLite database once per run (migrated by `publisher db upgrade`, then the
notices of bench/rotation.py's realistic mix written directly, approved and live, with
150 kiosks and 50 LED signs, and their derived fields cached the way approving them
would have: publisher/store/derived.py), then starts the service and polls one kiosk's
feed until it answers 200. Prints the time from the process start to that answer, the
time the service logged as `ready`, and the ratio to the goal; `--importtime` also
prints the slowest imports of `publisher.cli` (python -X importtime).

The service runs from this source tree with the bytecode of publisher/ and channels/
compiled first (into their __pycache__ folders, which git ignores), as an installed
package has it: pip compiles it at install, in the Docker image too (even with
PYTHONDONTWRITEBYTECODE). `--no-bytecode` removes those folders instead, so that every
start compiles the sources (~0.35 s more here when PYTHONDONTWRITEBYTECODE is set).
`--cold-cache` empties the derived-fields cache before each run: the first start after
upgrading to migration 0009.

    python bench/cold_start.py [--notices 10000] [--runs 2] [--no-bytecode] [--cold-cache]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rotation import LOCATIONS, notice_content  # noqa: E402
from sqlalchemy import create_engine, insert, update  # noqa: E402

from publisher.passwords import token_hash  # noqa: E402
from publisher.store import derived  # noqa: E402
from publisher.store.engine import Database, make_engine  # noqa: E402
from publisher.store.live import load_live  # noqa: E402
from publisher.store.tables import data_state, devices, notices, revision_derived, revisions, users  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 2.0
TOKEN = "cold-start-kiosk-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(tmp: Path, count: int, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "publisher.cli", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    engine = create_engine(f"sqlite:///{tmp / 'cold.db'}")
    rng = random.Random(20261201)
    now = datetime.now(timezone.utc)
    first_live = now - timedelta(days=90)
    with engine.begin() as conn:
        user = conn.execute(insert(users).values(username="bench", password_hash="!", roles=["editor"],
                                                 created_at=now)).inserted_primary_key[0]
        rows, revs = [], []
        for i in range(1, count + 1):
            content = notice_content(i, rng)
            rows.append({"id": i, "index_no": f"007227429/2026-{i:05d}", "status": "live",
                         "category": content["category"], "title": content["title"], "live_revision_id": i,
                         "created_by": user, "created_at": first_live, "updated_at": first_live,
                         "first_live_at": first_live, "live_since": first_live})
            revs.append({"id": i, "notice_id": i, "number": 1, "state": "approved", "content": content,
                         "authors": [user], "review_round": 0, "current_step": 0, "created_at": first_live,
                         "updated_at": first_live, "approved_at": first_live})
        conn.execute(insert(notices), rows)
        conn.execute(insert(revisions), revs)
        profiles = [{}, {"width_px": 192, "encoding": "gbk"}, {"encoding": "big5"},
                    {"encoding": "gb2312", "convert": "t2s"}]
        boards = [{"id": f"k{i}", "kind": "kiosk", "location": LOCATIONS[i % 4], "profile": {},
                   "token_hash": token_hash(f"{TOKEN}-k{i}"), "created_at": now} for i in range(150)]
        boards += [{"id": f"s{i}", "kind": "led", "location": LOCATIONS[i % 4], "profile": profiles[i % 4],
                    "token_hash": token_hash(f"{TOKEN}-s{i}"), "created_at": now} for i in range(50)]
        conn.execute(insert(devices), boards)
        conn.execute(update(data_state).where(data_state.c.id == 1).values(revision=count))
    engine.dispose()
    asyncio.run(fill_cache(tmp))


async def fill_cache(tmp: Path) -> int:
    """The derived fields of every live revision, cached as loading it after its
    approval would have (publisher.live_sync)."""
    db = Database(make_engine(f"sqlite+aiosqlite:///{tmp / 'cold.db'}"))
    try:
        fresh: list[derived.Derived] = []
        async with db.read() as conn:
            await load_live(conn, fresh=fresh)
        await derived.save(db, fresh)
        return len(fresh)
    finally:
        await db.close()


def empty_cache(tmp: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp / 'cold.db'}")
    with engine.begin() as conn:
        conn.execute(revision_derived.delete())
    engine.dispose()


def bytecode(compiled: bool) -> None:
    """The project's bytecode compiled (as installed), or removed (compiled at each start)."""
    for folder in (ROOT / "publisher", ROOT / "channels"):
        if compiled:
            compileall.compile_dir(folder, quiet=1)
        else:
            for cache in folder.rglob("__pycache__"):
                shutil.rmtree(cache, ignore_errors=True)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime, all threads


def first_200(env: dict[str, str], port: int, timeout: float = 120) -> tuple[float, float, float | None, int]:
    """Seconds from spawning `publisher serve` to the first 200 of k0's feed; the
    service's CPU seconds by then (less disturbed by other load than the wall clock);
    the seconds to its `ready` log line; the feed's size."""
    url = f"http://127.0.0.1:{port}/kiosk/v1/k0/feed.json?token={TOKEN}-k0"
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "publisher.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        while time.perf_counter() - started < timeout:
            try:
                with urllib.request.urlopen(url, timeout=timeout) as resp:
                    if resp.status == 200:
                        size = len(resp.read())
                        elapsed = time.perf_counter() - started
                        cpu = cpu_seconds(proc.pid)
                        break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.01)
        else:
            raise SystemExit("no 200 from the feed")
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=30)
    ready = None
    for line in err.splitlines():
        if '"ready"' in line:
            stamp = json.loads(line).get("timestamp")
            if stamp:
                ready = datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    return elapsed, cpu, ready, size


def import_times(env: dict[str, str], top: int = 12) -> list[tuple[int, str]]:
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import publisher.cli, publisher.app"],
                         cwd=ROOT, env=env, capture_output=True, text=True).stderr
    found = []
    for line in out.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(2)) <= 3:  # top-level imports (cumulative)
            found.append((int(m.group(1)), m.group(3)))
    return sorted(found, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--keep", type=Path,
                        help="prepare the database in this directory and keep it; reused when it is there")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="remove the project's compiled bytecode: every start compiles the sources")
    parser.add_argument("--cold-cache", action="store_true",
                        help="empty the derived-fields cache before each run (the first start after the upgrade)")
    args = parser.parse_args()
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="publisher-cold-"))
    tmp.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")}
    env.update(PUBLISHER_DATABASE__URL=f"sqlite+aiosqlite:///{tmp / 'cold.db'}", PUBLISHER_DATA_DIR=str(tmp),
               PUBLISHER_LOG_FORMAT="json")
    try:
        t0 = time.perf_counter()
        if args.keep and (tmp / "cold.db").exists():
            print(f"reusing {tmp / 'cold.db'}")
        else:
            prepare(tmp, args.notices, env)
            print(f"{args.notices} live notices, 150 kiosks, 50 LED signs; database prepared in "
                  f"{time.perf_counter() - t0:.1f} s")
        bytecode(not args.no_bytecode)
        print("bytecode:", "removed, compiled at each start" if args.no_bytecode else "compiled ahead, as installed")
        if args.importtime:
            print("slowest imports (cumulative ms): "
                  + ", ".join(f"{name} {us / 1000:.0f}" for us, name in import_times(env)))
        for run in range(1, args.runs + 1):
            if args.cold_cache:
                empty_cache(tmp)
            spawned = time.time()
            elapsed, cpu, ready, size = first_200(env, free_port())
            ready_s = f"{ready - spawned:.2f} s" if ready else "?"
            print(f"run {run}: first 200 ({size} bytes) after {elapsed:.2f} s, service CPU {cpu:.2f} s (ready logged "
                  f"at {ready_s}); goal {GOAL_S:.1f} s, ratio goal/measured = {GOAL_S / elapsed:.2f}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
