"""Refusals of the domain rules, free of HTTP. The HTTP layer (publisher.errors.from_domain)
turns each kind into a status code; the `code` is the contract's error code."""

from __future__ import annotations


class DomainError(Exception):
    """A rule said no. `field` names the input at fault, when one is."""

    code = "refused"

    def __init__(self, message: str, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


class NotPermitted(DomainError):
    """The person may not do this (a missing role)."""

    code = "forbidden"


class FourEyes(NotPermitted):
    """The person wrote this revision, or already approved a step of it."""

    code = "four_eyes"


class WrongState(DomainError):
    """Not possible in the notice's or revision's present state."""

    code = "conflict"


class RevisionChanged(WrongState):
    """The revision named is not the one waiting for review."""

    code = "revision_changed"


class Invalid(DomainError):
    """The input breaks a rule that only shows when it is evaluated (a 422, like a
    validation error, naming the field)."""

    code = "validation_failed"
