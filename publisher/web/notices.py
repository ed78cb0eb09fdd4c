"""Notices: the list, the editor (new and edit), a notice's page with its history,
submit and withdraw, and the editor's live preview.

Every write goes through NoticeService, the same calls the JSON API makes; the form
only converts fields (publisher.web.forms)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from babel.dates import get_day_names
from pydantic import ValidationError

from publisher import keys
from publisher.domain.errors import DomainError
from publisher.domain.markup import render_body
from publisher.domain.notices import NoticeIn
from publisher.domain.schedule import WEEKDAYS, Schedule, describe
from publisher.errors import ApiError, as_api, from_validation
from publisher.http.json_io import json_response
from publisher.http.params import path_id
from publisher.remote import client_address
from publisher.services import review_flags
from publisher.services.notice_reads import STATUSES
from publisher.web import forms
from publisher.web.flags import MASKABLE, flag_rows
from publisher.web.i18n import N_
from publisher.web.pages import explain, form, render, see_other, staff_page, translator, who

routes = web.RouteTableDef()

PRIORITIES = ("normal", "urgent", "emergency")
PRIORITY_NAMES = {"normal": N_("一般"), "urgent": N_("重要"), "emergency": N_("緊急")}
STATUS_NAMES = {"draft": N_("草稿"), "in_review": N_("審核中"), "live": N_("已發布"), "withdrawn": N_("已撤回")}
ACTION_NAMES = {"create": N_("建立"), "edit": N_("編輯"), "submit": N_("送審"), "approve": N_("核准"),
                "reject": N_("退回"), "publish": N_("發布"), "withdraw": N_("撤回"), "import": N_("匯入")}
DONE = {"saved": N_("草稿已儲存。"), "submitted": N_("已送審，等待審核。"),
        "withdrawn": N_("公告已撤回，已從所有管道移除。"), "approved": N_("已核准。"),
        "rejected": N_("已退回給作者。"), "published": N_("已核准並發布。"),
        "recalled": N_("已撤回送審；修改後會成為新的版本。"),
        "attached": N_("附件已加入。"), "detached": N_("附件已移除。")}


def notice_id(request: web.Request) -> int:
    return path_id(request, "notice")


def names(request: web.Request) -> dict[str, Any]:
    """Display names shared by the notice pages."""
    t = translator(request)
    days = get_day_names("abbreviated", locale=t.locale)
    return {
        "priority_names": {k: t(v) for k, v in PRIORITY_NAMES.items()},
        "channel_names": {spec.name: t(spec.label) for spec in request.app[keys.CHANNELS]},
        "status_names": {k: t(v) for k, v in STATUS_NAMES.items()},
        "action_names": {k: t(v) for k, v in ACTION_NAMES.items()},
        "day_names": {code: days[i] for i, code in enumerate(WEEKDAYS)},
        "done": t(DONE[request.query["done"]]) if request.query.get("done") in DONE else None,
    }


def schedule_words(schedule: dict[str, Any] | Schedule | None, lang: str) -> str:
    if not schedule:
        return ""
    model = schedule if isinstance(schedule, Schedule) else Schedule.model_validate(schedule)
    return describe(model, lang)


# -- list -----------------------------------------------------------------------------------


@routes.get("/staff/notices")
@staff_page()
async def list_page(request: web.Request) -> web.StreamResponse:
    q = request.query
    status = q.get("status") if q.get("status") in STATUSES else None
    settings = request.app[keys.SETTINGS]
    category = q.get("category") if q.get("category") in settings.catalog_codes else None
    text = (q.get("q") or "").strip()[:200] or None
    raw_cursor = q.get("cursor", "")
    cursor = int(raw_cursor) if raw_cursor.isdigit() and raw_cursor.isascii() and len(raw_cursor) < 15 else None
    page = await request.app[keys.NOTICES].page(status=status, category=category, q=text, limit=25, cursor=cursor)
    return await render(request, "staff/notices.html", {
        "page": page, "status": status or "", "category": category or "", "q": text or "", "statuses": STATUSES,
        **names(request),
    })


# -- the editor -------------------------------------------------------------------------------


async def _editor(request: web.Request, the_form: forms.NoticeForm, notice: dict[str, Any] | None,
                  status: int = 200, spare: int = 1, blocked: str | None = None) -> web.Response:
    app = request.app
    settings = app[keys.SETTINGS]
    return await render(request, "staff/editor.html", {
        "form": the_form, "errors": the_form.errors, "notice": notice, "rows": the_form.rows(spare),
        "categories": settings.catalog, "locations": settings.locations, "channels": app[keys.CHANNELS].names,
        "previews": [spec.editor_preview for spec in app[keys.CHANNELS] if spec.editor_preview],
        "priorities": PRIORITIES, "weekdays": WEEKDAYS, "blocked": blocked,
        "words": _words_or_blank(the_form, request), **names(request),
    }, status=status)


def _words_or_blank(the_form: forms.NoticeForm, request: web.Request) -> str:
    converted = forms.to_notice_in(the_form, request.app[keys.SETTINGS].tz)
    try:
        return schedule_words(converted.data["schedule"], translator(request).language)
    except ValidationError:
        return ""


async def _save(request: web.Request, existing: int | None) -> web.StreamResponse:
    app = request.app
    post = form(request)
    the_form = forms.from_post(post)
    action = post.get("action", "save")
    current = await app[keys.NOTICES].get(existing) if existing is not None else None
    if action == "add_window":
        return await _editor(request, the_form, current, spare=2)
    t = translator(request)
    converted = forms.to_notice_in(the_form, app[keys.SETTINGS].tz)
    service = app[keys.NOTICES]
    person = who(request)
    now = app[keys.CLOCK]()
    try:
        if converted.errors:  # report every other problem too, from the service's own parse
            details = list(converted.errors)
            try:
                service.parse_notice(converted.data)
            except ApiError as err:
                details += err.details
            raise ApiError(422, "validation_failed", "invalid form", details)
        if existing is None:
            notice = await service.create(person, converted.data, now)
        else:
            notice = await service.update(person, existing, converted.data, now)
    except (ApiError, DomainError) as raw:
        refusal = as_api(raw)
        if refusal.status == 422:
            the_form.errors = forms.field_errors(refusal.details, converted.rows, t)
        elif refusal.status in (403, 409):  # e.g. submitted by someone else meanwhile: keep what was typed
            the_form.errors = {"_form": explain(refusal, t)}
        else:
            raise
        return await _editor(request, the_form, current, status=refusal.status)
    if action == "submit":
        await service.submit(person, notice["id"], app[keys.CLOCK]())
        see_other(f"/staff/notices/{notice['id']}?done=submitted")
    see_other(f"/staff/notices/{notice['id']}/edit?done=saved")


@routes.get("/staff/notices/new")
@staff_page("editor")
async def new_form(request: web.Request) -> web.StreamResponse:
    settings = request.app[keys.SETTINGS]
    blank = forms.blank_form([c.code for c in settings.catalog], settings.organization.name,
                             request.app[keys.CHANNELS].names)
    return await _editor(request, blank, None)


@routes.post("/staff/notices/new")
@staff_page("editor")
async def create(request: web.Request) -> web.StreamResponse:
    return await _save(request, None)


@routes.get("/staff/notices/{id}/edit")
@staff_page("editor")
async def edit_form(request: web.Request) -> web.StreamResponse:
    notice = await request.app[keys.NOTICES].get(notice_id(request))
    the_form = forms.from_notice(notice, request.app[keys.SETTINGS].tz)
    t = translator(request)
    blocked = None
    if notice["status"] == "withdrawn":
        blocked = t("這則公告已撤回，不能再變更。")
    elif (notice["pending_revision"] or {}).get("state") == "in_review":
        blocked = t("這則公告有修訂正在審核中，審核完成（核准或退回）前不能編輯。")
    return await _editor(request, the_form, notice, blocked=blocked)


@routes.post("/staff/notices/{id}/edit")
@staff_page("editor")
async def update(request: web.Request) -> web.StreamResponse:
    return await _save(request, notice_id(request))


# -- one notice: details, history, submit, withdraw -----------------------------------------


async def notice_page(request: web.Request, nid: int, status: int = 200, **extra: Any) -> web.Response:
    notice, history = await request.app[keys.NOTICES].with_history(nid)
    lang = translator(request).language
    return await render(request, "staff/notice.html", {
        "notice": notice, "history": history, "words": schedule_words(notice.get("schedule"), lang),
        "body_html": render_body(notice.get("body") or ""), "reason": "", "errors": {}, **names(request), **extra,
    }, status=status)


@routes.get("/staff/notices/{id}")
@staff_page()
async def show(request: web.Request) -> web.StreamResponse:
    return await notice_page(request, notice_id(request))


@routes.post("/staff/notices/{id}/submit")
@staff_page("editor")
async def submit(request: web.Request) -> web.StreamResponse:
    nid = notice_id(request)
    await request.app[keys.NOTICES].submit(who(request), nid, request.app[keys.CLOCK]())
    see_other(f"/staff/notices/{nid}?done=submitted")


@routes.post("/staff/notices/{id}/recall")
@staff_page("editor")
async def recall(request: web.Request) -> web.StreamResponse:
    """The author takes their revision back out of review (refusals become the error page)."""
    nid = notice_id(request)
    await request.app[keys.NOTICES].recall(who(request), nid, {}, request.app[keys.CLOCK]())
    see_other(f"/staff/notices/{nid}?done=recalled")


@routes.post("/staff/notices/{id}/withdraw")
@staff_page()
async def withdraw(request: web.Request) -> web.StreamResponse:
    nid = notice_id(request)
    reason = form(request).get("reason", "")
    try:
        await request.app[keys.NOTICES].withdraw(who(request), nid, {"reason": reason}, request.app[keys.CLOCK](),
                                                 client_address(request))
    except ApiError as err:
        if err.status != 422:
            raise
        t = translator(request)
        errors = {"reason": forms.localize(err.details[0], "reason", t) if err.details else err.message}
        return await notice_page(request, nid, status=422, reason=reason, errors=errors)
    see_other(f"/staff/notices/{nid}?done=withdrawn")


# -- the editor's preview -----------------------------------------------------------------------


@routes.post("/staff/preview")
@staff_page()
async def preview(request: web.Request) -> web.StreamResponse:
    """The editor's live preview: the body rendered as the channels render it, the
    schedule in words, and what each channel adds for its part of the preview pane
    (ChannelSpec.preview_data; the LED channel: the signs the notice targets and the
    text they get)."""
    app = request.app
    t = translator(request)
    the_form = forms.from_post(form(request))
    converted = forms.to_notice_in(the_form, app[keys.SETTINGS].tz)
    data = converted.data
    words, schedule_error = "", None
    try:
        words = schedule_words(data["schedule"], t.language)
    except ValidationError as exc:
        err = from_validation(exc, ("schedule",))
        first = err.details[0]
        field = forms.form_field(first["field"], converted.rows)
        schedule_error = {"field": field, "message": forms.localize(first, field, t)}
    # Which signs and what text: the notice model's own rules, on what was typed so far.
    draft = NoticeIn.model_construct(title=data["title"].strip(), led_text=data["led_text"].strip() or None,
                                     channels=data["channels"], locations=data["locations"])
    answer: dict[str, Any] = {
        "body_html": render_body(data["body"]),
        "schedule_words": words,
        "schedule_error": schedule_error,
    }
    for spec in app[keys.CHANNELS]:
        if spec.preview_data is not None:
            answer.update(spec.preview_data(app, draft))
    answer.update(await _flags_preview(the_form, data, t))
    return json_response(answer)


async def _flags_preview(the_form: forms.NoticeForm, data: dict[str, Any], t: Any) -> dict[str, Any]:
    """Personal data and secrecy marks in what was typed (the scan review and approval
    run), and each text field with its personal data masked, for the mask button."""
    flags = (await review_flags.scan(data)).as_dict()
    masked = await review_flags.masked({name: the_form.get(name) for name in MASKABLE}) if flags["flagged"] else {}
    return {"flags": {"count": flags["count"], "rows": flag_rows(flags, t)}, "masked": masked}
