"""Codes checked against what the configuration and the registry know (catalog
categories, locations, channels, device kinds), passed in as the validation context so
that models stay free of settings. Without a context the check is skipped."""

from __future__ import annotations

from pydantic import ValidationInfo


def check_known(value: str, info: ValidationInfo, key: str, what: str, *, as_listed: bool = False) -> str:
    """`value` when it is among `info.context[key]`, else ValueError naming what is known
    (sorted, or in the registry's own order with `as_listed`)."""
    known = (info.context or {}).get(key)
    if known is not None and value not in known:
        listed = list(known) if as_listed else sorted(known)
        raise ValueError(f"unknown {what} {value!r}; known: {', '.join(listed)}")
    return value
