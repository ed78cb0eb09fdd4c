"""LED snapshots: a sign's rotation fitted into pages and bytes, once per change.

Fitting is pure, so work is reused at three levels:

* each (LED text, sign profile) is fitted and encoded once (`TextFit`), and reused by
  every notice with that text, every sign with that profile and every later
  recomputation (a `NoticeFit` is that fit plus the notice it names);
* each (profile, rotation) is assembled once (`RotationFit`: feed.txt body and CRC),
  and shared by every sign that shows the same rotation with the same profile (the
  synchronised boards of one hall); its per-page pieces are made only when asked for;
* a recomputation whose bytes and page facts equal the previous snapshot's keeps the
  previous version, so boards see no change and the queue keeps the old bytes.

After one notice changes, a recomputation therefore fits one notice, re-assembles the
block of about BLOCK notices around it (the place's other blocks are taken from its last
assembly), joins cached bytes, and combines cached block CRCs (CRC-16/ARC is linear, so
the CRC of the whole body follows from its parts' CRCs and lengths without reading the
body again).

Version (docs/led.md `<seq>-<CRC>`): seq only grows for a sign. A new version takes
max(previous seq + 1, seq of the version the sign was last given + 1, the Unix time
in whole seconds of the recomputation): one past the last within a process, and still
growing after a restart (the last given version is kept in the database, and the
clock moves on). An empty rotation's version is `<seq>-0000` (the CRC of no bytes).
"""

from __future__ import annotations

import base64
import json
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from functools import cached_property
from itertools import chain, compress, repeat
from operator import attrgetter, itemgetter, mod, not_
from typing import Any, NamedTuple

from channels.led.fitting import (
    FitResult,
    Page,
    SignProfile,
    alpha_packet,
    crc16_arc,
    crc16_arc_combine,
    fit_text,
    header_line,
    page_bytes,
)
from publisher.domain.live import LiveNotice
from publisher.domain.rotation import Rotation, shared_ends
from publisher.queue import Snapshot

# now.txt rotates every board over its page dwell times from this instant, so that
# boards with the same rotation show the same page at the same moment.
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)
FF = b"\x0c"

# bounds of the caches; clearing is only a cost, never a wrong answer
MAX_NOTICE_FITS = 200_000
MAX_ROTATION_FITS = 512
MAX_BLOCK_FITS = 8192
# A rotation is assembled from blocks that end after a notice whose id is a multiple of
# BLOCK (about BLOCK notices each). The cuts follow the notices, not positions, so a
# change touches one block and every other block's assembly (bytes, CRC) is reused.
BLOCK = 32
_CRC_FF = crc16_arc(FF)


# NamedTuples, not frozen dataclasses: a cold start makes one of each per (notice,
# profile), and a frozen dataclass's __init__ costs a Python-level setattr per field.
class FeedPage(NamedTuple):
    page: Page
    notice_id: int | None
    index_no: str | None
    raw: bytes  # the page exactly as in feed.txt

    @property
    def fact(self) -> tuple[int | None, str | None, float]:
        """What feed.json and now.txt say about the page besides its bytes."""
        return (self.notice_id, self.index_no, self.page.dwell_s)


class NoticeFit(NamedTuple):
    """One notice's LED text fitted for one profile, as pieces of a feed: the text's fit
    (shared by every notice with that text) and the notice it names. Three references,
    the rest derived on demand: a cold start makes one per (notice, profile)."""

    text: TextFit
    notice_id: int | None
    index_no: str | None

    @property
    def pages(self) -> tuple[FeedPage, ...]:
        fitted = self.text
        return tuple(map(FeedPage, fitted.pages, repeat(self.notice_id), repeat(self.index_no), fitted.raws))

    @property
    def body(self) -> bytes:
        """The pages joined with FF, as they appear in feed.txt."""
        return self.text.body

    @property
    def crc(self) -> int:
        return self.text.crc

    @property
    def unencodable(self) -> tuple[dict[str, Any], ...]:
        found, notice_id = self.text.unencodable, self.notice_id
        return tuple({"char": char, "code_point": code_point, "count": count, "notice_id": notice_id}
                     for char, code_point, count in found)

    @property
    def warnings(self) -> tuple[str, ...]:
        found = self.text.warnings
        return tuple(f"notice {self.notice_id}: {w}" for w in found) if found else ()

    @property
    def facts(self) -> tuple[tuple[int | None, str | None, float], ...]:
        """FeedPage.fact of each page."""
        return tuple(zip(repeat(self.notice_id), repeat(self.index_no), self.text.dwells))


class RotationFit:
    """A whole rotation fitted for one profile: everything but version and time.

    Body, CRC and page count are made at assembly; the per-page pieces (pages, facts,
    unencodable, warnings) only when first asked (feed.json, now.txt, a version
    comparison), so a recomputation after a change joins bytes and CRCs, not thousands
    of page objects."""

    __slots__ = ("body", "crc", "page_count", "_parts", "_blocks", "_items", "_texts", "_pages", "_facts",
                 "_unencodable", "_warnings")

    def __init__(self, body: bytes, crc: int, page_count: int, parts: tuple[NoticeFit, ...] | None = None,
                 blocks: tuple[RotationFit, ...] = (), items: tuple[LiveNotice, ...] = (),
                 texts: tuple[TextFit, ...] = ()) -> None:
        self.body = body
        self.crc = crc
        self.page_count = page_count
        # None: made when first needed, from the blocks' parts or from items and their texts' fits
        self._parts = parts
        self._blocks = blocks
        self._items = items
        self._texts = texts
        self._pages: tuple[FeedPage, ...] | None = None
        self._facts: tuple[tuple[int | None, str | None, float], ...] | None = None
        self._unencodable: tuple[dict[str, Any], ...] | None = None
        self._warnings: tuple[str, ...] | None = None

    @property
    def parts(self) -> tuple[NoticeFit, ...]:
        if self._parts is None:
            if self._blocks:
                self._parts = tuple(chain.from_iterable(b.parts for b in self._blocks))
            else:
                items = self._items
                self._parts = tuple(map(NoticeFit, self._texts, map(_ID, items), map(_INDEX_NO, items)))
        return self._parts

    @property
    def pages(self) -> tuple[FeedPage, ...]:
        if self._pages is None:
            self._pages = tuple(chain.from_iterable(p.pages for p in self.parts))
        return self._pages

    @property
    def facts(self) -> tuple[tuple[int | None, str | None, float], ...]:
        """FeedPage.fact of each page."""
        if self._facts is None:
            self._facts = tuple(chain.from_iterable(p.facts for p in self.parts))
        return self._facts

    @property
    def unencodable(self) -> tuple[dict[str, Any], ...]:
        if self._unencodable is None:
            self._unencodable = tuple(chain.from_iterable(p.unencodable for p in self.parts if p.text.unencodable))
        return self._unencodable

    @property
    def warnings(self) -> tuple[str, ...]:
        if self._warnings is None:
            self._warnings = tuple(chain.from_iterable(p.warnings for p in self.parts if p.text.warnings))
        return self._warnings

    def same_as(self, other: RotationFit) -> bool:
        """Same bytes and same page facts: a board would see no difference."""
        if other is self:
            return True
        if other.body != self.body or other.page_count != self.page_count:
            return False
        mine, theirs = self._blocks, other._blocks
        if mine and len(mine) == len(theirs):
            # block by block: after a change most blocks are the same objects, so only
            # the changed ones are compared page by page (an edit that leaves the LED
            # text alone gives the same bytes, and thousands of facts to compare)
            return all(a is b or a.same_as(b) for a, b in zip(mine, theirs, strict=True))
        return other.facts == self.facts and other.unencodable == self.unencodable and other.warnings == self.warnings


@dataclass
class LedFeed:
    """Everything the five LED endpoints serve, computed once per snapshot version."""

    sign_id: str
    profile: SignProfile
    profile_key: str
    fit: RotationFit
    version: str
    generated_at: datetime
    emergency: bool
    tz: tzinfo = timezone.utc
    extra_warnings: list[str] = field(default_factory=list)

    @property
    def pages(self) -> tuple[FeedPage, ...]:
        return self.fit.pages

    @property
    def body(self) -> bytes:
        return self.fit.body

    @property
    def crc(self) -> int:
        return self.fit.crc

    @property
    def unencodable(self) -> list[dict[str, Any]]:
        return list(self.fit.unencodable)

    @property
    def warnings(self) -> list[str]:
        return list(self.fit.warnings) + self.extra_warnings

    @property
    def dwells(self) -> list[float]:
        return [p.page.dwell_s for p in self.fit.pages]

    @cached_property
    def json_bytes(self) -> bytes:
        return json.dumps(feed_json(self), ensure_ascii=False, separators=(",", ":")).encode()

    @cached_property
    def header_bytes(self) -> bytes:
        """feed.txt?header=1: the #LED1 line, then the body."""
        return header_line(self.version, len(self.pages), self.profile, self.body, self.crc) + self.body

    @cached_property
    def alpha_bytes(self) -> bytes:
        return alpha_packet([p.page for p in self.pages], self.profile.mode, self.emergency)


def geometry(profile: SignProfile) -> dict[str, Any]:
    return {"width_px": profile.width_px, "height_px": profile.height_px, "font_px": profile.font_px,
            "cols": profile.cols, "rows": profile.rows}


def page_json(p: FeedPage) -> dict[str, Any]:
    return {"lines": p.page.lines, "dwell_s": p.page.dwell_s, "bytes_b64": base64.b64encode(p.raw).decode("ascii"),
            "notice_id": p.notice_id, "index_no": p.index_no}


def feed_json(feed: LedFeed) -> dict[str, Any]:
    return {
        "format": "led-feed/1",
        "sign_id": feed.sign_id,
        "version": feed.version,
        "generated_at": feed.generated_at.astimezone(feed.tz).isoformat(),
        "geometry": geometry(feed.profile),
        "encoding": feed.profile.charset,
        "mode": feed.profile.mode,
        "emergency": feed.emergency,
        "pages": [page_json(p) for p in feed.pages],
        "unencodable": feed.unencodable,
        "warnings": feed.warnings,
    }


def unencodable_json(result: FitResult) -> list[dict[str, Any]]:
    return [{"char": u.char, "code_point": u.code_point, "count": u.count} for u in result.unencodable]


def fit_pages(result: FitResult, profile: SignProfile, notice_id: int | None = None,
              index_no: str | None = None) -> tuple[FeedPage, ...]:
    return tuple(FeedPage(p, notice_id, index_no, page_bytes(p, profile)) for p in result.pages)


class TextFit(NamedTuple):
    """One text fitted for one profile: the part of a NoticeFit that does not name the
    notice. Its fields hold strings, bytes and numbers only (Page objects are made when
    asked for): tuples of those are not tracked by the garbage collector, and a cold
    start keeps one TextFit per (distinct text, profile). A NamedTuple: cheap to make."""

    lines: tuple[tuple[str, ...], ...]  # each page's lines
    dwells: tuple[float, ...]  # each page's
    cells: tuple[int, ...]  # each page's
    raws: tuple[bytes, ...]  # each page exactly as in feed.txt
    body: bytes
    crc: int
    crc_after_ff: int
    unencodable: tuple[tuple[str, str, int], ...]  # (char, code point, count)
    warnings: tuple[str, ...]

    @property
    def pages(self) -> tuple[Page, ...]:
        return tuple(map(Page, map(list, self.lines), self.dwells, self.cells))


# profile -> text -> its fit (a dict per profile: the keys are plain strings)
_TEXT_FITS: dict[SignProfile, dict[str, TextFit]] = {}
MAX_TEXT_FITS = 50_000  # per profile (a live set's texts); clearing is only a cost
MAX_PROFILES = 16


def text_fit(text: str, profile: SignProfile) -> TextFit:
    """Fitting is a pure function of (text, profile): notices with the same LED text (a
    standard phrase) share one fit per profile, whatever their ids."""
    fits = _text_fits(profile)
    found = fits.get(text)
    if found is None:
        if len(fits) >= MAX_TEXT_FITS:
            fits.clear()
        found = fits[text] = _text_fit(text, profile)
    return found


def _text_fits(profile: SignProfile) -> dict[str, TextFit]:
    fits = _TEXT_FITS.get(profile)
    if fits is None:
        if len(_TEXT_FITS) >= MAX_PROFILES:
            _TEXT_FITS.clear()
        fits = _TEXT_FITS[profile] = {}
    return fits


def _text_fit(text: str, profile: SignProfile) -> TextFit:
    result = fit_text(text, profile)
    pages = result.pages
    raws = tuple([page_bytes(p, profile) for p in pages])
    body = FF.join(raws)
    crc = crc16_arc(body)
    return TextFit(
        tuple([tuple(p.lines) for p in pages]),
        tuple([p.dwell_s for p in pages]),
        tuple([p.cells for p in pages]),
        raws,
        body,
        crc,
        crc16_arc_combine(_CRC_FF, crc, len(body)),  # CRC-16/ARC is linear: no second pass
        tuple([(u.char, u.code_point, u.count) for u in result.unencodable]),
        tuple(result.warnings),
    )


def notice_fit(notice: LiveNotice, profile: SignProfile) -> NoticeFit:
    return NoticeFit(text_fit(notice.content.led_source, profile), notice.id, notice.index_no)


def assemble(parts: Iterable[NoticeFit]) -> RotationFit:
    parts = tuple(parts)
    body, crc, page_count = _join_texts([p.text for p in parts])
    return RotationFit(body, crc, page_count, parts=parts)


def assemble_items(items: tuple[LiveNotice, ...], texts: tuple[TextFit, ...]) -> RotationFit:
    """`assemble` of the items' fits (`texts[i]` is the fit of `items[i]`'s text), their
    NoticeFits made only if asked for."""
    body, crc, page_count = _join_texts(texts)
    return RotationFit(body, crc, page_count, items=items, texts=texts)


def _join_texts(texts: Iterable[TextFit]) -> tuple[bytes, int, int]:
    shown = [t for t in texts if t.raws]  # a notice with nothing to show adds no FF
    # the CRC of the body from the parts' CRCs, without reading the body again
    crc = shown[0].crc if shown else 0
    for part in shown[1:]:
        crc = crc16_arc_combine(crc, part.crc_after_ff, len(part.body) + 1)
    return FF.join(t.body for t in shown), crc, sum(len(t.raws) for t in shown)


def join_fits(blocks: list[RotationFit]) -> RotationFit:
    """The assembly of consecutive blocks, equal to `assemble` of all their parts."""
    if len(blocks) == 1:
        return blocks[0]
    shown = [b for b in blocks if b.page_count]
    crc = shown[0].crc if shown else 0
    for block in shown[1:]:
        size = len(block.body)
        crc = crc16_arc_combine(crc, crc16_arc_combine(_CRC_FF, block.crc, size), size + 1)
    return RotationFit(FF.join(b.body for b in shown), crc, sum(b.page_count for b in shown), blocks=tuple(blocks))


_ID = attrgetter("id")
_INDEX_NO = attrgetter("index_no")
_START = itemgetter(0)
_END = itemgetter(1)


def next_seq(previous: LedFeed | None, last_given: str | None, now: datetime) -> int:
    floor = int(now.timestamp())
    if previous is not None:
        floor = max(floor, _seq(previous.version) + 1)
    if last_given:
        floor = max(floor, _seq(last_given) + 1)
    return floor


def _seq(version: str) -> int:
    head = version.split("-", 1)[0]
    return int(head) if head.isdigit() else -1


class LedChannel:
    name = "led"

    def __init__(self, tz: tzinfo = timezone.utc) -> None:
        self.tz = tz
        # (profile json, ids of the rotation's notices) -> (the notices, the assembled rotation)
        self._rotations: OrderedDict[tuple[str, tuple[int, ...]], tuple[tuple[LiveNotice, ...], RotationFit]] = (
            OrderedDict())
        # profile json -> (id(notice) -> its text's fit, id(notice) -> the notice): holding
        # the notice keeps its id unique. Two dicts, not a (notice, fit) pair per entry,
        # and no NoticeFit kept per notice: a cold start fits every (notice, profile), and
        # fewer lasting objects means fewer and shorter garbage collections.
        self._objects: dict[str, tuple[dict[int, TextFit], dict[int, LiveNotice]]] = {}
        # (profile json, ids of a block's notices) -> (those notices, the block assembled)
        self._blocks: dict[tuple[Any, ...], tuple[tuple[LiveNotice, ...], RotationFit]] = {}
        # (profile json, place) -> the last rotation assembled there: (its items, their
        # text fits, each block's (start, end), each block's fit)
        self._last: dict[tuple[str, str | None], tuple[tuple[LiveNotice, ...], tuple[TextFit, ...],
                                                      list[tuple[int, int]], list[RotationFit]]] = {}
        # (id of a sign's last fit, id of its new fit) -> (those fits, the same?) (see _same)
        self._compared: dict[tuple[int, int], tuple[RotationFit, RotationFit, bool]] = {}
        # (profile json, id of a rotation's items tuple) -> (that tuple, its fit)
        self._by_items: dict[tuple[str, int], tuple[tuple[LiveNotice, ...], RotationFit]] = {}

    def fit(self, notice: LiveNotice, profile: SignProfile, profile_key: str) -> NoticeFit:
        """One notice's fit; the text's fit is memoised per (text, profile) (`text_fit`),
        so fitting a notice again, or another notice with the same text, is a look-up."""
        return notice_fit(notice, profile)

    def prepare(self, rotation: Rotation, target: Any) -> Iterator[None]:
        """Fit the rotation's notices for the sign's profile one by one, yielding after
        each: the service's warming pass spreads a cold sign's first fit over many
        turns of the event loop (publisher.app.setup_warming), then renders from cache."""
        profile: SignProfile = target.settings
        profile_key = profile.model_dump_json()
        for notice in rotation.items:
            fits, held = self._fits(profile_key)
            if id(notice) not in fits:
                held[id(notice)] = notice
                fits[id(notice)] = self.fit(notice, profile, profile_key).text
            yield

    def _fits(self, profile_key: str) -> tuple[dict[int, TextFit], dict[int, LiveNotice]]:
        found = self._objects.get(profile_key)
        if found is None or len(found[0]) >= MAX_NOTICE_FITS:
            found = self._objects[profile_key] = ({}, {})
        return found

    def fit_rotation(self, items: tuple[LiveNotice, ...], profile: SignProfile, profile_key: str,
                     place: str | None = None) -> RotationFit:
        """The rotation's fit; `place` (the sign's location) names the rotation this one
        most likely grew from, so that only what moved since is fitted and assembled."""
        # The queue hands every sign of a location the same items tuple: look that up
        # first (the entry holds the tuple, so its id cannot be reused meanwhile).
        same = self._by_items.get((profile_key, id(items)))
        if same is not None and same[0] is items:
            return same[1]
        key = (profile_key, tuple(map(id, items)))
        cached = self._rotations.get(key)
        if cached is not None and cached[0] == items:
            self._rotations.move_to_end(key)
            found = cached[1]
        else:
            found = self._assemble(items, profile, profile_key, place)
            self._rotations[key] = (items, found)
            if len(self._rotations) > MAX_ROTATION_FITS:
                self._rotations.popitem(last=False)
        if len(self._by_items) >= MAX_ROTATION_FITS:
            self._by_items.clear()
        self._by_items[(profile_key, id(items))] = (items, found)
        return found

    def _texts(self, items: tuple[LiveNotice, ...], profile: SignProfile, profile_key: str) -> tuple[TextFit, ...]:
        """Each item's text fit: by notice object first (C-level look-ups, no per-item
        call), else fitted now."""
        fits, held = self._fits(profile_key)
        texts = list(map(fits.get, map(id, items)))
        if not all(texts):
            by_text = _text_fits(profile)  # a notice's text fitted before: no call per notice
            for at, notice in enumerate(items):
                if texts[at] is None:
                    held[id(notice)] = notice
                    found = by_text.get(notice.content.led_source)
                    if found is None:
                        found = self.fit(notice, profile, profile_key).text
                    texts[at] = fits[id(notice)] = found
        return tuple(texts)  # type: ignore[arg-type]

    def _assemble(self, items: tuple[LiveNotice, ...], profile: SignProfile, profile_key: str,
                  place: str | None) -> RotationFit:
        """Blocks end after each notice whose id is a multiple of BLOCK, and at the end.
        After a change the blocks before and after the items that moved are those of the
        place's last assembly (a cut depends only on the notice before it), so only the
        blocks around the change are cut and assembled again."""
        if len(self._blocks) > MAX_BLOCK_FITS:
            self._blocks.clear()
        last = self._last.get((profile_key, place))
        size = len(items)
        if last is None:
            texts = self._texts(items, profile, profile_key)
            spans_before: list[tuple[int, int]] = []
            blocks_before: list[RotationFit] = []
            spans_after: list[tuple[int, int]] = []
            blocks_after: list[RotationFit] = []
        else:
            old_items, old_texts, old_spans, old_blocks = last
            old_size = len(old_items)
            head, tail = shared_ends(old_items, items)
            texts = (old_texts[:head] + self._texts(items[head : size - tail], profile, profile_key)
                     + old_texts[old_size - tail :])
            # kept before: blocks within the shared head that end at a real cut (not
            # merely at the old end); kept after: blocks within the shared tail whose
            # cut before them lies in the tail too
            before = bisect_right(old_spans, head, key=_END)
            if before and old_spans[before - 1][1] == old_size:
                before -= 1
            after = bisect_right(old_spans, old_size - tail, key=_START)
            moved = size - old_size
            spans_before, blocks_before = old_spans[:before], old_blocks[:before]
            spans_after = [(start + moved, end + moved) for start, end in old_spans[after:]]
            blocks_after = old_blocks[after:]
        first = spans_before[-1][1] if spans_before else 0
        stop = spans_after[0][0] if spans_after else size
        run_items = items[first:stop]
        ends = [*compress(range(first + 1, stop + 1), map(not_, map(mod, map(_ID, run_items), repeat(BLOCK))))]
        if not ends or ends[-1] != stop:
            ends.append(stop)
        spans = list(spans_before)
        blocks = list(blocks_before)
        start = first
        for end in ends:
            if end == start:
                continue
            run = items[start:end]
            key = (profile_key, *map(id, run))
            cached = self._blocks.get(key)
            if cached is None or cached[0] != run:
                cached = self._blocks[key] = (run, assemble_items(run, texts[start:end]))
            spans.append((start, end))
            blocks.append(cached[1])
            start = end
        spans += spans_after
        blocks += blocks_after
        if len(self._last) >= MAX_ROTATION_FITS:
            self._last.clear()
        self._last[(profile_key, place)] = (items, texts, spans, blocks)
        return join_fits(blocks) if blocks else assemble(())

    def _same(self, old: RotationFit, new: RotationFit) -> bool:
        """old.same_as(new), remembered: every sign of a place asks it about the same two
        fits (the entry holds both, so their ids cannot be reused meanwhile)."""
        key = (id(old), id(new))
        found = self._compared.get(key)
        if found is not None and found[0] is old and found[1] is new:
            return found[2]
        if len(self._compared) >= 64:
            self._compared.clear()
        same = old.same_as(new)
        self._compared[key] = (old, new, same)
        return same

    def render(
        self, rotation: Rotation, target: Any, now: datetime, valid_until: datetime | None, previous: Snapshot | None
    ) -> Snapshot:
        profile: SignProfile = target.settings
        profile_key = profile.model_dump_json()
        fit = self.fit_rotation(rotation.items, profile, profile_key, getattr(target, "location", None))
        old: LedFeed | None = previous.extra if previous is not None else None
        if (old is not None and old.profile_key == profile_key and old.emergency == rotation.emergency
                and self._same(old.fit, fit)):
            version, generated_at, fit = old.version, old.generated_at, old.fit
        else:
            seq = next_seq(old, getattr(target, "last_version", None), now)
            version, generated_at = f"{seq}-{fit.crc:04X}", now
        extra_warnings = []
        if rotation.emergency and not fit.page_count:
            extra_warnings.append("an emergency is live for this sign but none of its text can be shown here")
        feed = LedFeed(target.id, profile, profile_key, fit, version, generated_at, rotation.emergency, self.tz,
                       extra_warnings)
        return Snapshot(
            body=fit.body,
            version=version,
            content_type=f"text/plain; charset={profile.charset}",
            generated_at=generated_at,
            valid_until=valid_until,
            data_revision=0,
            headers={
                "X-LED-Pages": str(fit.page_count),
                "X-LED-Geometry": f"{profile.cols}x{profile.rows}",
                "X-LED-Encoding": profile.charset,
            },
            extra=feed,
        )
