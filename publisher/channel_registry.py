"""Channels are registered, not listed.

Each channel package describes itself with one `ChannelSpec` (its name, label, routes,
staff-page parts, OpenAPI models, and the kind of device it serves, if any); the core,
the staff pages and the CLI iterate over a `ChannelRegistry` built from those specs and
never spell a channel's name. `create_app(settings, channels=...)` takes the specs; the
default is the three built-in packages (`BUILTIN`). docs/channels.md says how to add one.

A device kind is kept apart from its channel: a push channel (an official account, a
mailing list) has no devices at all, and a channel that does serve devices names their
kind in `devices`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import BaseModel

if TYPE_CHECKING:
    from aiohttp import web

    from publisher.domain.notices import NoticeIn
    from publisher.queue import Snapshot
    from publisher.services.devices import Device
    from publisher.settings import Settings

# The packages create_app registers when it is given no channel list, in this order
# (the order of the editor's check boxes and the staff pages' columns).
BUILTIN = ("channels.portal", "channels.kiosk", "channels.led")
# Channel and device-kind names go into URLs, stored revisions and the devices table
# (String(16)), so they are short lowercase codes.
NAME = re.compile(r"^[a-z][a-z0-9_-]{0,15}$")


def N_(message: str) -> str:
    """Marks a label for the staff pages' message catalog; translated where shown."""
    return message


class ApiOperation(NamedTuple):
    """One staff-API route a channel adds, for the OpenAPI document."""

    path: str
    method: str
    summary: str
    body: str | None = None  # the name of one of the spec's `openapi_models`


@dataclass(frozen=True, slots=True)
class DeviceKind:
    """A kind of device that polls a channel's feeds with its own token."""

    name: str
    label: str
    # How refusals name one ("sign 's1' not found").
    noun: str = "device"
    # The pydantic model of the device's `profile` (None: no profile).
    profile: type[BaseModel] | None = None
    # Seconds between two polls of a well-behaved device; `online` and `stale` count in them.
    poll_s: Callable[[Settings], int] = lambda _settings: 60
    # Path of its main feed, "{id}" standing for the device id (printed by the CLI).
    feed: str = ""
    # The device list's "showing now" cell: a template given `d` (the device's row,
    # with `d.board` set to status(...)) and the data it shows.
    status_template: str | None = None
    status: Callable[[Device, Snapshot | None, datetime], Any] | None = None
    # Set by the registry: the channel whose snapshots this kind is served.
    channel: str = ""


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    name: str
    label: str
    # None: a channel without devices (the portal, a push channel); its rotation is
    # the one for every location.
    devices: DeviceKind | None = None
    # Path prefixes whose refusals are JSON in the contract's error shape.
    json_prefixes: tuple[str, ...] = ()
    # Registers the channel's renderer with the content queue and its routes.
    setup: Callable[[web.Application], None] | None = None
    # A package with a templates/ folder (templates named "<channel>/...").
    templates: str | None = None
    # The editor's preview pane: a template included there, and the data the preview
    # request (POST /staff/preview) adds to its answer for it.
    editor_preview: str | None = None
    preview_data: Callable[[web.Application, NoticeIn], Mapping[str, Any]] | None = None
    # Request models and routes the channel adds to the staff API.
    openapi_models: Mapping[str, type[BaseModel]] = field(default_factory=dict)
    openapi_operations: tuple[ApiOperation, ...] = ()

    @property
    def located(self) -> bool:
        """Whether its rotations differ by location (it serves devices standing somewhere)."""
        return self.devices is not None


class ChannelRegistry:
    """The channels one app serves, by name, in registration order."""

    def __init__(self, specs: Iterable[ChannelSpec]) -> None:
        self._specs: dict[str, ChannelSpec] = {}
        self.kinds: dict[str, DeviceKind] = {}
        for spec in specs:
            if not NAME.match(spec.name):
                raise ValueError(f"channel name {spec.name!r}: use 1-16 of a-z, 0-9, _ and -, starting with a letter")
            if spec.name in self._specs:
                raise ValueError(f"channel {spec.name!r} is registered twice")
            self._specs[spec.name] = spec
            if spec.devices is not None:
                kind = spec.devices.name
                if not NAME.match(kind):
                    raise ValueError(f"device kind {kind!r}: use 1-16 of a-z, 0-9, _ and -, starting with a letter")
                if kind in self.kinds:
                    raise ValueError(f"device kind {kind!r} is served by two channels")
                self.kinds[kind] = replace(spec.devices, channel=spec.name)

    def __iter__(self) -> Iterator[ChannelSpec]:
        return iter(self._specs.values())

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __getitem__(self, name: str) -> ChannelSpec:
        return self._specs[name]

    def get(self, name: str) -> ChannelSpec | None:
        return self._specs.get(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._specs)

    @property
    def located(self) -> tuple[ChannelSpec, ...]:
        return tuple(s for s in self if s.located)

    def channel_of(self, kind: str) -> str | None:
        found = self.kinds.get(kind)
        return found.channel if found else None

    @property
    def json_prefixes(self) -> tuple[str, ...]:
        return tuple(p for s in self for p in s.json_prefixes)

    @property
    def openapi_models(self) -> dict[str, type[BaseModel]]:
        return {name: model for s in self for name, model in s.openapi_models.items()}

    @property
    def openapi_operations(self) -> tuple[ApiOperation, ...]:
        return tuple(op for s in self for op in s.openapi_operations)


def builtin_channels() -> list[ChannelSpec]:
    """The built-in channel packages' specs (each package's `SPEC`)."""
    return [importlib.import_module(f"{package}.spec").SPEC for package in BUILTIN]


def builtin_registry() -> ChannelRegistry:
    return ChannelRegistry(builtin_channels())
