"""Blob storage by content hash on the file system."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from publisher.attachments.storage import BlobNotFound, BlobStorage, FileStorage, TooLarge

MiB = 1024 * 1024


@pytest.fixture
def storage(tmp_path: Path) -> FileStorage:
    return FileStorage(tmp_path / "attachments")


def leftovers(storage: FileStorage) -> list[Path]:
    tmp = storage.root / "tmp"
    return list(tmp.iterdir()) if tmp.exists() else []


def test_file_storage_implements_the_interface(storage: FileStorage) -> None:
    assert isinstance(storage, BlobStorage)


def test_put_returns_the_sha256_and_size_and_files_it_under_two_fanout_levels(storage: FileStorage) -> None:
    data = "關於2026年招聘的通知".encode() * 1000
    blob = storage.put(data)
    digest = hashlib.sha256(data).hexdigest()
    assert (blob.sha256, blob.size, blob.created) == (digest, len(data), True)
    path = storage.root / "blobs" / digest[:2] / digest[2:4] / digest
    assert path.read_bytes() == data
    assert storage.exists(digest) and storage.size(digest) == len(data)
    assert leftovers(storage) == []


def test_the_same_content_twice_is_stored_once(storage: FileStorage) -> None:
    first = storage.put(b"same bytes")
    path = storage.root / "blobs" / first.sha256[:2] / first.sha256[2:4] / first.sha256
    mtime = path.stat().st_mtime_ns
    second = storage.put(iter([b"same ", b"bytes"]))
    assert second.sha256 == first.sha256 and second.created is False
    assert path.stat().st_mtime_ns == mtime
    assert leftovers(storage) == []


def test_put_takes_bytes_a_file_or_chunks(storage: FileStorage, tmp_path: Path) -> None:
    source = tmp_path / "in.bin"
    source.write_bytes(os.urandom(300_000))
    with source.open("rb") as f:
        from_file = storage.put(f)
    from_bytes = storage.put(source.read_bytes())
    assert from_file.sha256 == from_bytes.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()


def test_the_size_limit_is_enforced_while_streaming_and_nothing_is_left(storage: FileStorage) -> None:
    consumed = []

    def endless() -> Iterator[bytes]:
        while True:
            consumed.append(1)
            yield b"x" * 65536

    with pytest.raises(TooLarge) as refused:
        storage.put(endless(), max_size=1 * MiB)
    assert refused.value.limit == MiB
    assert len(consumed) == 17  # stopped at the first chunk past the limit, not at the end
    assert leftovers(storage) == []
    assert not (storage.root / "blobs").exists()


def test_exactly_the_limit_is_accepted(storage: FileStorage) -> None:
    assert storage.put(b"x" * 1000, max_size=1000).size == 1000
    with pytest.raises(TooLarge):
        storage.put(b"x" * 1001, max_size=1000)


def test_a_20_mib_upload_is_written_in_bounded_memory(storage: FileStorage) -> None:
    def chunks() -> Iterator[bytes]:
        block = os.urandom(65536)
        for i in range(20 * 16):
            yield block[:-1] + bytes([i % 256])

    tracemalloc.start()
    try:
        blob = storage.put(chunks(), max_size=20 * MiB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert blob.size == 20 * MiB
    assert peak < 2 * MiB, f"peak Python memory {peak} bytes for a 20 MiB upload"


async def test_put_async_streams_a_request_body(storage: FileStorage) -> None:
    async def body() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b"a" * 1000

    blob = await storage.put_async(body(), max_size=4000)
    assert blob.size == 4000

    async def too_much() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"b" * 1000

    with pytest.raises(TooLarge):
        await storage.put_async(too_much(), max_size=4000)
    assert leftovers(storage) == []


def test_read_range_and_open(storage: FileStorage) -> None:
    blob = storage.put(bytes(range(256)) * 4)
    assert storage.read_range(blob.sha256, 10, 5) == bytes(range(10, 15))
    assert storage.read_range(blob.sha256, 1020, 100) == bytes(range(252, 256))
    with storage.open(blob.sha256) as f:
        assert len(f.read()) == 1024


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ab" * 32 + "/x", "A" * 64, "", "0" * 63])
def test_names_that_are_not_a_sha256_are_not_found(storage: FileStorage, bad: str) -> None:
    assert storage.exists(bad) is False
    with pytest.raises(BlobNotFound):
        storage.open(bad)
    assert storage.delete(bad) is False


def test_a_missing_blob_is_not_found(storage: FileStorage) -> None:
    missing = "0" * 64
    assert not storage.exists(missing)
    with pytest.raises(BlobNotFound):
        storage.size(missing)
    with pytest.raises(BlobNotFound):
        storage.read_range(missing, 0, 1)


def test_delete_removes_the_blob_and_its_derived_entries(storage: FileStorage) -> None:
    blob = storage.put(b"a pdf, say")
    storage.put_derived(blob.sha256, "thumb320.png", b"png bytes")
    assert storage.read_derived(blob.sha256, "thumb320.png") == b"png bytes"
    assert storage.delete(blob.sha256) is True
    assert not storage.exists(blob.sha256)
    assert storage.read_derived(blob.sha256, "thumb320.png") is None
    assert storage.delete(blob.sha256) is False


def test_derived_variant_names_cannot_escape(storage: FileStorage) -> None:
    blob = storage.put(b"x")
    with pytest.raises(ValueError):
        storage.put_derived(blob.sha256, "../../evil", b"x")


def test_a_refused_upload_cannot_delete_what_a_concurrent_upload_of_the_same_bytes_holds(
    storage: FileStorage,
) -> None:
    """Upload A stores new bytes, upload B of the same bytes finds them there; A is then
    refused and discards. The blob must survive for B, whose row comes next; once B is
    done too, a discard removes it."""
    first = storage.put(b"the same scanned notice")  # A: created, held
    second = storage.put(b"the same scanned notice")  # B: found there, held
    assert first.created and not second.created
    storage.release(first.sha256)  # A refused: done with it, then discards
    assert storage.delete_unheld(first.sha256) is False
    assert storage.exists(first.sha256)  # B can still reference it
    storage.release(second.sha256)  # B refused too: the last one out removes it
    assert storage.delete_unheld(second.sha256) is True
    assert not storage.exists(second.sha256)
    # releasing leaves no count behind: a new upload of the bytes starts from nothing
    again = storage.put(b"the same scanned notice")
    storage.release(again.sha256)
    assert storage.delete_unheld(again.sha256) is True
