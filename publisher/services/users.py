"""Staff accounts and their API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from publisher.errors import conflict, from_validation
from publisher.passwords import hash_password, new_token, token_hash, verify_password
from publisher.settings import Settings
from publisher.store.engine import Database
from publisher.store.tables import api_tokens, users

BUILTIN_ROLES = ("editor", "reviewer", "admin")


def known_roles(settings: Settings) -> set[str]:
    return set(BUILTIN_ROLES) | {step.role for step in settings.review_chain}


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in member of staff."""

    id: int
    username: str
    roles: frozenset[str]
    epoch: int = 0
    language: str | None = None

    def has(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    password: Annotated[str, Field(min_length=8, max_length=256)]
    roles: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(min_length=1, max_length=10)

    @field_validator("roles")
    @classmethod
    def _known(cls, value: list[str], info: ValidationInfo) -> list[str]:
        known = (info.context or {}).get("roles")
        if known is not None:
            unknown = [r for r in value if r not in known]
            if unknown:
                raise ValueError(f"unknown roles {unknown}; known: {', '.join(sorted(known))}")
        return sorted(set(value))


def _principal(row: object) -> Principal:
    return Principal(
        id=row.id, username=row.username, roles=frozenset(row.roles), epoch=row.session_epoch, language=row.language
    )


async def add_user(db: Database, user: UserIn, now: datetime) -> Principal:
    try:
        async with db.write() as conn:
            result = await conn.execute(
                insert(users).values(
                    username=user.username,
                    password_hash=hash_password(user.password),
                    roles=user.roles,
                    disabled=False,
                    session_epoch=0,
                    created_at=now,
                )
            )
            user_id = result.inserted_primary_key[0]
    except IntegrityError:
        raise conflict(f"user {user.username!r} exists already", code="duplicate_user") from None
    return Principal(id=user_id, username=user.username, roles=frozenset(user.roles))


async def authenticate(db: Database, username: str, password: str) -> Principal | None:
    async with db.read() as conn:
        row = (await conn.execute(select(users).where(users.c.username == username))).first()
    # Verify even for an unknown name so that timing does not tell names apart.
    ok = verify_password(row.password_hash if row else None, password)
    if not ok or row is None or row.disabled:
        return None
    return _principal(row)


async def issue_token(db: Database, principal: Principal, now: datetime, ttl: timedelta) -> str:
    token = new_token()
    async with db.write() as conn:
        await conn.execute(
            insert(api_tokens).values(
                token_hash=token_hash(token),
                user_id=principal.id,
                epoch=principal.epoch,
                created_at=now,
                expires_at=now + ttl,
            )
        )
    return token


async def principal_for_token(db: Database, token: str, now: datetime) -> Principal | None:
    query = (
        select(users, api_tokens.c.epoch.label("token_epoch"), api_tokens.c.expires_at)
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_hash == token_hash(token))
    )
    async with db.read() as conn:
        row = (await conn.execute(query)).first()
    if row is None or row.disabled or row.expires_at <= now or row.token_epoch != row.session_epoch:
        return None
    return _principal(row)


async def principal_by_id(db: Database, user_id: int, epoch: int) -> Principal | None:
    async with db.read() as conn:
        row = (await conn.execute(select(users).where(users.c.id == user_id))).first()
    if row is None or row.disabled or row.session_epoch != epoch:
        return None
    return _principal(row)


async def revoke_token(db: Database, token: str) -> None:
    async with db.write() as conn:
        await conn.execute(delete(api_tokens).where(api_tokens.c.token_hash == token_hash(token)))


def parse_user(data: object, settings: Settings) -> UserIn:
    try:
        return UserIn.model_validate(data, context={"roles": known_roles(settings)})
    except ValidationError as exc:
        raise from_validation(exc) from None

