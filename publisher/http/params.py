"""Values from the path and the query string, checked: a bad one is a 4xx that names
the parameter, never a 500 further down."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web
from pydantic import AwareDatetime, TypeAdapter, ValidationError

from publisher.errors import ApiError

_aware = TypeAdapter(AwareDatetime)


def parse_instant(value: str, field: str, lo: datetime | None = None, hi: datetime | None = None) -> datetime:
    """An ISO 8601 instant with an offset (within [lo, hi] when given); anything else is
    a 422 naming the field."""
    try:
        instant = _aware.validate_python(value)
    except ValidationError as exc:
        msg = exc.errors()[0]["msg"]
        raise ApiError(422, "validation_failed", f"invalid {field}: {msg}",
                       [{"field": field, "message": msg, "type": exc.errors()[0]["type"]}]) from None
    if (lo is not None and instant < lo) or (hi is not None and instant > hi):
        msg = f"must lie between {lo.isoformat() if lo else '-'} and {hi.isoformat() if hi else '-'}"
        raise ApiError(422, "validation_failed", f"invalid {field}: {msg}",
                       [{"field": field, "message": msg, "type": "datetime_range"}])
    return instant


def path_id(request: web.Request, what: str, name: str = "id") -> int:
    """A numeric id from the path: ASCII digits only (str.isdigit also takes '³',
    which int() refuses), at most 12 of them; anything else is 404."""
    raw = request.match_info[name]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise ApiError(404, "not_found", f"{what} {raw!r} not found")
    return int(raw)


def int_param(request: web.Request, name: str, default: int | None, lo: int, hi: int) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not lo <= value <= hi:
        raise ApiError(422, "validation_failed", f"invalid {name}: must be a whole number from {lo} to {hi}",
                       [{"field": name, "message": f"must be a whole number from {lo} to {hi}", "type": "int_range"}])
    return value
