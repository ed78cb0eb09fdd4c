"""Each device kind's profile model, so that the API, the CLI and the demo validate alike."""

from __future__ import annotations

from channels.kiosk.profile import KioskProfile
from channels.led.fitting import SignProfile
from publisher.services.devices import DeviceRegistry


def register_profiles(registry: DeviceRegistry) -> DeviceRegistry:
    registry.profiles["kiosk"] = KioskProfile
    registry.profiles["led"] = SignProfile
    return registry
