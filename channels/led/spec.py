"""The LED channel as the core sees it (see publisher.channel_registry)."""

from __future__ import annotations

from channels.led.fitting import SignProfile
from channels.led.preview import LedPreview
from channels.led.routes import setup_led
from channels.led.staff import board, preview_data
from publisher.channel_registry import N_, ApiOperation, ChannelSpec, DeviceKind

SPEC = ChannelSpec(
    name="led",
    label=N_("LED 顯示屏"),
    devices=DeviceKind(
        name="led",
        label=N_("LED 顯示屏"),
        noun="sign",
        profile=SignProfile,
        poll_s=lambda settings: settings.devices.led_poll_s,
        feed="/led/v1/signs/{id}/feed.txt",
        status_template="led/staff_status.html",
        status=board,
    ),
    json_prefixes=("/led/v1/",),
    setup=setup_led,
    templates="channels.led",
    editor_preview="led/staff_preview.html",
    preview_data=preview_data,
    openapi_models={"LedPreview": LedPreview},
    openapi_operations=(ApiOperation("/api/v1/led/preview", "post", "The pages a sign would show for a text",
                                     "LedPreview"),),
)
