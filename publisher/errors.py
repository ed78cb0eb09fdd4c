"""The contract's error shape: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from publisher.domain import errors as domain


class ApiError(Exception):
    """A refusal the caller can act on. Raised anywhere; rendered by every route's wrapper (http.instrument)."""

    def __init__(self, status: int, code: str, message: str, details: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


def field_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(body)"


def from_validation(exc: ValidationError, prefix: tuple[Any, ...] = ()) -> ApiError:
    """422 whose message names every bad field."""
    details = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = prefix + tuple(p for p in err["loc"] if p not in ("function-after", "function-before"))
        msg = err["msg"].removeprefix("Value error, ")
        details.append({"field": field_path(loc), "message": msg, "type": err["type"]})
    fields = ", ".join(dict.fromkeys(d["field"] for d in details))
    first = details[0]["message"] if details else "invalid"
    return ApiError(422, "validation_failed", f"invalid {fields}: {first}", details)


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


def forbidden(message: str, code: str = "forbidden") -> ApiError:
    return ApiError(403, code, message)


def conflict(message: str, code: str = "conflict") -> ApiError:
    return ApiError(409, code, message)


def unauthorized(message: str = "authentication required") -> ApiError:
    return ApiError(401, "unauthorized", message)


# The one place where a domain refusal becomes an HTTP status (most specific first).
_DOMAIN_STATUS: tuple[tuple[type[domain.DomainError], int], ...] = (
    (domain.NotPermitted, 403),
    (domain.WrongState, 409),
)


def from_domain(err: domain.DomainError) -> ApiError:
    """The contract's error for a domain refusal; its code is the domain's code."""
    status = next((s for kind, s in _DOMAIN_STATUS if isinstance(err, kind)), 422)
    details = [{"field": err.field, "message": err.message, "type": err.code}] if err.field else []
    return ApiError(status, err.code, err.message, details)


def as_api(err: Exception) -> ApiError:
    """An ApiError as it is, a domain refusal mapped (for pages that explain refusals in place)."""
    return from_domain(err) if isinstance(err, domain.DomainError) else err  # type: ignore[return-value]
