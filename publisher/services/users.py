"""Staff accounts and their API tokens; account management for admins.

Every rule about accounts lives here (who may manage them, that an admin cannot lock
themselves out, that disabling or a new password ends every session and token), so the
staff pages and any API call them alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from publisher.errors import ApiError, conflict, forbidden, from_validation, not_found
from publisher.passwords import hash_password, new_token, token_hash, verify_password
from publisher.settings import Settings
from publisher.store.engine import Database
from publisher.store.tables import api_tokens, users

BUILTIN_ROLES = ("editor", "reviewer", "admin")
# Languages of the staff pages; the first is the default.
LANGUAGES = ("zh-Hant", "en")


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


Password = Annotated[str, Field(min_length=8, max_length=256)]
Roles = list[Annotated[str, Field(min_length=1, max_length=40)]]


def _known_roles(value: list[str], info: ValidationInfo) -> list[str]:
    known = (info.context or {}).get("roles")
    if known is not None:
        unknown = [r for r in value if r not in known]
        if unknown:
            raise ValueError(f"unknown roles {unknown}; known: {', '.join(sorted(known))}")
    return sorted(set(value))


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    password: Password
    roles: Roles = Field(min_length=1, max_length=10)

    @field_validator("roles")
    @classmethod
    def _known(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _known_roles(value, info)


class RolesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    roles: Roles = Field(min_length=1, max_length=10)

    @field_validator("roles")
    @classmethod
    def _known(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _known_roles(value, info)


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: Password


class LanguageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Literal["zh-Hant", "en"]


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



def _parse(model: type[BaseModel], data: object, settings: Settings | None = None) -> Any:
    try:
        return model.model_validate(data, context={"roles": known_roles(settings)} if settings else None)
    except ValidationError as exc:
        raise from_validation(exc) from None


# -- account management (admins) -------------------------------------------------------


def _require_admin(who: Principal) -> None:
    if not who.has("admin"):
        raise forbidden("managing staff accounts needs the role 'admin'")


def _account(row: Any) -> dict[str, Any]:
    return {"id": row.id, "username": row.username, "roles": sorted(row.roles), "disabled": bool(row.disabled),
            "language": row.language, "created_at": row.created_at}


async def list_users(db: Database, who: Principal) -> list[dict[str, Any]]:
    _require_admin(who)
    async with db.read() as conn:
        rows = list(await conn.execute(select(users).order_by(users.c.username)))
    return [_account(r) for r in rows]


async def get_user(db: Database, who: Principal, user_id: int) -> dict[str, Any]:
    _require_admin(who)
    async with db.read() as conn:
        row = (await conn.execute(select(users).where(users.c.id == user_id))).first()
    if row is None:
        raise not_found(f"user {user_id}")
    return _account(row)


async def create_user(db: Database, who: Principal, data: object, settings: Settings, now: datetime) -> Principal:
    _require_admin(who)
    return await add_user(db, parse_user(data, settings), now)


async def _change(db: Database, user_id: int, bump_epoch: bool, **values: Any) -> None:
    if bump_epoch:
        values["session_epoch"] = users.c.session_epoch + 1
    async with db.write() as conn:
        result = await conn.execute(update(users).where(users.c.id == user_id).values(**values))
        if result.rowcount == 0:
            raise not_found(f"user {user_id}")


async def set_roles(db: Database, who: Principal, user_id: int, data: object, settings: Settings) -> None:
    """New roles take effect on the user's next request (roles are read per request)."""
    _require_admin(who)
    roles = _parse(RolesIn, data, settings).roles
    if user_id == who.id and "admin" not in roles:
        raise ApiError(409, "self_lockout", "you cannot take the role 'admin' from yourself; ask another admin",
                       [{"field": "roles", "message": "you cannot take the role 'admin' from yourself", "type": "self_lockout"}])
    await _change(db, user_id, False, roles=roles)


async def set_disabled(db: Database, who: Principal, user_id: int, disabled: bool) -> None:
    """Disabling ends every session and token of the user at once."""
    _require_admin(who)
    if user_id == who.id and disabled:
        raise ApiError(409, "self_lockout", "you cannot disable your own account; ask another admin")
    await _change(db, user_id, disabled, disabled=disabled)


async def reset_password(db: Database, who: Principal, user_id: int, data: object) -> None:
    """A new password, set by an admin; every session and token of the user ends."""
    _require_admin(who)
    password = _parse(PasswordIn, data).password
    await _change(db, user_id, True, password_hash=hash_password(password))


async def end_sessions(db: Database, who: Principal, user_id: int) -> None:
    """Sign the user out everywhere: every session cookie and API token stops working."""
    if user_id != who.id:
        _require_admin(who)
    await _change(db, user_id, True)


async def set_language(db: Database, who: Principal, data: object) -> str:
    """The signed-in user's language for the staff pages."""
    language = _parse(LanguageIn, data).language
    await _change(db, who.id, False, language=language)
    return language
