"""Review: the queue, and one revision side by side with the live one."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from publisher import keys
from publisher.domain.errors import DomainError
from publisher.errors import ApiError, as_api
from publisher.web import diff, forms
from publisher.web.flags import flag_rows
from publisher.web.i18n import N_, Translator
from publisher.web.notices import names, notice_id, schedule_words
from publisher.web.pages import (
    explain,
    form,
    local_time,
    render,
    see_other,
    staff_page,
    translator,
    who,
)

routes = web.RouteTableDef()

FIELDS = (
    ("title", N_("標題")), ("summary", N_("摘要")), ("body", N_("正文")), ("led_text", N_("LED 文字")),
    ("category", N_("目錄類別")), ("channels", N_("發布管道")), ("locations", N_("地點")), ("priority", N_("優先級")),
    ("schedule", N_("排程")), ("meta.doc_number", N_("文號")), ("meta.issuing_org", N_("發文機關")),
    ("meta.issued_on", N_("成文日期")), ("meta.keywords", N_("關鍵詞")),
    ("meta.doc_kind", N_("文件類型")), ("meta.validity", N_("效力狀態")), ("meta.repealed_on", N_("廢止日期")),
)
# Codes of meta.doc_kind and meta.validity as the reviewer reads them.
META_NAMES = {"rule": N_("規章"), "normative": N_("行政規範性文件"), "other": N_("其他"),
              "in_force": N_("現行有效"), "repealed": N_("已廢止")}


def _as_text(request: web.Request, content: dict[str, Any] | None, name: str, t: Translator,
             labels: dict[str, Any]) -> str:
    """One field of a revision as the text a reviewer compares."""
    if content is None:
        return ""
    settings = request.app[keys.SETTINGS]
    meta = content.get("meta") or {}
    if name.startswith("meta."):
        value = meta.get(name[5:])
        if name in ("meta.doc_kind", "meta.validity"):
            value = value or ("other" if name == "meta.doc_kind" else "in_force")
            return t(META_NAMES[value]) if value in META_NAMES else str(value)
        return "、".join(value) if isinstance(value, list) else (value or "")
    value = content.get(name)
    if name == "category":
        return settings.category_name(value) if value else ""
    if name == "channels":
        return "、".join(labels["channel_names"].get(c, c) for c in value or [])
    if name == "locations":
        return "、".join(settings.location_name(c) for c in value) if value else t("全部地點")
    if name == "priority":
        return str(labels["priority_names"].get(value, value or ""))
    if name == "schedule":
        schedule = value or {}
        start = local_time(request, schedule.get("start")) or t("核准時")
        end = local_time(request, schedule.get("end")) or t("不設結束")
        words = schedule_words(schedule, t.language)
        dwell = t("每次顯示 %(s)s 秒", s=schedule.get("dwell_s", 10))
        return "\n".join(p for p in (f"{start} → {end}", words, dwell) if p)
    return value or ""


def comparison(request: web.Request, live: dict[str, Any] | None, pending: dict[str, Any],
               labels: dict[str, Any]) -> list[dict[str, Any]]:
    t = translator(request)
    rows = []
    for name, label in FIELDS:
        old = _as_text(request, live, name, t, labels)
        new = _as_text(request, pending, name, t, labels)
        if live is None and not new:
            continue
        if live is not None and not old and not new:
            continue
        old_side, new_side = diff.sides(old, new) if live is not None else ([], [diff.Piece("same", new)])
        rows.append({"name": name, "label": t(label), "changed": live is not None and old != new,
                     "old": old_side, "new": new_side})
    return rows


async def review_page(request: web.Request, nid: int, status: int = 200, **extra: Any) -> web.Response:
    app = request.app
    service = app[keys.NOTICES]
    notice, history = await service.with_history(nid)
    flags: dict[str, Any] = {}
    if notice["pending_revision"] is not None:  # the same scan approval runs
        flags = (await service.revision_flags(nid, notice["pending_revision"]["revision"]))[1].as_dict()
    live = app[keys.QUEUE].live.get(nid)
    live_content = live.content.model_dump(mode="json", by_alias=True) if live is not None else None
    labels = names(request)
    submitted = next((e for e in reversed(history) if e["action"] == "submit"), None)
    return await render(request, "staff/review.html", {
        "notice": notice, "history": history, "submitted": submitted, "live": live,
        "rows": comparison(request, live_content, notice, labels),
        "comment": "", "errors": {}, "alert": None, "flags": flags,
        "flag_rows": flag_rows(flags, translator(request)), **labels, **extra,
    }, status=status)


@routes.get("/staff/review")
@staff_page()
async def queue_page(request: web.Request) -> web.StreamResponse:
    service = request.app[keys.NOTICES]
    items = await service.review_queue(who(request))
    return await render(request, "staff/queue.html", {"items": items, **names(request)})


@routes.get("/staff/notices/{id}/review")
@staff_page()
async def review(request: web.Request) -> web.StreamResponse:
    return await review_page(request, notice_id(request))


@routes.post("/staff/notices/{id}/review")
@staff_page()
async def decide(request: web.Request) -> web.StreamResponse:
    nid = notice_id(request)
    data = form(request)
    action, comment = data.get("action", ""), data.get("comment", "")
    revision = data.get("revision", "")  # as shown on the page; the service checks it
    app = request.app
    service = app[keys.NOTICES]
    t = translator(request)
    try:
        if action == "approve":
            body: dict[str, Any] = {"revision": revision, "comment": comment or None,
                                    "confirm_flags": data.get("confirm_flags") == "1"}
            notice = await service.approve(who(request), nid, body, app[keys.CLOCK]())
            done = "published" if notice["status"] == "live" and not notice["pending_revision"] else "approved"
        elif action == "reject":
            await service.reject(who(request), nid, {"revision": revision, "reason": comment}, app[keys.CLOCK]())
            done = "rejected"
        else:
            raise ApiError(422, "validation_failed", "unknown action")
    except (ApiError, DomainError) as raw:
        err = as_api(raw)
        # Refusals (four eyes, a wrong role, a missing reason) stay on the page, explained.
        errors: dict[str, str] = {}
        alert = None
        first = err.details[0] if err.status == 422 and err.details else {}
        if err.code == "flags_not_confirmed":
            errors["confirm_flags"] = t("這個版本可能含有個人資料或保密標記：請逐項核對，勾選確認後再核准。")
        elif first.get("field") in ("reason", "comment"):
            missing = action == "reject" and first.get("type") in ("string_too_short", "missing")
            errors["comment"] = t("退回時請寫明原因。") if missing else forms.localize(first, "comment", t)
        else:
            alert = explain(err, t)
            if err.code == "unencodable":  # which signs, which characters
                alert = f"{alert} {err.message}"
        return await review_page(request, nid, status=err.status, comment=comment, errors=errors, alert=alert)
    see_other(f"/staff/review?done={done}&notice={nid}")
