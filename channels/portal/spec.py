"""The web portal as the core sees it (see publisher.channel_registry): no devices,
one rotation for every location."""

from __future__ import annotations

from channels.portal.routes import setup_portal
from publisher.channel_registry import N_, ChannelSpec

SPEC = ChannelSpec(name="portal", label=N_("網站"), setup=setup_portal, templates="channels.portal")
