"""publisher.domain.stored: a stored revision's content rebuilt without validation is the
very model validation makes of it, and any content it would not rebuild exactly is
said so (the cache then never trusts it)."""

from __future__ import annotations

from typing import Any

import pytest

from publisher.domain.notices import NoticeIn
from publisher.domain.stored import rebuild, rebuilds_exactly

PLAIN: dict[str, Any] = {"title": "招聘會", "body": "正文", "category": "news", "channels": ["portal", "kiosk"]}
VARIED = [
    PLAIN,
    {**PLAIN, "summary": "摘要", "led_text": "請留意", "priority": "emergency", "locations": ["hall-hr", "hall-a"],
     "schedule": {"start": "2026-11-01T08:00:00+08:00", "end": "2027-01-01T00:00:00Z", "dwell_s": 30,
                  "recurrence": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=16;UNTIL=20271231T000000Z", "duration": "P3DT4H"},
                  "daily": [{"days": ["mon", "tue"], "from": "08:30", "to": "17:30:15"},
                            {"days": ["sun"], "from": "22:00", "to": "00:00"}]}},
    {**PLAIN, "meta": {"doc_number": "江人社〔2011〕12號", "issuing_org": "局", "issued_on": "2011-03-02",
                       "keywords": ["招聘", "就業"], "doc_kind": "rule", "validity": "repealed",
                       "repealed_on": "2015-06-30"}},
]


def stored(data: dict[str, Any]) -> dict[str, Any]:
    """What the service writes: the dump of the validated model."""
    return NoticeIn.model_validate(data).model_dump(mode="json", by_alias=True)


@pytest.mark.parametrize("data", VARIED)
def test_a_stored_content_rebuilds_to_the_validated_model(data: dict[str, Any]) -> None:
    content = stored(data)
    validated = NoticeIn.model_validate(content)
    built = rebuild(content)
    assert rebuilds_exactly(content, validated)
    assert built == validated
    assert built.model_dump(mode="json", by_alias=True) == content
    assert built.schedule.start == validated.schedule.start and built.led_source == validated.led_source
    assert [w.overnight for w in built.schedule.daily] == [w.overnight for w in validated.schedule.daily]


@pytest.mark.parametrize("change", [
    {"title": "  招聘會  "},  # validation strips it
    {"channels": ["portal", "portal"]},  # validation drops the repeat
    {"summary": ""},  # validation makes it None
    {"schedule": {"start": "2026-11-01T08:00:00+08:00", "end": None, "recurrence": None, "daily": [],
                  "dwell_s": "30"}},  # validation makes it a number
    {"schedule": {"start": None, "end": None, "recurrence": None, "daily": [], "dwell_s": 30.0}},  # ...an int
])
def test_a_content_that_is_not_a_dump_is_not_vouched_for(change: dict[str, Any]) -> None:
    content = {**stored(PLAIN), **change}
    assert not rebuilds_exactly(content, NoticeIn.model_validate(content))


def test_a_content_of_another_shape_is_not_vouched_for() -> None:
    content = stored(PLAIN)
    del content["meta"]  # an older dump, say
    assert not rebuilds_exactly(content, NoticeIn.model_validate(content))
    with pytest.raises(KeyError):
        rebuild(content)
