"""Search tokens: one folding for the index and the query, so that Simplified and
Traditional, full-width and half-width, upper and lower case all meet.

Folding: NFKC (full-width Ａ１ -> A1, compatibility ideographs -> unified), OpenCC t2s,
case folding. Then the text splits into runs of CJK characters and runs of Latin letters
or digits; anything else (punctuation, spaces, symbols) only separates runs.

- A Latin or digit run is one token ("2026", "00012", "covid19").
- A CJK run of n characters gives its n-1 bigrams followed by its last character alone:
  高校毕业 -> 高校 校毕 毕业 业. Chinese has no spaces, so bigrams make any substring of
  two or more characters a phrase of consecutive tokens; the trailing single character
  makes every character the first character of some token, so a one-character query is a
  prefix query (业*) that finds it anywhere.

The index stores tokens joined by spaces; SQLite FTS5 (unicode61) and PostgreSQL
(to_tsvector('simple', ...)) split on those spaces and keep the positions that phrase
queries need.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import opencc

# Han ideographs (unified, extensions A-F, compatibility), kana and Hangul: scripts
# written without spaces between words
_CJK = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002ebef\U00030000-\U0003134f"
)
# letters and digits of any other script (after folding: lower case) make word runs
_RUN = re.compile(rf"([{_CJK}]+)|[^\W_{_CJK}]+")
# a document is long, but nothing reads more than this much of it into the index
MAX_INDEXED_CHARS = 200_000


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s.json")


def fold(text: str) -> str:
    """NFKC, Simplified, case-folded."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text[:MAX_INDEXED_CHARS])
    converted: str = _t2s().convert(text)
    return converted.casefold()


@dataclass(frozen=True)
class Run:
    text: str
    cjk: bool

    def tokens(self) -> list[str]:
        if not self.cjk:
            return [self.text]
        chars = self.text
        return [chars[i : i + 2] for i in range(len(chars) - 1)] + [chars[-1]]


def runs(text: str) -> list[Run]:
    """The runs of already folded text, in order."""
    return [Run(m.group(0), m.group(1) is not None) for m in _RUN.finditer(text)]


def index_text(text: str) -> str:
    """What the index stores for a field: folded tokens separated by spaces."""
    return " ".join(token for run in runs(fold(text)) for token in run.tokens())


def exact_key(text: str) -> str:
    """An index or document number as a key compared whole: its folded runs, with the
    punctuation between them reduced to one space (江人社發〔2026〕12號 and
    江人社发[2026]12号 have the same key)."""
    return " ".join(run.text for run in runs(fold(text)))[:200]
