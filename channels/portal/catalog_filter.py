"""The disclosure catalog's filters and pages: what `/catalog/` and `/catalog/{category}`
take in their query, and the page of the record they show.

Filters: the year published, the document kind (`meta.doc_kind`: rule, normative,
other), the validity (`meta.validity`: in_force, repealed) and the issuing body
(`meta.issuing_org`, the organisation's own name when a notice names none). Notices
recorded before those fields existed read as `other` and `in_force`.

URLs are stable: a page links the others with its parameters in one canonical order
(CANONICAL), so the same view always has the same address. A bad parameter is a 400
page naming it, an unknown one too (a typo must not silently show everything).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import tzinfo
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from publisher.domain.live import LiveNotice
from publisher.errors import ApiError, field_path

DocKind = Literal["rule", "normative", "other"]
Validity = Literal["in_force", "repealed"]
DOC_KINDS: tuple[DocKind, ...] = ("rule", "normative", "other")
VALIDITIES: tuple[Validity, ...] = ("in_force", "repealed")
PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_SIZE = 20
MAX_PAGE = 100_000
# the issuing bodies a filter offers: the most frequent, so a record with many never
# makes the form unbounded
MAX_ORG_CHOICES = 100
MAX_VIEWS = 64  # records (category x data revision) whose facets are kept
CANONICAL = ("year", "kind", "validity", "org", "size", "page")


class CatalogQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    year: Annotated[int, Field(ge=1949, le=2200)] | None = None
    kind: DocKind | None = None
    validity: Validity | None = None
    org: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    size: Annotated[int, Field(ge=1, le=100)] = DEFAULT_SIZE
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1
    # the page's language: read by channels.portal.language, carried through links
    lang: Annotated[str, Field(max_length=20)] | None = None

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        """The query in canonical order, defaults left out (lang is added by href)."""
        values = self.model_dump() | changes
        defaults = {"size": DEFAULT_SIZE, "page": 1}
        return [(name, str(values[name])) for name in CANONICAL
                if values[name] is not None and values[name] != defaults.get(name)]

    @property
    def filtered(self) -> bool:
        return any(v is not None for v in (self.year, self.kind, self.validity, self.org))


def parse(pairs: Iterable[tuple[str, str]]) -> CatalogQuery:
    """The catalog's query (request.query.items()); 400 naming the field otherwise.
    Empty values (a form's "all" choice) count as absent; a parameter given twice is
    refused."""
    seen: dict[str, str] = {}
    for key, value in pairs:
        if key in seen:
            raise ApiError(400, "bad_query", f"invalid {key}: given more than once",
                           [{"field": key, "message": "given more than once", "type": "duplicate"}])
        seen[key] = value
    try:
        return CatalogQuery.model_validate({k: v for k, v in seen.items() if v != ""})
    except ValidationError as exc:
        details = [{"field": field_path(tuple(e["loc"])), "message": e["msg"], "type": e["type"]}
                   for e in exc.errors(include_url=False, include_input=False)]
        fields = ", ".join(dict.fromkeys(d["field"] for d in details))
        raise ApiError(400, "bad_query", f"invalid {fields}: {details[0]['message']}", details) from None


def _meta(n: LiveNotice, name: str) -> object:
    # read from the model's fields: a missing attribute would cost pydantic's
    # __getattr__ and an exception for every notice recorded before the field existed
    return n.content.meta.__dict__.get(name)


def doc_kind(n: LiveNotice) -> str:
    value = _meta(n, "doc_kind")
    return value if isinstance(value, str) and value in DOC_KINDS else "other"


def validity(n: LiveNotice) -> str:
    value = _meta(n, "validity")
    return value if isinstance(value, str) and value in VALIDITIES else "in_force"


def issuing_body(n: LiveNotice, organization: str) -> str:
    return n.content.meta.issuing_org or organization


def year(n: LiveNotice, tz: tzinfo) -> int:
    return n.first_live_at.astimezone(tz).year


# (year, kind, validity, issuing body or None) of one revision
Facet = tuple[int, str, str, "str | None"]


class Facets:
    """What the filters compare, per (notice, revision), computed once: a page over
    100,000 notices then costs look-ups, not 100,000 time-zone conversions. Bounded:
    cleared past `maxsize` (the live set is the working set; it refills at once)."""

    def __init__(self, tz: tzinfo, maxsize: int = 400_000) -> None:
        self.tz = tz
        self.maxsize = maxsize
        # a notice's first publication never moves, so (id, revision) names its facets
        # (hashing an aware datetime would cost a zone look-up each time)
        self._items: dict[tuple[int, int], Facet] = {}
        # whole records' facets by select()'s key, a few at a time
        self.views: dict[Hashable, _View] = {}

    def __call__(self, n: LiveNotice) -> Facet:
        key = (n.id, n.revision)
        found = self._items.get(key)
        if found is None:
            if len(self._items) >= self.maxsize:
                self._items.clear()
            found = self._items[key] = (year(n, self.tz), doc_kind(n), validity(n), n.content.meta.issuing_org)
        return found


def matches(facet: Facet, q: CatalogQuery, organization: str) -> bool:
    y, kind, valid, org = facet
    return ((q.year is None or y == q.year)
            and (q.kind is None or kind == q.kind)
            and (q.validity is None or valid == q.validity)
            and (q.org is None or (org or organization) == q.org))


@dataclass(frozen=True)
class CatalogPage:
    items: list[LiveNotice]
    total: int  # notices matching the filters
    page: int
    pages: int
    years: list[int]  # choices for the filter form, newest first
    orgs: list[str]


@dataclass(frozen=True)
class _View:
    faceted: list[tuple[LiveNotice, Facet]]
    years: list[int]
    bodies: list[str]  # the most frequent first


def _view(record: list[LiveNotice], organization: str, facets: Facets) -> _View:
    faceted = [(n, facets(n)) for n in record]
    years = sorted({facet[0] for _, facet in faceted}, reverse=True)
    bodies = Counter(facet[3] or organization for _, facet in faceted)
    return _View(faceted, years, [name for name, _ in bodies.most_common(MAX_ORG_CHOICES)])


def select(record: list[LiveNotice], q: CatalogQuery, organization: str, facets: Facets,
           key: Hashable | None = None) -> CatalogPage:
    """One page of the record (already narrowed to a category) under the filters. A page
    past the last is 404 (the URL names nothing); page 1 of nothing is an empty page.
    `key` names this record (data revision, category, size): the facets of a record
    seen before are reused, so a page costs the filter pass only."""
    view = facets.views.get(key) if key is not None else None
    if view is None:
        view = _view(record, organization, facets)
        if key is not None:
            if len(facets.views) >= MAX_VIEWS:
                facets.views.clear()
            facets.views[key] = view
    found = [n for n, facet in view.faceted if matches(facet, q, organization)] if q.filtered else record
    pages = max(1, math.ceil(len(found) / q.size))
    if q.page > pages:
        raise ApiError(404, "not_found", f"catalog page {q.page} not found: there are {pages}")
    start = (q.page - 1) * q.size
    orgs = list(view.bodies)
    if q.org is not None and q.org not in orgs:
        orgs.append(q.org)
    return CatalogPage(found[start:start + q.size], len(found), q.page, pages, view.years, sorted(orgs))


def window(page: int, pages: int, width: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last, and `width` either side of this one;
    None where numbers are skipped."""
    shown = sorted({1, pages, *range(max(1, page - width), min(pages, page + width) + 1)})
    out: list[int | None] = []
    previous = 0
    for number in shown:
        if number - previous > 1:
            out.append(None)
        out.append(number)
        previous = number
    return out
