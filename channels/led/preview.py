"""What staff see before a notice reaches a board: POST /api/v1/led/preview, and the
approval guard that refuses LED text a strict sign cannot show."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, model_validator

from channels.led.fitting import FitResult, SignProfile, fit_text
from channels.led.format import fit_pages, geometry, page_json, unencodable_json
from publisher import keys
from publisher.auth.identity import require_staff
from publisher.domain.notices import NoticeIn
from publisher.errors import ApiError, not_found
from publisher.http.json_io import json_body, json_response
from publisher.services.devices import DeviceRegistry
from publisher.services.notices import parse

routes = web.RouteTableDef()


class LedPreview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(max_length=10_000)]
    sign_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    profile: SignProfile | None = None

    @model_validator(mode="after")
    def _one_target(self) -> LedPreview:
        if (self.sign_id is None) == (self.profile is None):
            raise ValueError("give either sign_id or profile")
        return self


def refusal(failures: list[tuple[str, FitResult]], field: str = "led_text") -> ApiError:
    """422 naming each sign and the characters it cannot show."""
    parts = []
    details = []
    for sign, result in failures:
        chars = unencodable_json(result)
        listed = "、".join(f"{c['char']} ({c['code_point']})" for c in chars)
        parts.append(f"sign {sign} cannot show these characters: {listed}")
        details += [{"field": field, "sign_id": sign, **c} for c in chars]
    return ApiError(422, "unencodable", "; ".join(parts), details)


def preview_json(result: FitResult, profile: SignProfile, sign_id: str | None, now: datetime) -> dict[str, Any]:
    """feed.json's shape for one text: no version (nothing is published) and no notice."""
    return {
        "format": "led-feed/1",
        "sign_id": sign_id,
        "version": None,
        "generated_at": now.isoformat(),
        "geometry": geometry(profile),
        "encoding": profile.charset,
        "mode": profile.mode,
        "emergency": False,
        "pages": [page_json(p) for p in fit_pages(result, profile)],
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
        device = await request.app[keys.DEVICES].lookup(body.sign_id, request.app[keys.CLOCK]())
        if device is None or device.kind != "led" or device.revoked:
            raise not_found(f"sign {body.sign_id!r}")
        profile, name = device.settings, body.sign_id
    assert profile is not None
    result = fit_text(body.text, profile)
    if result.unencodable and profile.unencodable == "strict":
        raise refusal([(name, result)], "text")
    now = request.app[keys.CLOCK]().astimezone(request.app[keys.SETTINGS].tz)
    return json_response(preview_json(result, profile, body.sign_id, now))


def strict_guard(registry: DeviceRegistry) -> Any:
    """Refuse to approve LED text that a strict sign it targets cannot encode.

    Every strict sign the notice targets is checked (whatever the notice's schedule:
    it will show there some day), and the refusal names each failing sign.
    """

    async def guard(notice: NoticeIn) -> None:
        if "led" not in notice.channels:
            return
        await registry.load()  # a sign the CLI registered a moment ago counts too
        failures = []
        for device in sorted(registry.devices.values(), key=lambda d: d.id):
            profile: SignProfile | None = device.settings
            if device.kind != "led" or device.revoked or profile is None or profile.unencodable != "strict":
                continue
            if not notice.targets("led", device.location):
                continue
            result = fit_text(notice.led_source, profile)
            if result.unencodable:
                failures.append((device.id, result))
        if failures:
            raise refusal(failures, "led_text" if notice.led_text else "title")

    return guard


def setup_preview(app: web.Application) -> None:
    app.router.add_routes(routes)
    app[keys.NOTICES].guards.append(strict_guard(app[keys.DEVICES]))
