"""Password and token hashing. Passwords: argon2id. Tokens: SHA-256 of 32 random bytes
(a token has enough entropy that a slow hash adds nothing, and lookups must be cheap).

argon2 is slow on purpose (tens of milliseconds and 64 MiB a hash), so the async
callers run it in a small thread pool of its own (argon2-cffi releases the GIL), never
on the event loop: a burst of sign-ins must not stall feeds or /healthz. The pool has
few threads and a cap on waiting work; beyond it a sign-in is refused as busy.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from typing import TypeVar, TypeVarTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the user does not exist, so that a bad name and a bad
# password take the same time and get the same answer. Made on first need, in the
# hashing pool like every hash: at full cost it takes a quarter of a second, which
# start-up (every CLI command, every `serve`) should not pay.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("not a real password")
    return _DUMMY_HASH

# argon2 is CPU-bound (about 0.25 s a hash at the default cost): leave one core to the
# event loop, or a flood of sign-ins starves every feed poll of CPU (measured with
# bench/loop_stall.py: two threads on a 2-core machine stalled /healthz for 0.85 s).
HASH_THREADS = max(1, (os.cpu_count() or 2) - 1)
MAX_WAITING = 64
T = TypeVar("T")
Args = TypeVarTuple("Args")
_pool = ThreadPoolExecutor(max_workers=HASH_THREADS, thread_name_prefix="argon2")
_in_flight = 0

# The demo data set's password: refused like a common one, except under `serve --demo`.
DEMO_PASSWORD = "publisher-demo"
MIN_LENGTH = 12


class HashingBusy(Exception):
    """More password checks are waiting than the pool should queue."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def _off_loop(fn: Callable[[*Args], T], *args: *Args) -> T:
    global _in_flight
    if _in_flight >= MAX_WAITING:
        raise HashingBusy()
    _in_flight += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(_pool, fn, *args)
    finally:
        _in_flight -= 1


async def hash_password_async(password: str) -> str:
    return await _off_loop(hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    return await _off_loop(verify_password, password_hash, password)


def common_passwords() -> frozenset[str]:
    """The shipped list (publisher/data/common-passwords.txt), lower-cased."""
    global _COMMON
    if _COMMON is None:
        text = files("publisher.data").joinpath("common-passwords.txt").read_text("utf-8")
        _COMMON = frozenset(
            line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
        )
    return _COMMON


_COMMON: frozenset[str] | None = None


def password_problem(password: str, username: str | None, demo: bool = False) -> str | None:
    """Why a new password is refused, or None. The rules: at least 12 characters, not
    the username, not in the list of common passwords (the demo's allowed under --demo)."""
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters long"
    lowered = password.lower()
    if username and lowered == username.lower():
        return "must not be the username"
    if demo and password == DEMO_PASSWORD:
        return None
    if lowered in common_passwords():
        return "is too common; choose another"
    return None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
