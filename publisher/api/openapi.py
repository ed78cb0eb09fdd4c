"""GET /api/v1/openapi.json: OpenAPI 3.1. Request schemas come from the pydantic models
that validate the requests; the core's paths are listed by hand below (add a new route
here too), and each registered channel adds its own models and routes (ChannelSpec.openapi_*)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from publisher import keys
from publisher.api.auth import Login
from publisher.channel_registry import ChannelRegistry
from publisher.domain.disclosure.requests import Extension, Reply, RequestIn
from publisher.domain.notices import NoticeIn
from publisher.http.json_io import json_response
from publisher.services.devices import DeviceIn
from publisher.services.notices import Approval, Reason, Recall, Rejection
from publisher.services.reports import ReportApproval, ReportEdit, ReportRejection
from publisher.services.review_cases import CaseIn
from publisher.services.users import PasswordChange, UserIn, UserPatch

routes = web.RouteTableDef()
REF = "#/components/schemas/{model}"

# The document, built on first request (setup_api puts the empty holder in place).
DOCUMENT: web.AppKey[dict[str, Any]] = web.AppKey("openapi_document")


def _request_models(channels: ChannelRegistry) -> dict[str, type[BaseModel]]:
    return {"NoticeIn": NoticeIn, "Login": Login, "Reason": Reason, "Approval": Approval,
            "Rejection": Rejection, "Recall": Recall, "UserIn": UserIn, "UserPatch": UserPatch,
            "PasswordChange": PasswordChange, "DeviceIn": DeviceIn,
            **REQUEST_MODELS,
            "ReportEdit": ReportEdit, "ReportApproval": ReportApproval, "ReportRejection": ReportRejection,
            "CaseIn": CaseIn,
            **channels.openapi_models}


_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "array"}},
        }
    },
}
_OBJECT = {"type": "object", "additionalProperties": True}


def _op(summary: str, body: str | None = None, ok: int = 200, auth: bool = True,
        params: list[dict[str, Any]] | None = None,
        errors: tuple[int, ...] = (401, 403, 404, 409, 422)) -> dict[str, Any]:
    ok_json = {"application/json": {"schema": _OBJECT}}
    op: dict[str, Any] = {"summary": summary, "responses": {str(ok): {"description": "OK", "content": ok_json}}}
    for status in errors if auth else tuple(e for e in errors if e != 401):
        op["responses"][str(status)] = {"$ref": "#/components/responses/Error"}
    if body:
        body_json = {"application/json": {"schema": {"$ref": REF.format(model=body)}}}
        op["requestBody"] = {"required": True, "content": body_json}
    if params:
        op["parameters"] = params
    if not auth:
        op["security"] = []
    return op


def _q(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}


def _paths(channels: ChannelRegistry) -> dict[str, Any]:
    with_id = {"parameters": [_ID]}
    return {
        "/api/v1/auth/login": {"post": _op("Sign in; returns a bearer token and sets a session cookie", "Login",
                                           auth=False, errors=(400, 401, 422))},
        "/api/v1/auth/logout": {"post": _op("End this token or session (after an API login, both)")},
        "/api/v1/users": {"post": _op("Create a staff account (admin)", "UserIn", ok=201),
                          "get": _op("Staff accounts with roles, disabled, last login (admin)")},
        "/api/v1/users/me/password": {"post": _op(
            "Change one's own password; every session and token of the caller ends", "PasswordChange")},
        "/api/v1/users/{username}": {
            "parameters": [{"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}],
            "patch": _op("Change roles or disable (admin); disabling or removing a role ends the user's "
                         "sessions and tokens", "UserPatch")},
        "/api/v1/audit": {"get": _op("Security events, newest first (admin)", params=[
            _q("since", "ISO 8601 instant with an offset", {"type": "string", "format": "date-time"}),
            _q("limit", "1 to 500", {"type": "integer", "minimum": 1, "maximum": 500}),
            _q("cursor", "next_cursor of the previous page")])},
        "/api/v1/notices": {
            "post": _op("Create a notice (status draft)", "NoticeIn", ok=201),
            "get": _op("A page of notices, newest first", params=[
                _q("status", "draft, in_review, live or withdrawn"), _q("category", "a catalog code"),
                _q("q", "words in the title or the index number"),
                _q("limit", "1 to 100", {"type": "integer", "minimum": 1, "maximum": 100}),
                _q("cursor", "next_cursor of the previous page")]),
        },
        "/api/v1/notices/{id}": {**with_id, "get": _op("One notice"),
                                 "put": _op("Edit: a new draft revision", "NoticeIn")},
        "/api/v1/notices/{id}/submit": {**with_id, "post": _op("Send the draft to review")},
        "/api/v1/notices/{id}/approve": {**with_id, "post": _op(
            "Approve the current review step of the revision named", "Approval")},
        "/api/v1/notices/{id}/reject": {**with_id, "post": _op(
            "Send the revision named back to draft (not by its author)", "Rejection")},
        "/api/v1/notices/{id}/recall": {**with_id, "post": _op(
            "An author withdraws their revision from review; an edit then makes a new revision", "Recall")},
        "/api/v1/notices/{id}/withdraw": {**with_id, "post": _op("Take the notice off every channel", "Reason")},
        "/api/v1/notices/{id}/history": {**with_id, "get": _op("Append-only events")},
        "/api/v1/notices/{id}/flags": {**with_id, "get": _op(
            "Personal data and secrecy marks in a revision (approving it needs confirm_flags)", params=[
                _q("revision", "a revision number (default: the pending one, else the live one)",
                   {"type": "integer", "minimum": 1})])},
        "/api/v1/notices/{id}/attachments": {**with_id, "post": _upload_op(), "get": _op(
            "The files of the newest revision (draft or pending, else live)")},
        "/api/v1/notices/{id}/attachments/{attachment_id}": {
            "parameters": [_ID, {"name": "attachment_id", "in": "path", "required": True,
                                 "schema": {"type": "string"}}],
            "delete": _op("Remove a file from the revision being edited (a new revision if it is frozen or live)")},
        "/api/v1/review-queue": {"get": _op("Revisions waiting for a step the caller may approve")},
        "/api/v1/live": {"get": _op("The rotation a device would show at an instant", params=[
            _q("channel", " or ".join(channels.names)), _q("device", "device id"),
            _q("at", "ISO 8601 instant with an offset", {"type": "string", "format": "date-time"})])},
        "/api/v1/devices": {"post": _op("Register a device; the token is shown once", "DeviceIn", ok=201),
                            "get": _op("Devices with last_seen, last_version, online")},
        "/api/v1/devices/{id}": {**with_id, "delete": _op("Revoke the device's token")},
        **_request_paths(),
        **_report_paths(),
        **_channel_paths(channels),
        "/api/v1/openapi.json": {"get": _op("This document", auth=False, errors=())},
    }


# The request register (publisher/api/requests.py).
REQUEST_MODELS: dict[str, type[BaseModel]] = {"RequestIn": RequestIn, "Extension": Extension, "Reply": Reply}


def _request_paths() -> dict[str, Any]:
    with_id = {"parameters": [_ID]}
    return {
        "/api/v1/requests": {
            "post": _op("Register a request for information; 201 with id, tracking_no, deadline", "RequestIn",
                        ok=201),
            "get": _op("The request register, newest first", params=[
                _q("status", "open, extended or replied",
                   {"type": "string", "enum": ["open", "extended", "replied"]}),
                _q("overdue", "true or false", {"type": "string", "enum": ["true", "false"]}),
                _q("year", "year of receipt", {"type": "integer", "minimum": 2004, "maximum": 2200}),
                _q("limit", "1 to 200", {"type": "integer", "minimum": 1, "maximum": 200}),
                _q("cursor", "next_cursor of the previous page")]),
        },
        "/api/v1/requests/{id}": {**with_id, "get": _op("One request with its events")},
        "/api/v1/requests/{id}/extend": {**with_id, "post": _op(
            "Extend once by 20 working days, with a reason (reviewer, admin)", "Extension")},
        "/api/v1/requests/{id}/reply": {**with_id, "post": _op(
            "Answer with a table-3 outcome code; a disclosing answer may link a live notice (reviewer, admin)",
            "Reply")},
    }
def _upload_op() -> dict[str, Any]:
    """Multipart: one file field `file`; the type comes from the bytes (415), the size
    limit from configuration (413)."""
    op = _op("Attach a file (PDF, image, office document, zip) to the revision being edited", ok=201,
             errors=(401, 403, 404, 409, 413, 415, 422))
    op["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"}}}}}}
    return op
def _report_paths() -> dict[str, Any]:
    """The yearly disclosure report and table 4's case register (docs/reports.md)."""
    year = {"parameters": [{"name": "year", "in": "path", "required": True,
                            "schema": {"type": "string", "pattern": "^[0-9]{4}$"}}]}
    return {
        "/api/v1/reports": {"get": _op("The published reports' years")},
        "/api/v1/reports/{year}": {
            **year,
            "get": _op("The report of a year as JSON (DISCLOSURE.md), with state, narratives, checks, violations"),
            "put": _op("Set every narrative section and staff figure (absent: empty or zero)", "ReportEdit"),
            "patch": _op("Change the narrative sections and staff figures named", "ReportEdit")},
        "/api/v1/reports/{year}/submit": {**year, "post": _op("Send the draft report to review")},
        "/api/v1/reports/{year}/approve": {**year, "post": _op(
            "Approve the revision named (a reviewer who wrote none of it)", "ReportApproval")},
        "/api/v1/reports/{year}/reject": {**year, "post": _op(
            "Send the revision named back to draft with a reason", "ReportRejection")},
        "/api/v1/reports/{year}/publish": {**year, "post": _op(
            "Publish an approved report on the portal; refused while a check fails (409 check_failed)")},
        "/api/v1/reports/{year}/history": {**year, "get": _op("The report's events")},
        "/api/v1/review-cases": {
            "post": _op("Record a reconsideration or lawsuit (table 4)", "CaseIn", ok=201),
            "get": _op("The case register, newest first", params=[
                _q("year", "only cases counted in that year's table 4", {"type": "integer"}),
                _q("limit", "1 to 200", {"type": "integer", "minimum": 1, "maximum": 200}),
                _q("cursor", "next_cursor of the previous page")])},
        "/api/v1/review-cases/{id}": {
            "parameters": [_ID], "get": _op("One case"), "put": _op("Replace a case (e.g. its outcome)", "CaseIn"),
            "delete": _op("Remove a case recorded in error", ok=204)},
    }


def _channel_paths(channels: ChannelRegistry) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for op in channels.openapi_operations:
        paths.setdefault(op.path, {})[op.method] = _op(op.summary, op.body)
    return paths


def document(channels: ChannelRegistry) -> dict[str, Any]:
    models = _request_models(channels)
    _, schemas = models_json_schema([(m, "validation") for m in models.values()], ref_template=REF)
    return {
        "openapi": "3.1.0",
        "info": {"title": "publisher staff API", "version": "1",
                 "description": "Write notices, review them, and see what every channel shows. Errors use one shape."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": _paths(channels),
        "components": {
            "schemas": {**schemas.get("$defs", {}), "Error": _ERROR},
            "responses": {"Error": {"description": "Refused", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "publisher_session"},
            },
        },
    }


@routes.get("/api/v1/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    held = request.app[DOCUMENT]
    if not held:
        held.update(document(request.app[keys.CHANNELS]))
    return json_response(held)
