"""A stored revision's NoticeIn rebuilt from its JSON without validating it again.

A revision's content is NoticeIn.model_dump(mode="json", by_alias=True) of a model
that was validated when it was written. Validating all of them again at every start
costs more than anything else in loading the live set, so the derived-fields cache
(publisher.store.derived) records, per revision, that `rebuild(content)` gave exactly
the model that full validation gives; only then, and only while the content is
byte-for-byte the one checked, is the content rebuilt this way instead.

The models are filled in the way pydantic's own model_construct fills them (the
field values as the instance's __dict__), without its per-field bookkeeping.
Anything that does not fit the expected shape raises, and the caller validates instead.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, TypeVar

from pydantic import AwareDatetime, BaseModel, TypeAdapter

from publisher.domain.notices import NoticeIn, NoticeMeta
from publisher.domain.schedule import DailyWindow, Recurrence, Schedule

M = TypeVar("M", bound=BaseModel)

# pydantic's own parser, so that a rebuilt instant is the very value validation makes
# (the same tzinfo class too).
_INSTANT: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)
_set = object.__setattr__


def _bare(cls: type[M], values: dict[str, Any]) -> M:
    """What cls.model_construct(**values) makes when `values` holds every field."""
    model = cls.__new__(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", set(values))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


def _instant(value: str | None) -> datetime | None:
    return None if value is None else _INSTANT.validate_python(value)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _schedule(s: dict[str, Any]) -> Schedule:
    rec = s["recurrence"]
    return _bare(Schedule, {
        "start": _instant(s["start"]),
        "end": _instant(s["end"]),
        "recurrence": None if rec is None else _bare(Recurrence, {"rrule": rec["rrule"], "duration": rec["duration"]}),
        "daily": [
            _bare(DailyWindow, {"days": list(w["days"]), "from_": time.fromisoformat(w["from"]),
                                "to": time.fromisoformat(w["to"])})
            for w in s["daily"]
        ],
        "dwell_s": s["dwell_s"],
    })


def _meta(m: dict[str, Any]) -> NoticeMeta:
    return _bare(NoticeMeta, {
        "doc_number": m["doc_number"],
        "issuing_org": m["issuing_org"],
        "issued_on": _day(m["issued_on"]),
        "keywords": list(m["keywords"]),
        "doc_kind": m["doc_kind"],
        "validity": m["validity"],
        "repealed_on": _day(m["repealed_on"]),
    })


def rebuild(content: dict[str, Any]) -> NoticeIn:
    """NoticeIn from its stored JSON, trusting it; KeyError/TypeError/ValueError when
    the JSON does not have the shape of a dump."""
    return _bare(NoticeIn, {
        "title": content["title"],
        "summary": content["summary"],
        "body": content["body"],
        "category": content["category"],
        "channels": list(content["channels"]),
        "locations": list(content["locations"]),
        "priority": content["priority"],
        "led_text": content["led_text"],
        "schedule": _schedule(content["schedule"]),
        "meta": _meta(content["meta"]),
    })


def rebuilds_exactly(content: dict[str, Any], validated: NoticeIn) -> bool:
    """Whether rebuild(content) is the model that validation made of it (checked once
    per revision, when its derived fields are cached): equal values of equal kinds
    (a date is no string, a time no string, a list no tuple), and the same JSON, which
    also tells 10 from 10.0 and True from 1 and holds the fields' order."""
    try:
        built = rebuild(content)
        return built == validated and built.model_dump_json(warnings=False) == validated.model_dump_json()
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
