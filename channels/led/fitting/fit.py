"""fit_text: one notice's LED text through R1..R10 for one sign. Pure: no I/O, no clock."""

from dataclasses import dataclass, field

from .convert import convert
from .dwell import page_dwell
from .encode import Unencodable, backslash_trail_chars, check_encodable, premap
from .normalize import normalize
from .paginate import paginate
from .profile import SignProfile


@dataclass(frozen=True, slots=True)
class Page:
    lines: list[str]
    dwell_s: float
    cells: int  # half-width cells on the page, spaces included (the R10 input)


@dataclass(frozen=True, slots=True)
class FitResult:
    pages: list[Page]
    unencodable: list[Unencodable] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def prepare(text: str, profile: SignProfile) -> tuple[str, list[Unencodable]]:
    """R1-R4: the text as the sign will carry it (paragraphs LF, pages FF)."""
    text = normalize(text)
    text = convert(text, profile.convert)
    text = premap(text, profile.encoding)
    return check_encodable(text, profile)


def fit_text(text: str, profile: SignProfile) -> FitResult:
    prepared, unencodable = prepare(text, profile)
    pages = []
    for lines in paginate(prepared, profile):
        page_cells = sum(width for _, width in lines)
        pages.append(Page([line for line, _ in lines], page_dwell(page_cells, profile.dwell), page_cells))
    return FitResult(pages, unencodable, _warnings(prepared, pages, profile))


def _warnings(prepared: str, pages: list[Page], profile: SignProfile) -> list[str]:
    warnings = []
    if not pages:
        warnings.append("nothing to show: the text is empty after normalisation")
    risky = backslash_trail_chars(prepared, profile.encoding, profile.codec)
    if risky:
        listed = ", ".join(f"{c} (U+{ord(c):04X})" for c in risky)
        warnings.append(
            f"in {profile.encoding} these characters have a 0x5C (backslash) trail byte, "
            f"which some controllers treat as an escape: {listed}"
        )
    return warnings
