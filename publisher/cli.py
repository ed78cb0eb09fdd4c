"""The `publisher` command: serve, user add, user passwd, device add, db upgrade, purge-requests,
import notices, report."""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TypeVar

# The rest is imported in main(), after the garbage collector is paused (see there).
if TYPE_CHECKING:
    from publisher.channel_registry import ChannelRegistry
    from publisher.settings import Settings

T = TypeVar("T")


def setup_logging(log_format: str) -> None:
    from publisher.logs import setup_logging as setup

    setup(log_format)


def _parser(channels: ChannelRegistry) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="publisher", description="Publishing service for a bureau's public notices")
    parser.add_argument("--config", help="TOML config file (default: $PUBLISHER_CONFIG, else the built-in one)")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the service")
    serve.add_argument("--config", dest="config_sub", help=argparse.SUPPRESS)
    serve.add_argument("--host", help="address to listen on (default from config: 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default from config: 8080)")
    serve.add_argument("--demo", action="store_true", help="load the demo data set first and print its URLs")

    user = sub.add_parser("user", help="staff accounts").add_subparsers(dest="action", required=True)
    add_user = user.add_parser("add", help="create a staff account")
    add_user.add_argument("name")
    add_user.add_argument("--role", action="append", required=True,
                          help="editor, reviewer, admin or a review step's role")
    add_user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add_user.add_argument("--config", dest="config_sub", help=argparse.SUPPRESS)
    passwd = user.add_parser("passwd", help="set a password; ends that user's sessions and tokens")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    passwd.add_argument("--config", dest="config_sub", help=argparse.SUPPRESS)

    kinds = list(channels.kinds)
    device = sub.add_parser("device", help=f"devices ({', '.join(kinds)})").add_subparsers(dest="action", required=True)
    add_device = device.add_parser("add", help="register a device and print its token once")
    add_device.add_argument("id")
    add_device.add_argument("--kind", required=True, choices=kinds)
    add_device.add_argument("--location", required=True, help="a location code from the config")
    add_device.add_argument("--name")
    add_device.add_argument("--profile", help="the device profile as JSON (LED: see docs/led.md)")
    add_device.add_argument("--config", dest="config_sub", help=argparse.SUPPRESS)

    db = sub.add_parser("db", help="database").add_subparsers(dest="action", required=True)
    upgrade = db.add_parser("upgrade", help="apply migrations")
    upgrade.add_argument("--config", dest="config_sub", help=argparse.SUPPRESS)

    purge = sub.add_parser("purge-requests", help="remove the applicant's details (name, contact, description, "
                           "reply) of requests answered before DATE; the counts stay for the yearly report")
    purge.add_argument("--before", required=True, metavar="DATE", help="a day, YYYY-MM-DD")
    purge.add_argument("--config", dest="config_sub", help=argparse.SUPPRESS)
    imports = sub.add_parser("import", help="bring historical records in").add_subparsers(dest="action", required=True)
    import_notices = imports.add_parser(
        "notices", help="notices as published, one JSON object a line (docs/imports.md); all or nothing")
    import_notices.add_argument("file", help="a JSON Lines file (UTF-8)")
    import_notices.add_argument("--dry-run", action="store_true", help="check every line and count; write nothing")
    import_notices.add_argument("--by", help="the staff account to record the import under (default: importer)")
    import_notices.add_argument("--config", dest="config_sub", help=argparse.SUPPRESS)
    report = sub.add_parser("report", help="the yearly disclosure report of a year (docs/reports.md)")
    report.add_argument("--year", type=int, required=True, help="the year reported on, e.g. 2025")
    report.add_argument("--format", choices=("html", "csv", "json"), default="html", help="default: html")
    report.add_argument("--out", help="write to this file instead of standard output")
    report.add_argument("--config", dest="config_sub", help=argparse.SUPPRESS)
    backup = sub.add_parser("backup", help="a consistent copy of the SQLite database while the service runs")
    backup.add_argument("path", help="the file to write (must not exist yet)")
    backup.add_argument("--config", dest="config_sub", help=argparse.SUPPRESS)
    search = sub.add_parser("search", help="the portal's search index").add_subparsers(dest="action", required=True)
    reindex = search.add_parser("reindex", help="rebuild the search index from the live notices")
    reindex.add_argument("--config", dest="config_sub", help=argparse.SUPPRESS)
    return parser


def _fail(message: str, code: int = 2) -> int:
    print(f"publisher: {message}", file=sys.stderr)
    return code


async def _with_services(settings: Settings, channels: ChannelRegistry, work: Callable[[Any], Awaitable[T]]) -> T:
    """Open the database (migrated) and hand `work` the service objects; close after."""
    from publisher.services.devices import DeviceRegistry
    from publisher.store.engine import Database, make_engine
    from publisher.store.migrate import upgrade

    db = Database(make_engine(settings.database.url))
    try:
        await upgrade(db.engine)
        registry = DeviceRegistry(db, settings, channels.kinds)
        return await work(argparse.Namespace(db=db, devices=registry))
    finally:
        await db.close()


def _read_password(from_stdin: bool) -> str:
    from publisher.errors import ApiError

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ApiError(422, "validation_failed", "password: use --password-stdin when not at a terminal")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat: ") != first:
        raise ApiError(422, "validation_failed", "password: the two entries differ")
    return first


def _user_add(settings: Settings, channels: ChannelRegistry, args: argparse.Namespace) -> int:
    from publisher.services import users

    spec = users.parse_user(
        {"username": args.name, "password": _read_password(args.password_stdin), "roles": args.role}, settings
    )

    async def work(s: Any) -> Any:
        return await users.add_user(s.db, spec, datetime.now(timezone.utc))

    who = asyncio.run(_with_services(settings, channels, work))
    print(f"user {who.username} added with roles {', '.join(sorted(who.roles))}")
    return 0


def _user_passwd(settings: Settings, channels: ChannelRegistry, args: argparse.Namespace) -> int:
    from publisher.services import users

    password = _read_password(args.password_stdin)

    async def work(s: Any) -> None:
        await users.set_password(s.db, args.name, password, datetime.now(timezone.utc))

    asyncio.run(_with_services(settings, channels, work))
    print(f"password of {args.name} set; their sessions and tokens have ended")
    return 0


def _device_add(settings: Settings, channels: ChannelRegistry, args: argparse.Namespace) -> int:
    try:
        profile = json.loads(args.profile) if args.profile else None
    except ValueError as exc:
        return _fail(f"--profile is not valid JSON: {exc}")
    data = {"id": args.id, "kind": args.kind, "location": args.location, "name": args.name, "profile": profile}

    async def work(s: Any) -> Any:
        return await s.devices.add(data, datetime.now(timezone.utc))

    device, token = asyncio.run(_with_services(settings, channels, work))
    feed = channels.kinds[device.kind].feed.replace("{id}", device.id)
    print(f"device {device.id} ({device.kind}) registered at {device.location}")
    print(f"token (shown once, keep it): {token}")
    if feed:
        print(f"feed: {feed}?token={token}")
    return 0


def _db_upgrade(settings: Settings, channels: ChannelRegistry) -> int:
    async def work(_s: Any) -> None:
        return None

    asyncio.run(_with_services(settings, channels, work))
    print(f"database at {settings.database.url} is up to date")
    return 0


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from publisher.store.backup import BackupRefused, backup

    try:
        size = backup(settings.database.url, Path(args.path))
    except BackupRefused as exc:
        return _fail(f"backup: {exc}", 1)
    print(f"backed up {settings.database.url} to {args.path} ({size} bytes)")
    return 0


def _purge_requests(settings: Settings, channels: ChannelRegistry, args: argparse.Namespace) -> int:
    from pydantic import TypeAdapter, ValidationError

    from publisher.errors import ApiError
    from publisher.services.requests import RequestService

    now = datetime.now(timezone.utc)
    try:
        before = TypeAdapter(date).validate_python(args.before)
    except ValidationError as exc:
        raise ApiError(422, "validation_failed", f"--before: {exc.errors()[0]['msg']} (write YYYY-MM-DD)") from None
    if before > now.astimezone(settings.tz).date() + timedelta(days=1):
        raise ApiError(422, "validation_failed", "--before: must not be later than tomorrow")

    async def work(s: Any) -> int:
        return await RequestService(s.db, settings).purge(before, now)

    count = asyncio.run(_with_services(settings, channels, work))
    print(f"purged the applicant details of {count} request{'s' if count != 1 else ''} answered before {before}")
    return 0


def _import_notices(settings: Settings, channels: ChannelRegistry, args: argparse.Namespace) -> int:
    from pathlib import Path

    from publisher.domain.imports import ImportLineError
    from publisher.services.imports import import_notices

    path = Path(args.file)

    async def work(s: Any) -> Any:
        with path.open(encoding="utf-8-sig", newline="") as lines:  # a BOM from a spreadsheet is dropped
            return await import_notices(s.db, settings, list(channels.names), lines, path.name,
                                        datetime.now(timezone.utc), by=args.by, dry_run=args.dry_run)

    try:
        report = asyncio.run(_with_services(settings, channels, work))
    except ImportLineError as exc:
        return _fail(f"{path.name} line {exc.line}: {exc.field}: {exc.message}; nothing was imported", 1)
    except UnicodeDecodeError as exc:
        return _fail(f"{path.name} is not UTF-8 ({exc.reason} at byte {exc.start}); nothing was imported", 1)
    print(report.summary())
    return 0


def _search_reindex(settings: Settings, channels: ChannelRegistry) -> int:
    from publisher.search_index.sync import rebuild

    async def work(s: Any) -> int:
        async with s.db.write() as conn:
            return await rebuild(conn)

    count = asyncio.run(_with_services(settings, channels, work))
    print(f"search index rebuilt: {count} public notices indexed")
    return 0


def _serve(settings: Settings, channels: ChannelRegistry, args: argparse.Namespace) -> int:
    from aiohttp import web

    from publisher.app import create_app, freeze_heap

    host = args.host or settings.server.host
    port = args.port or settings.server.port
    app = create_app(settings, channels=list(channels))
    if args.demo:
        from publisher.demo import demo_ctx

        app.cleanup_ctx.append(demo_ctx(f"http://{host}:{port}"))
    # on_startup runs after every start-up context, the demo's included; it also turns
    # the garbage collector back on (main() paused it).
    app.on_startup.append(freeze_heap)
    web.run_app(app, host=host, port=port, access_log=None, print=lambda text: print(text, flush=True))
    return 0


def main(argv: list[str] | None = None, channels: ChannelRegistry | None = None) -> int:
    """The command line; `channels`: the channels served (default: the built-in packages)."""
    # Start-up (the imports, then `serve` loading the live set) makes a great many objects
    # that live as long as the process: collecting meanwhile finds nothing to free and
    # costs a good part of the start (a third of the imports). Paused until the command
    # runs; `serve` turns it on once started (publisher.app.freeze_heap).
    gc.disable()
    try:
        return _main(argv, channels)
    finally:
        gc.enable()


def _main(argv: list[str] | None, channels: ChannelRegistry | None) -> int:
    from publisher.channel_registry import builtin_registry
    from publisher.errors import ApiError
    from publisher.settings import ConfigError, load_settings

    channels = channels or builtin_registry()
    args = _parser(channels).parse_args(argv)
    try:
        settings = load_settings(getattr(args, "config_sub", None) or args.config)
        setup_logging(settings.log_format)
        if args.command == "serve":
            return _serve(settings, channels, args)
        gc.enable()
        if args.command == "user":
            return (_user_passwd if args.action == "passwd" else _user_add)(settings, channels, args)
        if args.command == "device":
            return _device_add(settings, channels, args)
        if args.command == "backup":
            return _backup(settings, args)
        if args.command == "purge-requests":
            return _purge_requests(settings, channels, args)
        if args.command == "import":
            return _import_notices(settings, channels, args)
        if args.command == "report":
            from publisher.report_cli import report_command

            return report_command(settings, args)
        if args.command == "search":
            return _search_reindex(settings, channels)
        return _db_upgrade(settings, channels)
    except ConfigError as exc:
        return _fail(str(exc))
    except ApiError as exc:
        details = "".join(f"\n  {d.get('field', '')}: {d.get('message', '')}" for d in exc.details)
        return _fail(f"{exc.message}{details}")
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}", 1)


if __name__ == "__main__":
    sys.exit(main())
