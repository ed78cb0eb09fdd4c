"""wrap_paragraph shares its line breaks between paragraphs of the same shape (widths and
kinsoku chars in the same places): a paragraph wrapped after another of its shape breaks
exactly where it breaks on its own."""

from hypothesis import given, settings
from hypothesis import strategies as st

from channels.led.fitting import SignProfile
from channels.led.fitting import wrap as wrap_module
from channels.led.fitting.measure import signature
from channels.led.fitting.wrap import units, wrap_paragraph

PROFILE = SignProfile()
# per shape class: interchangeable chars (same width, same kinsoku class)
CLASSES = [
    ["社", "會", "保", "險"], ["1", "2", "a", "Z"], ["。", "，", "）"], ["（", "「"], [" "], [".", ",", ")"], ["("],
]
shapes = st.lists(st.integers(0, len(CLASSES) - 1), min_size=1, max_size=40)


def direct(text: str, cols: int) -> list[tuple[str, int]]:
    sig = signature(text, PROFILE)
    return [(text[s:e], cells) for s, e, cells in wrap_module._fill(text, units(sig, cols), cols)]


@settings(max_examples=300, deadline=None)
@given(shapes, st.integers(2, 12), st.randoms(use_true_random=False))
def test_same_shape_paragraphs_break_as_on_their_own(shape: list[int], cols: int, rng) -> None:  # type: ignore[no-untyped-def]
    first, second = ("".join(rng.choice(CLASSES[k]) for k in shape).strip(" ").replace("  ", " ") for _ in range(2))
    if not first or not second:
        return
    for text in (first, second):  # the second may reuse the first's breaks
        assert wrap_paragraph(text, signature(text, PROFILE), cols) == direct(text, cols)
