"""`publisher import notices`: historical records kept as given, all or nothing with the
first bad line named, idempotent, the index sequence moved on, the live set reloaded."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import publish
from refusals import refused
from serve_support import clean_env, cli
from sqlalchemy import func, select

from publisher import keys
from publisher.domain.imports import ImportLineError
from publisher.services.imports import import_notices
from publisher.store.tables import events, index_sequences, notices, revisions


def record(seq: int, year: int = 2011, **over: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "index_no": f"007227429/{year}-{seq:05d}",
        "published_at": f"{year}-03-{seq % 28 + 1:02d}",
        "status": "live",
        "title": f"{year}年第{seq}號通知",
        "body": "歷史公告內容",
        "category": "documents",
        "meta": {"doc_number": f"江人社〔{year}〕{seq}號", "issuing_org": "江門市人力資源和社會保障局",
                 "doc_kind": "normative"},
    }
    line.update(over)
    return line


def lines(*records: dict[str, Any]) -> list[str]:
    return [json.dumps(r, ensure_ascii=False) + "\n" for r in records]


GOOD = [
    record(1),
    record(7, title="已撤回的通知", status="withdrawn", withdrawn_at="2012-01-05T10:00:00+08:00"),
    record(3, validity="repealed", meta={"doc_kind": "rule", "repealed_on": "2015-06-30"}),
    record(2, year=2012, category="news", published_at="2012-02-01T09:30:00"),
    record(1, year=2010, index_no="舊-2010-001", category="other"),  # not the template's form
]


async def run(client: Any, data: list[str], dry_run: bool = False, source: str = "history.jsonl") -> Any:
    app = client.server.app
    return await import_notices(app[keys.DB], app[keys.SETTINGS], app[keys.CHANNELS].names, data, source,
                                app[keys.CLOCK](), dry_run=dry_run)


async def counts(client: Any) -> tuple[int, int, int]:
    async with client.server.app[keys.DB].read() as conn:
        return tuple([(await conn.execute(select(func.count()).select_from(t))).scalar_one()  # type: ignore[return-value]
                      for t in (notices, revisions, events)])


async def test_a_good_file_is_kept_as_given_and_public(client, staff) -> None:
    report = await run(client, lines(*GOOD))
    assert (report.imported, report.unchanged, report.live, report.withdrawn) == (5, 0, 4, 1)
    assert report.off_template == 1 and report.sequences == {2011: 7, 2012: 2}
    assert "imported 5 (4 live, 1 withdrawn), unchanged 0" in report.summary()
    listed = await (await client.get("/api/v1/notices?limit=100", headers=staff["ed"])).json()
    by_no = {n["index_no"]: n for n in listed["items"]}
    assert set(by_no) == {r["index_no"] for r in GOOD}
    first = by_no["007227429/2011-00001"]
    assert first["status"] == "live" and first["first_live_at"] == "2011-03-02T00:00:00+08:00"
    assert first["channels"] == ["portal"]  # history goes to the record, not the halls' signs
    assert first["meta"]["doc_kind"] == "normative" and first["pending_revision"] is None
    gone = by_no["007227429/2011-00007"]
    assert gone["status"] == "withdrawn" and gone["withdrawn_at"] == "2012-01-05T10:00:00+08:00"
    repealed = by_no["007227429/2011-00003"]["meta"]
    assert repealed["validity"] == "repealed" and repealed["repealed_on"] == "2015-06-30"
    assert by_no["007227429/2012-00002"]["first_live_at"] == "2012-02-01T09:30:00+08:00"
    history = await (await client.get(f"/api/v1/notices/{first['id']}/history", headers=staff["ed"])).json()
    assert [(e["action"], e["actor"], e["comment"]) for e in history["events"]] == [
        ("import", "importer", "history.jsonl line 1")]
    # the running service picks the live ones up at its reconcile (the data revision moved)
    app = client.server.app
    assert await app[keys.LIVE_SYNC].reconcile() is True
    assert (await client.get(f"/notices/{first['id']}")).status == 200
    assert (await client.get(f"/notices/{gone['id']}")).status == 404  # withdrawn: not public, still in the record
    page = await (await client.get(f"/notices/{by_no['007227429/2011-00003']['id']}")).text()
    assert "已廢止" in page and "2015-06-30" in page


async def test_the_sequence_continues_after_the_highest_imported_number(client, staff, clock) -> None:
    clock.set(clock.now.replace(year=2011))
    await run(client, lines(record(41), record(9)))
    live = await publish(client, staff)
    assert live["index_no"] == "007227429/2011-00042"
    # a later import with lower numbers does not move it back
    await run(client, lines(record(5)))
    async with client.server.app[keys.DB].read() as conn:
        seq = (await conn.execute(select(index_sequences.c.last_seq).where(index_sequences.c.year == 2011))).scalar()
    assert seq == 42


async def test_re_importing_the_same_file_changes_nothing(client, staff) -> None:
    await run(client, lines(*GOOD))
    before = await counts(client)
    again = await run(client, lines(*GOOD))
    assert (again.imported, again.unchanged) == (0, 5)
    assert "imported 0 (0 live, 0 withdrawn), unchanged 5" in again.summary()
    assert await counts(client) == before
    # a file with one new line more imports only that one
    more = await run(client, lines(*GOOD, record(8)))
    assert (more.imported, more.unchanged) == (1, 5)


@pytest.mark.parametrize(
    ("bad", "field", "words"),
    [
        ({"published_at": "yesterday"}, "published_at", "valid"),
        ({"status": "draft"}, "status", "'live' or 'withdrawn'"),
        ({"status": "withdrawn"}, "withdrawn_at", "required when status is withdrawn"),
        ({"withdrawn_at": "2012-01-01"}, "withdrawn_at", "only a withdrawn notice"),
        ({"category": "lottery"}, "category", "unknown"),
        ({"title": ""}, "title", "at least 1"),
        ({"index_no": None}, "index_no", "valid string"),
        ({"published_at": "2031-01-01"}, "published_at", "time of the import"),
        ({"meta": {"validity": "repealed"}}, "meta.repealed_on", "required when validity is repealed"),
        ({"validity": "repealed", "meta": {"validity": "in_force"}}, "validity", "differs from meta.validity"),
        ({"colour": "red"}, "colour", "Extra inputs"),
        ({"index_no": "007227429/2011-00001"}, "index_no", "also on line 1"),
    ],
)
async def test_the_first_bad_line_is_named_and_nothing_is_written(client, staff, bad: dict[str, Any], field: str,
                                                                   words: str) -> None:
    data = lines(record(1), record(2), {**record(3), **bad}, {**record(4), "status": "nonsense"})
    with pytest.raises(ImportLineError) as caught:
        await run(client, data)
    assert (caught.value.line, caught.value.field) == (3, field), caught.value
    assert words in caught.value.message, caught.value
    assert await counts(client) == (0, 0, 0)


async def test_not_json_and_a_clash_with_a_notice_published_here(client, staff) -> None:
    with pytest.raises(ImportLineError) as caught:
        await run(client, [*lines(record(1)), "\n", "{not json\n"])
    assert (caught.value.line, caught.value.field) == (3, "(line)") and "not valid JSON" in caught.value.message
    live = await publish(client, staff)
    with pytest.raises(ImportLineError) as caught:
        await run(client, lines(record(1), record(2, index_no=live["index_no"])))
    assert caught.value.line == 2 and "published here, not imported" in caught.value.message
    await run(client, lines(record(1)))
    with pytest.raises(ImportLineError) as caught:  # imported before, with other content
        await run(client, lines(record(1, title="改過的標題")))
    assert caught.value.line == 1 and "imported before with other content" in caught.value.message


async def test_a_dry_run_counts_and_writes_nothing(client, staff) -> None:
    report = await run(client, lines(*GOOD), dry_run=True)
    assert (report.imported, report.unchanged) == (5, 0)
    assert "would import 5" in report.summary() and "nothing written" in report.summary()
    assert await counts(client) == (0, 0, 0)
    async with client.server.app[keys.DB].read() as conn:
        assert (await conn.execute(select(func.count()).select_from(index_sequences))).scalar_one() == 0


async def test_an_imported_notice_is_edited_through_review_like_any_other(client, staff) -> None:
    await run(client, lines(record(1)))
    listed = await (await client.get("/api/v1/notices", headers=staff["ed"])).json()
    nid = listed["items"][0]["id"]
    body = {k: v for k, v in record(1, title="更正後的標題").items() if k not in ("index_no", "published_at", "status")}
    resp = await client.put(f"/api/v1/notices/{nid}", json=body, headers=staff["ed"])
    assert resp.status == 200, await resp.text()
    edited = await resp.json()
    assert edited["status"] == "live" and edited["pending_revision"]["revision"] == 2
    resp = await client.post(f"/api/v1/notices/{nid}/approve", json={"revision": 2}, headers=staff["rev"])
    await refused(resp, 409, "not_in_review")  # not submitted: review still applies


@pytest.mark.slow
def test_the_command_reports_the_bad_line_and_exits_non_zero(tmp_path: Path, database_url: str) -> None:
    env = {**clean_env(tmp_path), "PUBLISHER_DATABASE__URL": database_url}
    good = tmp_path / "history.jsonl"
    good.write_text("".join(lines(*GOOD)), encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(lines(record(1), {**record(2), "status": "draft"})), encoding="utf-8")

    def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
        return cli(env, "import", "notices", *args)

    refused_run = run_cli(str(bad))
    assert refused_run.returncode == 1
    assert "bad.jsonl line 2: status:" in refused_run.stderr and "nothing was imported" in refused_run.stderr
    dry = run_cli(str(good), "--dry-run")
    assert dry.returncode == 0 and "would import 5" in dry.stdout, dry.stderr
    done = run_cli(str(good))
    assert done.returncode == 0 and "imported 5 (4 live, 1 withdrawn), unchanged 0" in done.stdout, done.stderr
    again = run_cli(str(good))
    assert again.returncode == 0 and "imported 0 (0 live, 0 withdrawn), unchanged 5" in again.stdout


async def test_by_names_the_account_recorded(client, staff) -> None:
    from publisher.errors import ApiError

    app = client.server.app
    args = (app[keys.DB], app[keys.SETTINGS], app[keys.CHANNELS].names)
    with pytest.raises(ApiError) as caught:
        await import_notices(*args, lines(record(1)), "h.jsonl", app[keys.CLOCK](), by="nobody")
    assert caught.value.status == 422 and "--by: no staff account named 'nobody'" in caught.value.message
    assert await counts(client) == (0, 0, 0)
    await import_notices(*args, lines(record(1)), "h.jsonl", app[keys.CLOCK](), by="boss")
    listed = await (await client.get("/api/v1/notices", headers=staff["ed"])).json()
    nid = listed["items"][0]["id"]
    history = await (await client.get(f"/api/v1/notices/{nid}/history", headers=staff["ed"])).json()
    assert [(e["action"], e["actor"]) for e in history["events"]] == [("import", "boss")]
    assert history["events"][0]["details"] == {"source": "h.jsonl", "line": 1, "status": "live",
                                               "published_at": "2011-03-01T16:00:00+00:00", "withdrawn_at": None}
