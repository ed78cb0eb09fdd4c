"""/staff/reports: the yearly disclosure reports. One page per year shows the report as
it stands (tables, section 一's figures, the cells where a check fails), the forms for
the narrative sections and table 2's figures, table 4's case register, and the review
buttons. The rules live in publisher.services.reports and .review_cases."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from publisher import keys
from publisher.domain.disclosure.report_codes import CASE_KINDS, CASE_OUTCOMES, SECTIONS, TABLE4_LABELS
from publisher.domain.errors import DomainError
from publisher.errors import ApiError, as_api
from publisher.services.report_formats import stylesheet, template_context
from publisher.services.reports import FIGURE_CODES, SECTION_CODES, check_year
from publisher.web.forms import localize
from publisher.web.i18n import N_, Translator
from publisher.web.pages import explain, form, render, see_other, staff_page, translator, who

routes = web.RouteTableDef()

STATE_NAMES = {"none": N_("尚未撰寫"), "draft": N_("草稿"), "in_review": N_("審核中"), "approved": N_("已核准"),
               "published": N_("已發佈")}
FIGURE_LABELS = {"licensing": N_("行政許可處理決定數"), "penalty": N_("行政處罰處理決定數"),
                 "coercion": N_("行政強制處理決定數"), "fees_10k_yuan": N_("行政事業性收費金額（萬元）")}
DONE = {"saved": N_("已儲存。"), "submitted": N_("已送審。"), "approved": N_("已核准，可以發佈。"),
        "rejected": N_("已退回作者。"), "published": N_("已在網站發佈。"), "case_added": N_("已登記案件。"),
        "case_decided": N_("已記錄審結結果。"), "case_removed": N_("已刪除案件。")}
# What a refusal means here, by the service's error code (the others: publisher.web.pages).
REFUSALS = {
    "check_failed": N_("報告未通過勾稽檢查，不能發佈："),
    "bad_records": N_("有記錄無法讀取，修正前不能發佈："),
    "year_not_over": N_("這一年尚未結束，年度報告要到次年才能發佈。"),
    "not_approved": N_("報告須先經核准才能發佈。"),
    "published": N_("報告已發佈，不能再修改。"),
    "four_eyes": N_("依「四眼原則」，報告的作者不能核准或退回它。請由另一位審核人處理。"),
    "in_review": N_("報告正在審核中，核准或退回前不能修改。"),
    "not_in_review": N_("報告目前沒有等待審核。"),
    "nothing_to_submit": N_("只有草稿可以送審。"),
}
ACTION_NAMES = {"edit": N_("修改"), "submit": N_("送審"), "approve": N_("核准"), "reject": N_("退回"),
                "publish": N_("發佈")}
PER_PAGE_CASES = 200


def report_year(request: web.Request) -> int:
    raw = request.match_info["year"]
    if not (raw.isascii() and raw.isdigit()) or len(raw) != 4:
        raise ApiError(404, "not_found", f"report {raw!r} not found")
    return check_year(int(raw))


def _alert(err: ApiError, t: Translator) -> str:
    text = REFUSALS.get(err.code)
    if text is None:
        return explain(err, t)
    if err.code in ("check_failed", "bad_records"):
        return f"{t(text)} {err.message}"
    return t(text)


async def _page(request: web.Request, year: int, status: int = 200, **extra: Any) -> web.Response:
    app = request.app
    t = translator(request)
    report = await app[keys.REPORTS].view(year, app[keys.CLOCK]())
    cases = await app[keys.REVIEW_CASES].page(year, PER_PAGE_CASES, None)
    history = await app[keys.REPORTS].history(year)
    settings = app[keys.SETTINGS]
    bad = frozenset(v["cell"] for v in report.get("violations", []))
    done = request.query.get("done")
    values = extra.pop("values", None) or {
        **{f"sections.{code}": report["sections"].get(code, "") for code in SECTION_CODES},
        **{f"figures.{code}": _figure(report, code) for code in FIGURE_CODES},
    }
    return await render(request, "staff/report.html", {
        **template_context(report, settings.category_name, bad),
        "year": year, "state_names": {k: t(v) for k, v in STATE_NAMES.items()},
        "action_names": {k: t(v) for k, v in ACTION_NAMES.items()},
        "figure_labels": {k: t(v) for k, v in FIGURE_LABELS.items()}, "section_titles": dict(SECTIONS),
        "cases": cases["items"], "case_kinds": CASE_KINDS, "case_outcomes": CASE_OUTCOMES,
        "case_labels": TABLE4_LABELS, "history": history, "values": values, "errors": {}, "alert": None,
        "done": t(DONE[done]) if done in DONE else None, "editable": report["state"] in ("none", "draft", "approved"),
        **extra,
    }, status=status)


def _figure(report: dict[str, Any], code: str) -> str:
    table2 = report["table2"]
    value = {"licensing": table2["art20_5"]["licensing"], "penalty": table2["art20_6"]["penalty"],
             "coercion": table2["art20_6"]["coercion"], "fees_10k_yuan": table2["art20_8"]["fees_10k_yuan"]}[code]
    return str(value)


@routes.get("/staff/reports")
@staff_page()
async def list_page(request: web.Request) -> web.StreamResponse:
    app = request.app
    t = translator(request)
    started = await app[keys.REPORTS].years()
    this_year = app[keys.CLOCK]().astimezone(app[keys.SETTINGS].tz).year
    known = {r["year"] for r in started}
    # Last year's report is due by 31 January: always offered, with the two before it.
    offered = [{"year": y, "state": "none", "revision": 0, "updated_at": None}
               for y in range(this_year - 1, this_year - 4, -1) if y not in known]
    rows = sorted([*started, *offered], key=lambda r: r["year"], reverse=True)
    return await render(request, "staff/reports.html", {
        "rows": rows, "state_names": {k: t(v) for k, v in STATE_NAMES.items()}})


@routes.get("/staff/reports/report.css")
async def report_css(request: web.Request) -> web.StreamResponse:
    return web.Response(text=stylesheet(), content_type="text/css", headers={"Cache-Control": "max-age=3600"})


@routes.get("/staff/reports/go")
@staff_page()
async def go(request: web.Request) -> web.StreamResponse:
    """The list page's "other year" box."""
    raw = request.query.get("year", "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        raise ApiError(404, "not_found", f"report {raw[:10]!r} not found")
    see_other(f"/staff/reports/{check_year(int(raw))}")


@routes.get("/staff/reports/{year}")
@staff_page()
async def report_page(request: web.Request) -> web.StreamResponse:
    return await _page(request, report_year(request))


REPORT_FIELDS = frozenset({*(f"sections.{c}" for c in SECTION_CODES), *(f"figures.{c}" for c in FIGURE_CODES)})
CASE_FIELDS = frozenset({"kind", "filed_on", "outcome", "decided_on", "note"})


def _field_errors(err: ApiError, t: Translator, known: frozenset[str], fallback: str,
                  prefix: str = "") -> dict[str, str]:
    """{form field: message} from a 422's details; a field the form lacks goes to `fallback`."""
    errors: dict[str, str] = {}
    for d in err.details or [{"field": fallback, "message": err.message, "type": err.code}]:
        name = str(d.get("field", ""))
        errors.setdefault(prefix + name if name in known else fallback, localize(d, name, t))
    return errors


@routes.post("/staff/reports/{year}")
@staff_page()
async def act(request: web.Request) -> web.StreamResponse:
    """The page's forms: save, submit, approve, reject, publish."""
    year = report_year(request)
    data = form(request)
    action = data.get("action", "")
    app = request.app
    service, me, now = app[keys.REPORTS], who(request), app[keys.CLOCK]()
    t = translator(request)
    values: dict[str, str] | None = None
    try:
        if action == "save":
            values = {name: data.get(name, "") for name in
                      (*(f"sections.{c}" for c in SECTION_CODES), *(f"figures.{c}" for c in FIGURE_CODES))}
            body = {"sections": {c: values[f"sections.{c}"] for c in SECTION_CODES},
                    "figures": {c: values[f"figures.{c}"].strip() or "0" for c in FIGURE_CODES}}
            await service.edit(me, year, body, now)
            done = "saved"
        elif action == "submit":
            await service.submit(me, year, now)
            done = "submitted"
        elif action == "approve":
            await service.approve(me, year, {"revision": data.get("revision", ""),
                                             "comment": data.get("comment") or None}, now)
            done = "approved"
        elif action == "reject":
            reason = data.get("comment", "")
            await service.reject(me, year, {"revision": data.get("revision", ""), "reason": reason}, now)
            done = "rejected"
        elif action == "publish":
            await service.publish(me, year, now)
            done = "published"
        else:
            raise ApiError(422, "validation_failed", "unknown action")
    except (ApiError, DomainError) as raw:
        err = as_api(raw)
        errors = _field_errors(err, t, REPORT_FIELDS, "comment") \
            if err.status == 422 and err.code == "validation_failed" else {}
        alert = None if errors else _alert(err, t)
        return await _page(request, year, status=err.status, errors=errors, alert=alert, values=values,
                           comment=data.get("comment", ""))
    see_other(f"/staff/reports/{year}?done={done}")


def _case_body(data: Any) -> dict[str, Any]:
    def day(name: str) -> str | None:
        return data.get(name, "").strip() or None

    return {"kind": data.get("kind", ""), "filed_on": day("filed_on"), "outcome": data.get("outcome") or None,
            "decided_on": day("decided_on"), "note": data.get("note", "").strip() or None}


@routes.post("/staff/reports/{year}/cases")
@staff_page()
async def add_case(request: web.Request) -> web.StreamResponse:
    year = report_year(request)
    data = form(request)
    app = request.app
    try:
        await app[keys.REVIEW_CASES].add(who(request), _case_body(data), app[keys.CLOCK]())
    except ApiError as err:
        t = translator(request)
        errors = _field_errors(err, t, CASE_FIELDS, "case.filed_on", prefix="case.") if err.status == 422 else {}
        return await _page(request, year, status=err.status, errors=errors,
                           alert=None if errors else _alert(err, t), case_values=dict(data))
    see_other(f"/staff/reports/{year}?done=case_added#cases")


@routes.post("/staff/reports/{year}/cases/{id}")
@staff_page()
async def change_case(request: web.Request) -> web.StreamResponse:
    """Record a pending case's outcome, or remove a case recorded in error."""
    year = report_year(request)
    raw = request.match_info["id"]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise ApiError(404, "not_found", f"case {raw!r} not found")
    data = form(request)
    app, me = request.app, who(request)
    register = app[keys.REVIEW_CASES]
    try:
        if data.get("action") == "remove":
            await register.remove(me, int(raw))
            done = "case_removed"
        else:
            case = await register.get(int(raw))
            body = {**{k: case[k] for k in ("kind", "filed_on", "note")},
                    "outcome": data.get("outcome") or None, "decided_on": data.get("decided_on", "").strip() or None}
            await register.replace(me, int(raw), body, app[keys.CLOCK]())
            done = "case_decided"
    except ApiError as err:
        t = translator(request)
        message = "; ".join(localize(d, str(d.get("field", "")), t) for d in err.details) or _alert(err, t)
        return await _page(request, year, status=err.status, alert=message)
    see_other(f"/staff/reports/{year}?done={done}#cases")
