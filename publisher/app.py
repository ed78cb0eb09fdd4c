"""create_app(settings): the one place where the service is assembled."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from datetime import datetime, timezone
from time import perf_counter

import aiohttp_jinja2
import jinja2
import structlog
from aiohttp import web

from publisher import keys
from publisher.api import requests as requests_api
from publisher.api import setup_api
from publisher.attachments import records as attachment_records
from publisher.auth.sessions import setup_sessions
from publisher.auth.sign_in import setup_sign_in
from publisher.channel_registry import ChannelRegistry, ChannelSpec, builtin_channels
from publisher.cluster.context import setup_cluster
from publisher.http.instrument import instrument_routes
from publisher.http.json_io import MAX_BODY
from publisher.http.refusals import JSON_PREFIXES
from publisher.live_sync import LiveSync
from publisher.metrics import Metrics
from publisher.ops import setup_ops
from publisher.queue import ContentQueue
from publisher.scheduling import scheduler_ctx
from publisher.services.attachments import AttachmentService
from publisher.services.devices import Device, DeviceRegistry
from publisher.services.notices import NoticeService
from publisher.services.proactive_due import ProactiveDeadlines
from publisher.services.reports import ReportService
from publisher.services.request_intake import IntakeLimit
from publisher.services.requests import RequestService
from publisher.services.review_cases import CaseRegister
from publisher.settings import Settings
from publisher.store.engine import Database, make_engine
from publisher.store.migrate import upgrade
from publisher.web import setup_web

log = structlog.get_logger("publisher.app")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


async def database_ctx(app: web.Application) -> AsyncIterator[None]:
    """Open the database, migrate it, and load what the read path serves from memory."""
    db = app[keys.DB]
    await upgrade(db.engine)
    await app[keys.DEVICES].declare(app[keys.CLOCK]())
    await app[keys.DEVICES].load()
    await app[keys.LIVE_SYNC].full(save_later=True)
    log.info("ready", live_notices=len(app[keys.QUEUE].live), devices=len(app[keys.DEVICES].devices))
    yield
    await app[keys.LIVE_SYNC].settle()
    await app[keys.DEVICES].flush()
    await db.close()


async def freeze_heap(_app: web.Application) -> None:
    """Move what start-up built (modules, settings, the live set) out of the garbage
    collector's reach, so that its full collections stay cheap while serving. For the
    long-running server only (`publisher serve`), not for apps built in tests. The
    collector was paused for the start (publisher.cli.main): on again from here.

    No collection first: one over everything start-up built takes a quarter of a second
    with 10,000 notices and would find a few thousand objects of start-up's garbage,
    which stay (the way the gc module's documentation freezes before a fork)."""
    gc.freeze()
    gc.enable()


# The longest the warming pass holds the event loop at a time (see setup_warming).
WARM_SLICE_S = 0.02
# How long after start-up the first warming pass waits (see setup_warming).
WARM_AFTER_START_S = 1.0


def setup_warming(app: web.Application) -> Callable[[web.Application], Awaitable[None]]:
    """Re-render every device's snapshot soon after the live set moves or a boundary
    passes, so that a snapshot's generated_at says when its version appeared (the
    device list's `stale` counts from there) and the first poll after a change is a
    dictionary look-up too. Coalesced: many changes in one loop turn, one pass. The
    pass runs in slices of WARM_SLICE_S, so that a poll arriving meanwhile (the first
    one after a cold start, when a sign's first fit takes a while) is not held behind
    every other device's rendering.

    The first pass waits until start-up is over and WARM_AFTER_START_S more (unless
    the live set moves meanwhile): the devices that poll at once after a restart are
    answered first (each renders its own snapshot, as the pass would have), instead of
    queueing behind the pass."""
    pending = False
    started = False
    timer: asyncio.TimerHandle | None = None

    def steps(devices: list[Device]) -> Iterator[None]:
        queue, channels, clock = app[keys.QUEUE], app[keys.CHANNELS], app[keys.CLOCK]
        for device in devices:
            channel = channels.channel_of(device.kind)
            if device.revoked or channel not in queue.channels:
                continue
            yield from queue.first_render(channel, device, clock())
            queue.snapshot(channel, device, clock())
            yield

    def warm(work: Iterator[None] | None = None) -> None:
        nonlocal pending
        if work is None:
            pending = False
            work = steps(list(app[keys.DEVICES].devices.values()))
        ends = perf_counter() + WARM_SLICE_S
        for _ in work:
            if perf_counter() > ends:
                asyncio.get_running_loop().call_soon(warm, work)
                return

    def changed() -> None:
        nonlocal pending, timer
        if not started:  # start-up is loading: one pass after it
            pending = True
        elif timer is not None:  # a change while the first pass waits: that pass now
            timer.cancel()
            timer = None
            asyncio.get_running_loop().call_soon(warm)
        elif not pending:
            pending = True
            asyncio.get_running_loop().call_soon(warm)

    def begin() -> None:
        nonlocal timer
        timer = None
        warm()

    async def start(_app: web.Application) -> None:
        nonlocal started, timer
        started = True
        if pending:
            timer = asyncio.get_running_loop().call_later(WARM_AFTER_START_S, begin)

    async def stop(_app: web.Application) -> None:
        if timer is not None:
            timer.cancel()

    app[keys.QUEUE].listeners.add(changed)
    app.on_cleanup.append(stop)
    return start


def create_app(
    settings: Settings, clock: Callable[[], datetime] = utc_now, run_scheduler: bool = True,
    channels: Iterable[ChannelSpec] | None = None,
) -> web.Application:
    """The service; `channels` are the channel specs it serves (default: the built-in
    packages, publisher.channel_registry.BUILTIN)."""
    app = web.Application(client_max_size=MAX_BODY)
    registry = ChannelRegistry(builtin_channels() if channels is None else channels)
    app[keys.CHANNELS] = registry
    app[keys.JSON_PREFIXES] = JSON_PREFIXES + registry.json_prefixes
    app[keys.SETTINGS] = settings
    app[keys.CLOCK] = clock
    app[keys.METRICS] = Metrics()

    db = Database(make_engine(settings.database.url, settings.database.echo))
    queue = ContentQueue(settings)
    notices = NoticeService(db, settings, registry.names)
    sync = LiveSync(db, queue)
    notices.listeners.append(sync.notice_changed)
    app[keys.DB] = db
    app[keys.QUEUE] = queue
    app[keys.NOTICES] = notices
    app[keys.DEVICES] = DeviceRegistry(db, settings, registry.kinds)
    app[keys.LIVE_SYNC] = sync
    app[keys.REQUESTS] = RequestService(db, settings)
    app[keys.PROACTIVE_DUE] = ProactiveDeadlines(db, settings, app[keys.REQUESTS].calendar)
    app[keys.REQUEST_INTAKE] = IntakeLimit(db, settings.disclosure.requests)
    app[keys.ATTACHMENTS] = AttachmentService(db, settings, notices)
    # the review's personal-data and secrecy checks scan file names with the text
    notices.attachment_names.append(attachment_records.names_of_notice_revision)
    app.on_cleanup.append(_close_attachments)
    app[keys.REPORTS] = ReportService(db, settings)
    app[keys.REVIEW_CASES] = CaseRegister(db)

    setup_sessions(app)
    setup_sign_in(app)

    aiohttp_jinja2.setup(
        app,
        # Each package keeps its templates under a folder named after it
        # (portal/..., kiosk/...), so one loader serves them all without clashes.
        loader=jinja2.ChoiceLoader([
            *(jinja2.PackageLoader(spec.templates, "templates") for spec in registry if spec.templates),
            jinja2.PackageLoader("publisher.web", "templates"),
        ]),
        autoescape=jinja2.select_autoescape(["html", "xml", "atom"]),
        undefined=jinja2.StrictUndefined,
        # gettext for the staff pages; setup_web installs the catalogs (publisher/web/translations).
        extensions=["jinja2.ext.i18n"],
    )

    # Order matters: channels register their renderers and profile parsers before
    # the database context loads devices and the live set.
    setup_ops(app)
    setup_api(app)
    for spec in registry:
        if spec.setup is not None:
            spec.setup(app)
    # Staff pages, and the security headers of every HTML answer (portal and kiosk page too).
    setup_web(app)

    # Last: every route's handler is wrapped to count, time and shape refusals (no
    # middleware: see publisher.http.instrument), and a catch-all answers 404/405.
    instrument_routes(app)
    start_warming = setup_warming(app)
    app.cleanup_ctx.append(database_ctx)
    # After every start-up context (the database is migrated by then).
    app.on_startup.append(requests_api.settle_deadlines)
    if run_scheduler:
        app.cleanup_ctx.append(scheduler_ctx)
    # Several instances on PostgreSQL: change notifications and the leader (last: it
    # needs the database and the scheduler started).
    setup_cluster(app, run_scheduler)
    app.on_startup.append(start_warming)
    return app


async def _close_attachments(app: web.Application) -> None:
    app[keys.ATTACHMENTS].close()
