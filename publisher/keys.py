"""Every AppKey of the core in one module, typed, so handlers never guess what app[...]
holds. A channel package keeps the keys of its own state in its own `keys.py`
(channels/kiosk/keys.py): the core never reads them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from aiohttp_session.cookie_storage import EncryptedCookieStorage

    from publisher.channel_registry import ChannelRegistry
    from publisher.cluster.announce import ChangeListener
    from publisher.cluster.leader import LeaderJob, Leadership
    from publisher.live_sync import LiveSync
    from publisher.metrics import Metrics
    from publisher.queue import ContentQueue
    from publisher.services.devices import DeviceRegistry
    from publisher.services.login_throttle import LoginThrottle
    from publisher.services.notices import NoticeService
    from publisher.services.request_intake import IntakeLimit
    from publisher.services.requests import RequestService
    from publisher.settings import Settings
    from publisher.store.engine import Database

SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
CLOCK: web.AppKey[Callable[[], datetime]] = web.AppKey("clock")
DB: web.AppKey[Database] = web.AppKey("db")
QUEUE: web.AppKey[ContentQueue] = web.AppKey("queue")
NOTICES: web.AppKey[NoticeService] = web.AppKey("notices")
DEVICES: web.AppKey[DeviceRegistry] = web.AppKey("devices")
METRICS: web.AppKey[Metrics] = web.AppKey("metrics")
SCHEDULER: web.AppKey[Any] = web.AppKey("scheduler")
# The registered channels (publisher.channel_registry), and the path prefixes whose
# refusals are JSON (the staff API's and every channel's device feeds).
CHANNELS: web.AppKey[ChannelRegistry] = web.AppKey("channels")
JSON_PREFIXES: web.AppKey[tuple[str, ...]] = web.AppKey("json_prefixes")
LIVE_SYNC: web.AppKey[LiveSync] = web.AppKey("live_sync")
# Staff sign-in: the encrypted cookie storage (publisher.auth.sessions) and the login
# throttle in the database (publisher.services.login_throttle).
SESSIONS: web.AppKey[EncryptedCookieStorage] = web.AppKey("sessions")
THROTTLE: web.AppKey[LoginThrottle] = web.AppKey("login_throttle")
# Called with every text/html answer before it is sent (the security headers), by the
# per-route wrapper (publisher.http.instrument); and the catch-all route it adds last.
ResponseHook = Callable[[web.Request, web.StreamResponse], None]
HTML_HOOKS: web.AppKey[list[ResponseHook]] = web.AppKey("html_hooks", list)
CATCH_ALL: web.AppKey[web.AbstractResource] = web.AppKey("catch_all", web.AbstractResource)
# Requests for information: the register (publisher.services.requests) and the public
# form's rate limit per address (publisher.services.request_intake).
REQUESTS: web.AppKey[RequestService] = web.AppKey("requests")
REQUEST_INTAKE: web.AppKey[IntakeLimit] = web.AppKey("request_intake")
# Files attached to revisions (publisher.services.attachments).
if TYPE_CHECKING:
    from publisher.services.attachments import AttachmentService
ATTACHMENTS: web.AppKey[AttachmentService] = web.AppKey("attachments")
# The yearly disclosure report (publisher.services.reports) and table 4's case register.
if TYPE_CHECKING:
    from publisher.services.reports import ReportService
    from publisher.services.review_cases import CaseRegister
REPORTS: web.AppKey[ReportService] = web.AppKey("reports")
REVIEW_CASES: web.AppKey[CaseRegister] = web.AppKey("review_cases")
# Several instances (publisher.cluster): the jobs that run on the leader only, the
# leader election, and (PostgreSQL only) the listener for other instances' changes.
LEADER_JOBS: web.AppKey[list[LeaderJob]] = web.AppKey("leader_jobs", list)
LEADERSHIP: web.AppKey[Leadership] = web.AppKey("leadership")
CHANGE_LISTENER: web.AppKey[ChangeListener] = web.AppKey("change_listener")

# Proactive disclosure's 20-working-day deadline, for the staff overview.
if TYPE_CHECKING:
    from publisher.services.proactive_due import ProactiveDeadlines
PROACTIVE_DUE: web.AppKey[ProactiveDeadlines] = web.AppKey("proactive_due")
