"""Search over the public record: Traditional and Simplified match each other."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any, cast

import opencc

from publisher.domain.live import LiveNotice

MAX_QUERY = 200


@lru_cache(maxsize=1)
def _to_simplified() -> Any:
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Search folding: Simplified script, case ignored."""
    return cast(str, _to_simplified().convert(text)).casefold()


def terms(query: str) -> list[str]:
    return [t for t in fold(query[:MAX_QUERY]).split() if t]


def search(notices: Iterable[LiveNotice], query: str) -> list[LiveNotice]:
    """Every notice whose text holds all the words of the query (substring match,
    which suits Chinese: there are no spaces between words to index on)."""
    wanted = terms(query)
    if not wanted:
        return []
    return [n for n in notices if all(t in n.search_text for t in wanted)]
