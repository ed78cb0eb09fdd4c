"""`evaluate` (what the content queue calls) gives exactly the pair
(`is_showing`, `next_boundary`) for every schedule and instant of the oracle tests."""

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from publisher.domain.schedule import evaluate, is_showing, next_boundary
from tests.domain.test_schedule_oracle import PROPERTY, cases


@PROPERTY
@given(cases(), st.integers(0, 59))
def test_evaluate_is_is_showing_and_next_boundary(case, second):
    schedule, tz, live_since, _data, _raw, instants, shown = case
    instants += [at + timedelta(seconds=second) for at in instants]
    for at in instants:
        expected = (is_showing(schedule, shown(at), tz, shown(live_since)),
                    next_boundary(schedule, shown(at), tz, shown(live_since)))
        assert evaluate(schedule, shown(at), tz, shown(live_since)) == expected, at
