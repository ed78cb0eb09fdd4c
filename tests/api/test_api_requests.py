"""The request register's API (依申請公開): register, read, extend once, reply once,
with deadlines in working days of the official calendar."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import pytest
from refusals import refused

TRACKING = re.compile(r"^\d{4}-[A-Z2-9]{5}-[A-Z2-9]{5}$")


def body(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        # Monday 30 September 2024, the last working day before the National Day week
        "received_at": "2024-09-30T10:00:00+08:00",
        "channel": "in_person",
        "applicant": {"kind": "person", "name": "陳大文", "contact": "jiangmen 13800138000"},
        "description": "請提供2024年就業補貼發放名單",
    }
    data.update(over)
    return data


async def register(client: Any, staff: Any, who: str = "ed", **over: Any) -> dict[str, Any]:
    resp = await client.post("/api/v1/requests", json=body(**over), headers=staff[who])
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def test_register_counts_twenty_working_days_over_national_day(client, staff) -> None:
    made = await register(client, staff)
    assert TRACKING.match(made["tracking_no"]) and made["tracking_no"].startswith("2024-")
    # 1-7 October are holidays; Saturday 12 October is a working day: the 20th working
    # day after 30 September is Friday 1 November.
    assert made["deadline"] == "2024-11-01" and made["deadline_provisional"] is False
    assert made["status"] == "open" and made["received_on"] == "2024-09-30"
    resp = await client.get(f"/api/v1/requests/{made['id']}", headers=staff["rev"])
    assert resp.status == 200
    got = await resp.json()
    assert got["applicant"] == {"kind": "person", "name": "陳大文", "contact": "jiangmen 13800138000"}
    assert got["created_by"] == "ed"
    assert [e["action"] for e in got["events"]] == ["received"]
    # the events never carry the applicant's details
    assert "陳大文" not in str(got["events"]) and "13800138000" not in str(got["events"])
    # today (1 December 2026) is long past the deadline
    assert got["overdue"] is True


async def test_received_on_a_holiday_counts_from_the_next_working_day(client, staff) -> None:
    made = await register(client, staff, received_at="2024-10-03T15:00:00+08:00")
    assert made["received_on"] == "2024-10-03"
    assert made["deadline"] == "2024-11-04"  # counted from Tuesday 8 October (day 0)


async def test_tracking_numbers_differ_and_are_not_sequential(client, staff) -> None:
    numbers = {(await register(client, staff))["tracking_no"] for _ in range(5)}
    assert len(numbers) == 5


async def test_extend_once_then_409(client, staff) -> None:
    made = await register(client, staff)
    url = f"/api/v1/requests/{made['id']}/extend"
    await refused(await client.post(url, json={"reason": "需要徵求第三方意見"}, headers=staff["ed"]), 403, "forbidden")
    resp = await client.post(url, json={"reason": "需要徵求第三方意見"}, headers=staff["rev"])
    assert resp.status == 200, await resp.text()
    extended = await resp.json()
    assert extended["status"] == "extended" and extended["extension_reason"] == "需要徵求第三方意見"
    assert extended["deadline"] == "2024-11-29"  # 40 working days after 30 September
    assert [e["action"] for e in extended["events"]] == ["received", "extended"]
    again = await client.post(url, json={"reason": "再延一次"}, headers=staff["boss"])
    await refused(again, 409, "already_extended")
    await refused(await client.post(url, json={}, headers=staff["rev"]), 422, "validation_failed")


async def test_reply_links_a_live_notice_once(client, staff, helpers) -> None:
    live = await helpers.publish(client, staff)
    made = await register(client, staff)
    url = f"/api/v1/requests/{made['id']}/reply"
    reply = {"outcome": "disclosed", "text": "已於網站公開", "notice_id": live["id"]}
    await refused(await client.post(url, json=reply, headers=staff["ed"]), 403, "forbidden")
    resp = await client.post(url, json=reply, headers=staff["boss"])
    assert resp.status == 200, await resp.text()
    done = await resp.json()
    assert done["status"] == "replied" and done["outcome"] == "disclosed" and done["notice_id"] == live["id"]
    assert done["replied_on"] == "2026-12-01" and done["overdue"] is False
    assert done["events"][-1]["action"] == "replied" and done["events"][-1]["details"]["outcome"] == "disclosed"
    await refused(await client.post(url, json=reply, headers=staff["rev"]), 409, "already_replied")
    extend = await client.post(f"/api/v1/requests/{made['id']}/extend", json={"reason": "x"}, headers=staff["rev"])
    await refused(extend, 409, "already_replied")


async def test_reply_refusals_name_the_field(client, staff, helpers) -> None:
    made = await register(client, staff)
    url = f"/api/v1/requests/{made['id']}/reply"
    bad = await refused(await client.post(url, json={"outcome": "withheld", "text": "x"}, headers=staff["rev"]),
                        422, "validation_failed")
    assert bad["details"][0]["field"] == "outcome"
    draft = await client.post("/api/v1/notices", json=helpers.notice_body(), headers=staff["ed"])
    draft_id = (await draft.json())["id"]
    not_live = await refused(await client.post(url, json={"outcome": "disclosed", "text": "x", "notice_id": draft_id},
                                               headers=staff["rev"]), 422, "notice_not_live")
    assert not_live["details"][0]["field"] == "notice_id" and "draft" in not_live["message"]
    missing = await refused(await client.post(url, json={"outcome": "partly", "text": "x", "notice_id": 99999},
                                              headers=staff["rev"]), 422, "notice_not_live")
    assert "does not exist" in missing["message"]
    wrong = await refused(await client.post(url, json={"outcome": "unavailable.not_held", "text": "x",
                                                       "notice_id": draft_id}, headers=staff["rev"]),
                          422, "validation_failed")
    assert wrong["details"][0]["field"] == "notice_id" and "disclos" in wrong["message"]
    # nothing was written by the refusals
    got = await (await client.get(f"/api/v1/requests/{made['id']}", headers=staff["rev"])).json()
    assert got["status"] == "open" and [e["action"] for e in got["events"]] == ["received"]


@pytest.mark.parametrize(("over", "field"), [
    ({"channel": "pigeon"}, "channel"),
    ({"applicant": {"kind": "alien", "name": "x", "contact": "y"}}, "applicant.kind"),
    ({"applicant": {"kind": "person", "name": "", "contact": "y"}}, "applicant.name"),
    ({"applicant": {"kind": "person", "name": "x" * 201, "contact": "y"}}, "applicant.name"),
    ({"description": "\u202e反轉"}, "description"),
    ({"received_at": "2024-09-30T10:00:00"}, "received_at"),
    ({"received_at": "2031-01-01T10:00:00+08:00"}, "received_at"),
    ({"received_at": "1999-01-01T10:00:00+08:00"}, "received_at"),
    ({"received_at": "0001-01-01T00:00:00+14:00"}, "received_at"),
    ({"received_at": "9999-12-31T23:59:59-12:00"}, "received_at"),
    ({"extra": 1}, "extra"),
])
async def test_register_refusals_name_the_field(client, staff, over, field) -> None:
    resp = await client.post("/api/v1/requests", json=body(**over), headers=staff["ed"])
    error = await refused(resp, 422, "validation_failed")
    assert field in error["message"]
    page = await (await client.get("/api/v1/requests", headers=staff["ed"])).json()
    assert page["items"] == []


async def test_unknown_ids_and_anonymous_callers(client, staff) -> None:
    for path in ("/api/v1/requests/424242", "/api/v1/requests/abc"):
        await refused(await client.get(path, headers=staff["ed"]), 404, "not_found")
    await refused(await client.post("/api/v1/requests/424242/extend", json={"reason": "x"}, headers=staff["rev"]),
                  404, "not_found")
    await refused(await client.post("/api/v1/requests/424242/reply", json={"outcome": "disclosed", "text": "x"},
                                    headers=staff["rev"]), 404, "not_found")
    await refused(await client.get("/api/v1/requests"), 401, "unauthorized")
    await refused(await client.post("/api/v1/requests", json=body()), 401, "unauthorized")


async def test_register_lists_filters_and_pages(client, staff, clock) -> None:
    old = await register(client, staff)
    recent = await register(client, staff, received_at="2026-11-30T09:00:00+08:00", channel="email")
    done = await register(client, staff, received_at="2026-11-02T09:00:00+08:00", channel="post")
    resp = await client.post(f"/api/v1/requests/{done['id']}/reply",
                             json={"outcome": "unavailable.not_held", "text": "本機關不掌握"}, headers=staff["rev"])
    assert resp.status == 200

    async def ids(query: str) -> list[int]:
        resp = await client.get(f"/api/v1/requests{query}", headers=staff["ed"])
        assert resp.status == 200, await resp.text()
        return [i["id"] for i in (await resp.json())["items"]]

    assert await ids("") == [done["id"], recent["id"], old["id"]]
    assert await ids("?status=replied") == [done["id"]]
    assert await ids("?status=open") == [recent["id"], old["id"]]
    assert await ids("?overdue=true") == [old["id"]]
    assert await ids("?overdue=false") == [done["id"], recent["id"]]
    assert await ids("?year=2024") == [old["id"]]
    first = await (await client.get("/api/v1/requests?limit=2", headers=staff["ed"])).json()
    assert [i["id"] for i in first["items"]] == [done["id"], recent["id"]] and first["next_cursor"]
    assert await ids(f"?limit=2&cursor={first['next_cursor']}") == [old["id"]]
    for query, field in (("?status=lost", "status"), ("?overdue=maybe", "overdue"), ("?year=1900", "year"),
                         ("?limit=0", "limit")):
        error = await refused(await client.get(f"/api/v1/requests{query}", headers=staff["ed"]),
                              422, "validation_failed")
        assert field in error["message"]


async def test_deadline_in_a_year_the_calendar_does_not_know_is_provisional(client, staff, clock) -> None:
    clock.set(datetime(2026, 12, 21, 2, 0, tzinfo=timezone.utc))
    await staff.add("late", "editor")  # signed in after the clock moved (tokens last a week)
    made = await register(client, staff, "late", received_at="2026-12-21T09:00:00+08:00")
    # the package knows 2026 only; the count runs into January 2027 on plain weekdays
    assert made["deadline"].startswith("2027-01") and made["deadline_provisional"] is True
    assert made["events"][0]["details"]["provisional"] is True


async def test_configured_year_makes_the_deadline_official(aiohttp_client, database_url, tmp_path, clock) -> None:
    from conftest import Staff, make_settings

    from publisher.app import create_app

    # a made-up arrangement for 2027, so the count is checkable by hand: 1-8 January off
    calendar = {"years": [{"year": 2027, "holidays": [f"2027-01-0{d}" for d in range(1, 9)], "workdays": []}]}
    settings = make_settings(database_url, tmp_path, disclosure={"calendar": calendar})
    client = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    clock.set(datetime(2026, 12, 21, 2, 0, tzinfo=timezone.utc))
    team = Staff(client)
    await team.add("ed", "editor")
    made = await register(client, team, received_at="2026-12-21T09:00:00+08:00")
    # 22-31 December: 8 working days; 1-8 January off; the 12 more end on Tuesday 26 January
    assert made["deadline"] == "2027-01-26" and made["deadline_provisional"] is False


async def test_applicant_details_never_reach_the_logs(client, staff, capsys) -> None:
    capsys.readouterr()
    made = await register(client, staff)
    await client.post(f"/api/v1/requests/{made['id']}/extend", json={"reason": "徵求意見"}, headers=staff["rev"])
    await client.post(f"/api/v1/requests/{made['id']}/reply",
                      json={"outcome": "partly", "text": "陳大文先生：部分公開"}, headers=staff["rev"])
    await client.post("/requests", data={"kind": "person", "name": "周小芳", "contact": "zhou@example.cn",
                                         "description": "申請查閱培訓補貼名單"})
    logged = capsys.readouterr()
    text = logged.out + logged.err
    assert "request registered" in text and "request replied" in text  # the log lines are there...
    for secret in ("陳大文", "13800138000", "就業補貼發放名單", "周小芳", "zhou@example.cn", "培訓補貼名單"):
        assert secret not in text  # ...without the applicant


async def test_purge_blanks_the_applicant_and_keeps_the_counts(client, staff, clock) -> None:
    from publisher import keys

    answered = await register(client, staff)
    later = await register(client, staff, applicant={"kind": "research", "name": "某研究所", "contact": "x"})
    still_open = await register(client, staff)
    await client.post(f"/api/v1/requests/{answered['id']}/reply", json={"outcome": "withheld.third_party",
                      "text": "陳大文先生：涉及第三方"}, headers=staff["rev"])  # answered 1 December 2026
    clock.advance(days=10)
    await staff.add("rev3", "reviewer")
    await client.post(f"/api/v1/requests/{later['id']}/reply", json={"outcome": "disclosed", "text": "已提供"},
                      headers=staff["rev3"])  # answered 11 December 2026
    service = client.server.app[keys.REQUESTS]
    from datetime import date

    assert await service.purge(date(2026, 12, 5), clock()) == 1
    assert await service.purge(date(2026, 12, 5), clock()) == 0  # once only
    got = await (await client.get(f"/api/v1/requests/{answered['id']}", headers=staff["rev3"])).json()
    assert got["applicant"] == {"kind": "person", "name": None, "contact": None}
    assert got["description"] is None and got["reply_text"] is None and got["purged"] is True
    assert got["outcome"] == "withheld.third_party" and got["received_on"] == "2024-09-30"
    assert got["replied_on"] == "2026-12-01" and got["events"][-1]["action"] == "purged"
    for kept in (later, still_open):
        item = await (await client.get(f"/api/v1/requests/{kept['id']}", headers=staff["rev3"])).json()
        assert item["applicant"]["name"] and item["purged"] is False


async def test_a_provisional_deadline_is_settled_once_the_year_is_declared(aiohttp_client, database_url, tmp_path,
                                                                        clock) -> None:
    from conftest import Staff, make_settings

    from publisher.app import create_app

    clock.set(datetime(2026, 12, 21, 2, 0, tzinfo=timezone.utc))
    first = await aiohttp_client(create_app(make_settings(database_url, tmp_path), clock=clock, run_scheduler=False))
    team = Staff(first)
    await team.add("ed", "editor")
    made = await register(first, team, received_at="2026-12-21T09:00:00+08:00")
    assert made["deadline"] == "2027-01-18" and made["deadline_provisional"] is True
    await first.close()
    # restarted with 2027 declared: the deadline is counted again, once
    calendar = {"years": [{"year": 2027, "holidays": ["2027-01-01"], "workdays": []}]}
    settings = make_settings(database_url, tmp_path, disclosure={"calendar": calendar})
    second = await aiohttp_client(create_app(settings, clock=clock, run_scheduler=False))
    team2 = Staff(second)
    await team2.add("ed3", "editor")
    got = await (await second.get(f"/api/v1/requests/{made['id']}", headers=team2["ed3"])).json()
    assert got["deadline"] == "2027-01-19" and got["deadline_provisional"] is False
    assert [e["action"] for e in got["events"]] == ["received", "deadline_settled"]


async def test_two_reviewers_answering_at_once_answer_once(client, staff) -> None:
    import asyncio

    made = await register(client, staff)
    url = f"/api/v1/requests/{made['id']}/reply"
    answers = await asyncio.gather(
        client.post(url, json={"outcome": "disclosed", "text": "甲"}, headers=staff["rev"]),
        client.post(url, json={"outcome": "unavailable.not_held", "text": "乙"}, headers=staff["rev2"]),
    )
    assert sorted(r.status for r in answers) == [200, 409]
    await refused(next(r for r in answers if r.status == 409), 409, "already_replied")
    got = await (await client.get(f"/api/v1/requests/{made['id']}", headers=staff["rev"])).json()
    assert [e["action"] for e in got["events"]] == ["received", "replied"]
