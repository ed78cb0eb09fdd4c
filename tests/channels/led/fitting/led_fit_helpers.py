"""Shared helpers for the LED fitting tests (a plain module: no conftest, no fixtures)."""

from channels.led.fitting import SignProfile, fit_text


def pages(text: str, **profile: object) -> list[list[str]]:
    return [page.lines for page in fit_text(text, SignProfile(**profile)).pages]


def lines(text: str, **profile: object) -> list[str]:
    return [line for page in pages(text, **profile) for line in page]
