"""What staff write: the NoticeIn model and its limits.

Codes of the catalog and locations, and channel names, are checked against the
configuration and the registered channels passed as validation context
({"catalog": set, "locations": set, "channels": tuple}); stored revisions are
re-read without context because the configuration may have moved on since.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from publisher.domain.known import check_known
from publisher.domain.schedule import Schedule
from publisher.domain.text import check_text

Priority = Literal["normal", "urgent", "emergency"]
MAX_CHANNELS = 20
# Higher wins: emergency beats urgent beats normal.
PRIORITY_RANK: dict[str, int] = {"normal": 0, "urgent": 1, "emergency": 2}

Keyword = Annotated[str, Field(min_length=1, max_length=50)]
# What kind of document a notice is (table 2 of the yearly report counts rules and
# normative documents) and whether it is still in force.
DocKind = Literal["rule", "normative", "other"]
Validity = Literal["in_force", "repealed"]


def _known_channel(value: str, info: ValidationInfo) -> str:
    return check_known(value, info, "channels", "channel", as_listed=True)


# A registered channel's name (publisher.channel_registry), checked per item so that
# a refusal names the position (channels.0).
ChannelName = Annotated[str, Field(min_length=1, max_length=16), AfterValidator(_known_channel)]


class NoticeMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_number: Annotated[str, Field(max_length=100)] | None = None
    issuing_org: Annotated[str, Field(max_length=200)] | None = None
    issued_on: date | None = None
    keywords: list[Keyword] = Field(default_factory=list, max_length=50)
    doc_kind: DocKind = "other"
    validity: Validity = "in_force"
    # Checked even when absent (validate_default), so that a repealed document without
    # its date is refused naming meta.repealed_on.
    repealed_on: date | None = Field(default=None, validate_default=True)

    @field_validator("repealed_on")
    @classmethod
    def _repealed_on_with_repeal(cls, value: date | None, info: ValidationInfo) -> date | None:
        validity = info.data.get("validity")
        if validity == "repealed" and value is None:
            raise ValueError("required when validity is repealed")
        if validity == "in_force" and value is not None:
            raise ValueError("only a repealed document has a repeal date (set validity to repealed)")
        issued = info.data.get("issued_on")
        if value is not None and issued is not None and value < issued:
            raise ValueError("must not be before issued_on")
        return value

    @field_validator("doc_number", "issuing_org")
    @classmethod
    def _plain_text(cls, value: str | None) -> str | None:
        return check_text(value)

    @field_validator("keywords")
    @classmethod
    def _plain_keywords(cls, value: list[str]) -> list[str]:
        for word in value:
            check_text(word)
        return value


class NoticeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Annotated[str, Field(min_length=1, max_length=200)]
    summary: Annotated[str, Field(max_length=500)] | None = None
    body: Annotated[str, Field(max_length=100_000)] = ""
    category: Annotated[str, Field(min_length=1, max_length=40)]
    # Left out: every registered channel (filled in from the validation context).
    channels: list[ChannelName] = Field(default_factory=list, min_length=1, max_length=MAX_CHANNELS)
    locations: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=1000)
    priority: Priority = "normal"
    led_text: Annotated[str, Field(max_length=500)] | None = None
    schedule: Schedule = Field(default_factory=Schedule)
    meta: NoticeMeta = Field(default_factory=NoticeMeta)

    @model_validator(mode="before")
    @classmethod
    def _every_channel_by_default(cls, data: Any, info: ValidationInfo) -> Any:
        known = (info.context or {}).get("channels")
        if isinstance(data, dict) and "channels" not in data and known is not None:
            return {**data, "channels": list(known)}
        return data
    @field_validator("title", "summary", "body", "category", "led_text", "locations", mode="before")
    @classmethod
    def _plain_text(cls, value: object) -> object:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                check_text(item)
        return value

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str, info: ValidationInfo) -> str:
        return check_known(value, info, "catalog", "catalog category")

    @field_validator("locations")
    @classmethod
    def _known_locations(cls, value: list[str], info: ValidationInfo) -> list[str]:
        known = (info.context or {}).get("locations")
        if known is not None:
            unknown = [code for code in value if code not in known]
            if unknown:
                raise ValueError(f"unknown location codes {unknown}; known: {', '.join(sorted(known))}")
        return list(dict.fromkeys(value))

    @field_validator("channels")
    @classmethod
    def _unique_channels(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @field_validator("summary", "led_text")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @property
    def led_source(self) -> str:
        """The text LED boards show: the short LED text, else the title."""
        return self.led_text or self.title

    def targets(self, channel: str, location: str) -> bool:
        return channel in self.channels and (not self.locations or location in self.locations)
