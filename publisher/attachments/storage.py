"""Attachment bytes kept by content hash (sha256), behind an interface.

The interface (BlobStorage) is what routes and services use; FileStorage keeps blobs
under the data folder. An S3-compatible storage can follow by implementing the same
methods: `put` maps to a multipart upload to a temporary key then a copy to the hash
key, `open_range` to a ranged GET, derived entries to keys beside the blob.

Writes are streamed: the hash and the size grow chunk by chunk, so a 20 MiB upload
never sits in memory, and the size limit is enforced while reading, not after.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
import threading
from collections import Counter
from collections.abc import AsyncIterable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

CHUNK = 64 * 1024
BATCH = 1024 * 1024  # bytes of an upload handed to the executor at once
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_VARIANT = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")


class TooLarge(Exception):
    """The upload passed the size limit (the HTTP layer answers 413 `too_large`)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than the limit of {limit} bytes")
        self.limit = limit


class BlobNotFound(Exception):
    """No blob (or derived entry) with that hash (the HTTP layer answers 404)."""


@dataclass(frozen=True)
class StoredBlob:
    """A blob just put. It is *held* until `release`: while any upload of the same bytes
    holds it, `delete_unheld` leaves it alone, so a refused upload cannot delete the
    blob a concurrent upload of the same content is about to reference."""

    sha256: str
    size: int
    # False when the same content was already there.
    created: bool


Source = bytes | BinaryIO | Iterable[bytes]


@runtime_checkable
class BlobStorage(Protocol):
    def put(self, source: Source, max_size: int | None = None) -> StoredBlob: ...

    async def put_async(self, chunks: AsyncIterable[bytes], max_size: int | None = None,
                        executor: Executor | None = None) -> StoredBlob: ...

    def exists(self, sha256: str) -> bool: ...

    def size(self, sha256: str) -> int: ...

    def open(self, sha256: str) -> BinaryIO: ...

    def read_range(self, sha256: str, start: int, length: int) -> bytes: ...

    def delete(self, sha256: str) -> bool: ...

    def release(self, sha256: str) -> None: ...

    def delete_unheld(self, sha256: str) -> bool: ...

    def put_derived(self, sha256: str, variant: str, data: bytes) -> None: ...

    def read_derived(self, sha256: str, variant: str) -> bytes | None: ...


def check_sha256(sha256: str) -> str:
    """Hashes come from URLs and rows; refuse anything that is not one (no path tricks)."""
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise BlobNotFound(f"not a sha256: {sha256!r}")
    return sha256


def _chunks(source: Source) -> Iterable[bytes]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        for i in range(0, len(data), CHUNK):
            yield data[i : i + CHUNK]
    elif hasattr(source, "read"):
        while chunk := source.read(CHUNK):
            yield chunk
    else:
        yield from source


class _Writer:
    """One temporary file being filled: hash and size as we go, limit checked per chunk."""

    def __init__(self, folder: Path, max_size: int | None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix=".upload-")
        self.file = os.fdopen(fd, "wb")
        self.path = Path(name)
        self.hash = hashlib.sha256()
        self.size = 0
        self.max_size = max_size

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.max_size is not None and self.size > self.max_size:
            raise TooLarge(self.max_size)
        self.hash.update(chunk)
        self.file.write(chunk)

    def abort(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


class FileStorage:
    """Blobs at <root>/blobs/ab/cd/<sha256>; derived entries (thumbnails) at
    <root>/derived/ab/cd/<sha256>.<variant>. Two levels of fan-out keep folders small."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"
        # sha256 -> uploads of it not yet released; the lock makes "is it there / hold
        # it" in _commit and "is it held / delete it" in delete_unheld one step each
        self._holds: Counter[str] = Counter()
        self._lock = threading.Lock()

    def _path(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.root / "blobs" / sha256[:2] / sha256[2:4] / sha256

    def _derived_path(self, sha256: str, variant: str) -> Path:
        check_sha256(sha256)
        if not _VARIANT.match(variant):
            raise ValueError(f"bad variant name {variant!r}")
        return self.root / "derived" / sha256[:2] / sha256[2:4] / f"{sha256}.{variant}"

    def put(self, source: Source, max_size: int | None = None) -> StoredBlob:
        writer = _Writer(self._tmp, max_size)
        try:
            for chunk in _chunks(source):
                writer.write(chunk)
        except BaseException:
            writer.abort()
            raise
        return self._commit(writer)

    async def put_async(self, chunks: AsyncIterable[bytes], max_size: int | None = None,
                        executor: Executor | None = None) -> StoredBlob:
        """For a request body: the chunks arrive from the network. The limit is checked
        at every chunk as it arrives; hashing, writing and the final fsync run in
        `executor` (default: the loop's), a batch of up to BATCH bytes at a time, so the
        loop never waits on the disk."""
        loop = asyncio.get_running_loop()
        writer = await loop.run_in_executor(executor, _Writer, self._tmp, max_size)
        batch: list[bytes] = []
        held = 0
        try:
            async for chunk in chunks:
                held += len(chunk)
                if max_size is not None and writer.size + held > max_size:
                    raise TooLarge(max_size)
                batch.append(chunk)
                if held >= BATCH:
                    await loop.run_in_executor(executor, writer.write, b"".join(batch))
                    batch, held = [], 0
            if batch:
                await loop.run_in_executor(executor, writer.write, b"".join(batch))
            return await loop.run_in_executor(executor, self._commit, writer)
        except BaseException:
            await loop.run_in_executor(executor, writer.abort)
            raise

    def _commit(self, writer: _Writer) -> StoredBlob:
        writer.file.flush()
        os.fsync(writer.file.fileno())
        writer.file.close()
        sha256 = writer.hash.hexdigest()
        final = self._path(sha256)
        with self._lock:
            self._holds[sha256] += 1
            if final.exists():
                # same content already stored: idempotent, keep the first copy
                writer.path.unlink(missing_ok=True)
                return StoredBlob(sha256, writer.size, created=False)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(writer.path, 0o644)
            # rename is atomic on one file system: a reader sees the whole file or none
            os.replace(writer.path, final)
        return StoredBlob(sha256, writer.size, created=True)

    def release(self, sha256: str) -> None:
        """The upload that put this blob is done with it (its row is written, or it was
        refused)."""
        with self._lock:
            self._holds[sha256] -= 1
            if self._holds[sha256] <= 0:
                del self._holds[sha256]

    def delete_unheld(self, sha256: str) -> bool:
        """`delete`, unless an upload of the same bytes still holds the blob (one of
        this process; instances sharing a folder do not see each other's holds)."""
        with self._lock:
            if self._holds.get(sha256, 0) > 0:
                return False
            return self.delete(sha256)

    def exists(self, sha256: str) -> bool:
        try:
            return self._path(sha256).is_file()
        except BlobNotFound:
            return False

    def size(self, sha256: str) -> int:
        try:
            return self._path(sha256).stat().st_size
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self._path(sha256).open("rb")
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    def read_range(self, sha256: str, start: int, length: int) -> bytes:
        if start < 0 or length < 0:
            raise ValueError("negative range")
        with self.open(sha256) as f:
            f.seek(start)
            return f.read(length)

    def delete(self, sha256: str) -> bool:
        """True if something was removed. Derived entries go with the blob."""
        try:
            path = self._path(sha256)
        except BlobNotFound:
            return False
        folder = self.root / "derived" / sha256[:2] / sha256[2:4]
        if folder.is_dir():
            for derived in folder.glob(f"{sha256}.*"):
                derived.unlink(missing_ok=True)
        try:
            path.unlink()
            return True
        except FileNotFoundError:
            return False

    def put_derived(self, sha256: str, variant: str, data: bytes) -> None:
        final = self._derived_path(sha256, variant)
        writer = _Writer(self._tmp, None)
        try:
            writer.write(data)
        except BaseException:
            writer.abort()
            raise
        writer.file.close()
        final.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(writer.path, 0o644)
        os.replace(writer.path, final)

    def read_derived(self, sha256: str, variant: str) -> bytes | None:
        try:
            return self._derived_path(sha256, variant).read_bytes()
        except FileNotFoundError:
            return None
