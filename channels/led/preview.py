"""What staff see before a notice reaches a board: POST /api/v1/led/preview, and the
approval guard that refuses LED text a strict sign cannot show."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, model_validator

from channels.led.fitting import FitResult, SignProfile, fit_text, page_bytes
from channels.led.format import geometry, unencodable_json
from publisher import keys
from publisher.api import openapi
from publisher.auth import require_staff
from publisher.domain.notices import NoticeIn
from publisher.errors import ApiError, not_found
from publisher.http import json_body, json_response
from publisher.services.devices import DeviceRegistry
from publisher.services.notices import parse

routes = web.RouteTableDef()


class LedPreview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(max_length=10_000)]
    sign_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    profile: SignProfile | None = None

    @model_validator(mode="after")
    def _one_target(self) -> "LedPreview":
        if (self.sign_id is None) == (self.profile is None):
            raise ValueError("give either sign_id or profile")
        return self


def refusal(sign: str, result: FitResult) -> ApiError:
    chars = unencodable_json(result)
    listed = "、".join(f"{c['char']} ({c['code_point']})" for c in chars)
    return ApiError(422, "unencodable", f"sign {sign} cannot show these characters: {listed}",
                    [{"field": "led_text", "sign_id": sign, **c} for c in chars])


def preview_json(result: FitResult, profile: SignProfile) -> dict[str, Any]:
    return {
        "format": "led-feed/1",
        "geometry": geometry(profile),
        "encoding": profile.charset,
        "mode": profile.mode,
        "pages": [
            {"lines": p.lines, "dwell_s": p.dwell_s, "bytes_b64": base64.b64encode(page_bytes(p, profile)).decode()}
            for p in result.pages
        ],
        "unencodable": unencodable_json(result),
        "warnings": result.warnings,
    }


@routes.post("/api/v1/led/preview")
async def preview(request: web.Request) -> web.Response:
    await require_staff(request)
    body = parse(LedPreview, await json_body(request))
    profile = body.profile
    name = "(inline profile)"
    if body.sign_id is not None:
        device = request.app[keys.DEVICES].devices.get(body.sign_id)
        if device is None or device.kind != "led":
            raise not_found(f"sign {body.sign_id!r}")
        profile, name = device.settings, body.sign_id
    assert profile is not None
    result = fit_text(body.text, profile)
    if result.unencodable and profile.unencodable == "strict":
        raise refusal(name, result)
    return json_response({"sign_id": body.sign_id, **preview_json(result, profile)})


def strict_guard(registry: DeviceRegistry) -> Any:
    """Refuse to approve LED text that a strict sign it targets cannot encode."""

    def guard(notice: NoticeIn) -> None:
        for device in registry.devices.values():
            profile: SignProfile | None = device.settings
            if device.kind != "led" or device.revoked or profile is None or profile.unencodable != "strict":
                continue
            if not notice.targets("led", device.location):
                continue
            result = fit_text(notice.led_source, profile)
            if result.unencodable:
                raise refusal(device.id, result)

    return guard


def setup_preview(app: web.Application) -> None:
    app.router.add_routes(routes)
    openapi.REQUEST_MODELS["LedPreview"] = LedPreview
    app[keys.NOTICES].guards.append(strict_guard(app[keys.DEVICES]))
