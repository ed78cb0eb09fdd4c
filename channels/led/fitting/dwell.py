"""R10: how long a page stays up."""

import math

from .profile import Dwell

STEP_S = 0.25


def page_dwell(cells: int, dwell: Dwell) -> float:
    seconds = dwell.base_s + dwell.per_fullwidth_char_s * cells / 2
    seconds = min(max(seconds, dwell.min_s), dwell.max_s)
    # half-up rounding (not banker's), and never below one step so a rotation advances
    return max(STEP_S, math.floor(seconds / STEP_S + 0.5) * STEP_S)
