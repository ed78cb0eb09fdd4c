"""A user's query as an index query, for SQLite FTS5 and for PostgreSQL.

The user's text never reaches the index's query language: it is folded and cut into
tokens exactly as documents are (tokens.py), and the expression is assembled here from
those tokens only, each one quoted. FTS5's operators (AND OR NOT NEAR, parentheses,
column filters "title:", ^ and *) and tsquery's (& | ! <-> :*) are therefore just
characters that separate runs, never syntax.

Meaning: every whitespace-separated term of the query must occur (AND); inside a term
the tokens must be consecutive (a phrase), so 2026年招聘 finds that exact text and an
index number or document number matches only where it appears as written.

Edge runs of a term are partial in a document: a CJK run at the end of a term may go on
in the document (招聘 inside 招聘会), so its trailing single character, which the
document has only at the end of the whole run, is left out; a term that is a single CJK
character becomes a prefix token, which finds it at any place (see tokens.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from publisher.search_index.tokens import fold, runs

MAX_QUERY_CHARS = 200
MAX_TERMS = 10
MAX_TOKENS_PER_TERM = 64


@dataclass(frozen=True)
class Phrase:
    tokens: tuple[str, ...]
    prefix: bool  # the last token is a prefix


def phrases(query: str) -> list[Phrase]:
    """One phrase per term of the query; empty when nothing searchable is left."""
    found: list[Phrase] = []
    for term in fold(query[:MAX_QUERY_CHARS]).split()[: MAX_TERMS * 4]:
        term_runs = runs(term)
        if not term_runs:
            continue
        tokens: list[str] = []
        for i, run in enumerate(term_runs):
            run_tokens = run.tokens()
            last = i == len(term_runs) - 1
            if last and run.cjk and len(run.text) > 1:
                run_tokens = run_tokens[:-1]
            tokens.extend(run_tokens)
        prefix = term_runs[-1].cjk and len(term_runs[-1].text) == 1
        phrase = Phrase(tuple(tokens[:MAX_TOKENS_PER_TERM]), prefix and len(tokens) <= MAX_TOKENS_PER_TERM)
        if phrase not in found:
            found.append(phrase)
        if len(found) == MAX_TERMS:
            break
    return found


def _quote_fts5(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts5_match(query: str, column: str | None = None) -> str | None:
    """An FTS5 MATCH expression, or None when the query has nothing to search for
    (the caller answers "no results" without asking the index). `column` limits it to
    one column (used to rank title matches first); it must be a known column name."""
    found = phrases(query)
    if not found:
        return None
    if column is not None and not column.isidentifier():
        raise ValueError(f"bad column name {column!r}")
    parts = []
    for phrase in found:
        text = " + ".join(_quote_fts5(t) for t in phrase.tokens)
        if phrase.prefix:
            text += " *"
        parts.append(f"{column} : ({text})" if column else f"({text})")
    return " AND ".join(parts)


def _quote_tsquery(token: str) -> str:
    return "'" + token.replace("'", "''").replace("\\", "\\\\") + "'"


def pg_tsquery(query: str) -> str | None:
    """Text for to_tsquery('simple', :q) (always passed as a bound parameter), or None.
    Consecutive tokens are joined with <-> (followed by), terms with &."""
    found = phrases(query)
    if not found:
        return None
    parts = []
    for phrase in found:
        quoted = [_quote_tsquery(t) for t in phrase.tokens]
        if phrase.prefix:
            quoted[-1] += ":*"
        parts.append("(" + " <-> ".join(quoted) + ")")
    return " & ".join(parts)
