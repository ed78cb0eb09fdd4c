"""The kiosk channel as the core sees it (see publisher.channel_registry)."""

from __future__ import annotations

from channels.kiosk.profile import KioskProfile
from channels.kiosk.routes import setup_kiosk
from publisher.channel_registry import N_, ChannelSpec, DeviceKind

SPEC = ChannelSpec(
    name="kiosk",
    label=N_("觸控資訊機"),
    devices=DeviceKind(
        name="kiosk",
        label=N_("觸控資訊機"),
        profile=KioskProfile,
        poll_s=lambda settings: settings.devices.kiosk_poll_s,
        feed="/kiosk/v1/{id}/feed.json",
        status_template="kiosk/staff_status.html",
    ),
    json_prefixes=("/kiosk/v1/",),
    setup=setup_kiosk,
    templates="channels.kiosk",
    editor_preview="kiosk/staff_preview.html",
)
