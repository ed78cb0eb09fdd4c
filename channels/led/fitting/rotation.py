"""Which page of a rotation is on the board at an instant (now.txt).

Every board in a hall computes the same answer from the same fixed epoch, so they show
the same page at the same moment without talking to each other. Pure: `at` is passed in.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

_MICROSECOND = timedelta(microseconds=1)


def current_page(dwells: Sequence[float], at: datetime, epoch: datetime) -> tuple[int, float]:
    """(index of the page showing at `at`, seconds until the next page replaces it).

    Counted in whole microseconds, the resolution of datetime, so adding the returned
    seconds to `at` lands exactly on the change, with no float drift over years.
    """
    if not dwells:
        raise ValueError("an empty rotation has no current page")
    lengths = [round(d * 1_000_000) for d in dwells]
    if min(lengths) <= 0:
        raise ValueError("every dwell must be positive")
    position = ((at - epoch) // _MICROSECOND) % sum(lengths)  # floor mod: fine before epoch
    for index, length in enumerate(lengths):
        if position < length:
            return index, (length - position) / 1_000_000
        position -= length
    raise AssertionError("unreachable: position < sum(lengths)")
