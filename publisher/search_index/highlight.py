"""Marking what a query found in the original text of a result, safely.

The index compares folded text (tokens.fold: NFKC, Simplified, case-folded), but a
reader sees the notice as written, perhaps in Traditional script and full-width digits.
So the text is folded here with a map from each folded character back to the character
it came from; the query's runs are found in the folded text and the matching stretches
of the *original* text are wrapped in <mark>. Everything else is HTML-escaped: the
result is Markup, and no character of the notice or the query ever becomes markup.
"""

from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape

from publisher.search_index.query import MAX_QUERY_CHARS, MAX_TERMS
from publisher.search_index.tokens import _t2s, fold, runs

# a snippet is cut from this much of a body at most: bounded work per result
SNIPPET_SOURCE_CHARS = 2_000
# full-width ASCII forms and the ideographic space, as NFKC folds them (the common case,
# done in one pass)
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_with_origins(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original
    character it came from. Whole-string steps when they keep the length (nearly
    always), one character at a time where one does not."""
    joined = text.translate(_FULL_WIDTH)
    if unicodedata.is_normalized("NFKC", joined):
        origin = list(range(len(text)))
    else:
        pieces = [unicodedata.normalize("NFKC", c) for c in joined]
        origin = [i for i, piece in enumerate(pieces) for _ in piece]
        joined = "".join(pieces)
    simplified: str = _t2s().convert(joined)
    if len(simplified) != len(joined):  # a phrase changed length: one character at a time
        simplified = "".join(_t2s().convert(c) for c in joined)
        if len(simplified) != len(joined):
            simplified = joined
    folded = simplified.casefold()
    if len(folded) == len(simplified):
        return folded, origin
    chars = [(out, where) for ch, where in zip(simplified, origin, strict=True) for out in ch.casefold()]
    return "".join(c for c, _ in chars), [w for _, w in chars]


def needles(query: str) -> list[str]:
    """What to look for: every run of every term of the query, folded, longest first."""
    found = {run.text for term in fold(query[:MAX_QUERY_CHARS]).split()[: MAX_TERMS * 4] for run in runs(term)}
    return sorted(found, key=lambda n: (-len(n), n))


def _spans(folded: str, origin: list[int], wanted: list[str]) -> list[tuple[int, int]]:
    """Stretches of the original text (start, end) where a needle occurs; merged."""
    spans = []
    for needle in wanted:
        start = folded.find(needle)
        while start != -1:
            end = start + len(needle)
            spans.append((origin[start], origin[end - 1] + 1))
            start = folded.find(needle, end)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, spans: list[tuple[int, int]]) -> Markup:
    out = []
    at = 0
    for start, end in spans:
        out.append(str(escape(text[at:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        at = end
    out.append(str(escape(text[at:])))
    return Markup("".join(out))


def highlight(text: str, query: str) -> Markup:
    """`text` escaped, with what the query found marked."""
    folded, origin = fold_with_origins(text)
    return _render(text, _spans(folded, origin, needles(query)))


def snippet(text: str, query: str, width: int = 120) -> Markup:
    """About `width` characters of `text` around the first place the query found,
    escaped and marked; the start of the text when it found nothing there."""
    source = text[:SNIPPET_SOURCE_CHARS]
    folded, origin = fold_with_origins(source)
    spans = _spans(folded, origin, needles(query))
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 3)
    end = min(len(source), start + width)
    window = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    body = _render(source[start:end], window)
    before = "…" if start > 0 else ""
    after = "…" if end < len(text) else ""
    return Markup(before) + body + Markup(after)
