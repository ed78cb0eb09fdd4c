"""Staff accounts and their API tokens; account management for admins.

Every rule about accounts lives here (who may manage them, the password rules, that an
admin cannot lock themselves out, that a new password, disabling or losing a role ends
every session and token), so the staff pages, the API and the CLI call them alike.
Each change is recorded in the audit trail in the same transaction.

Sessions: a browser session cookie carries an API token (see publisher.auth), so a
token row is the one record of a sign-in, and both kinds end the same ways: logout
deletes the row, and bumping the user's session epoch ends all of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar, cast

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
from sqlalchemy.ext.asyncio import AsyncConnection

from publisher.errors import ApiError, conflict, forbidden, from_validation, not_found
from publisher.passwords import (
    hash_password_async,
    new_token,
    password_problem,
    token_hash,
    verify_password_async,
)
from publisher.services import audit
from publisher.settings import Settings
from publisher.store.engine import Database
from publisher.store.tables import api_tokens, users
from publisher.store.upsert import inserted_id

BUILTIN_ROLES = ("editor", "reviewer", "admin")
# Languages of the staff pages; the first is the default.
LANGUAGES = ("zh-Hant", "en")

M = TypeVar("M", bound=BaseModel)


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


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change, for the audit trail: a person (None: the CLI or start-up) and
    the client address."""

    who: Principal | None = None
    remote: str | None = None

    @property
    def name(self) -> str | None:
        return self.who.username if self.who else None


CLI = Actor()

Password = Annotated[str, Field(min_length=1, max_length=256)]
Username = Annotated[str, Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Roles = list[Annotated[str, Field(min_length=1, max_length=40)]]


def _known_roles(value: list[str], info: ValidationInfo) -> list[str]:
    known = (info.context or {}).get("roles")
    if known is not None:
        unknown = [r for r in value if r not in known]
        if unknown:
            raise ValueError(f"unknown roles {unknown}; known: {', '.join(sorted(known))}")
    return sorted(set(value))


def _good_password(value: str, username: str | None, info: ValidationInfo) -> str:
    problem = password_problem(value, username, demo=bool((info.context or {}).get("demo")))
    if problem:
        raise ValueError(problem)
    return value


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    password: Password
    roles: Roles = Field(min_length=1, max_length=10)

    @field_validator("roles")
    @classmethod
    def _known(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _known_roles(value, info)

    @field_validator("password")
    @classmethod
    def _rules(cls, value: str, info: ValidationInfo) -> str:
        return _good_password(value, info.data.get("username"), info)


class RolesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    roles: Roles = Field(min_length=1, max_length=10)

    @field_validator("roles")
    @classmethod
    def _known(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _known_roles(value, info)


class UserPatch(BaseModel):
    """PATCH /api/v1/users/{username}: either or both."""

    model_config = ConfigDict(extra="forbid")

    roles: Roles | None = Field(default=None, min_length=1, max_length=10)
    disabled: bool | None = None

    @field_validator("roles")
    @classmethod
    def _known(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        return None if value is None else _known_roles(value, info)


class PasswordIn(BaseModel):
    """A password set for someone (an admin's reset, `publisher user passwd`)."""

    model_config = ConfigDict(extra="forbid")

    password: Password

    @field_validator("password")
    @classmethod
    def _rules(cls, value: str, info: ValidationInfo) -> str:
        return _good_password(value, (info.context or {}).get("username"), info)


class PasswordChange(BaseModel):
    """POST /api/v1/users/me/password."""

    model_config = ConfigDict(extra="forbid")

    current: Password
    new: Password

    @field_validator("new")
    @classmethod
    def _rules(cls, value: str, info: ValidationInfo) -> str:
        return _good_password(value, (info.context or {}).get("username"), info)


class LanguageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Literal["zh-Hant", "en"]


def _principal(row: Any) -> Principal:
    return Principal(
        id=row.id, username=row.username, roles=frozenset(row.roles), epoch=row.session_epoch, language=row.language
    )


def _parse(model: type[M], data: object, **context: Any) -> M:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise from_validation(exc) from None


def parse_user(data: object, settings: Settings, demo: bool = False) -> UserIn:
    return _parse(UserIn, data, roles=known_roles(settings), demo=demo)


async def add_user(db: Database, user: UserIn, now: datetime, by: Actor = CLI) -> Principal:
    password_hash = await hash_password_async(user.password)
    try:
        async with db.write() as conn:
            result = await conn.execute(
                insert(users).values(
                    username=user.username, password_hash=password_hash, roles=user.roles, disabled=False,
                    session_epoch=0, created_at=now,
                )
            )
            user_id = inserted_id(result)
            await audit.record(conn, now, "user_created", by.name, user.username, by.remote, roles=user.roles)
    except IntegrityError:
        raise conflict(f"user {user.username!r} exists already", code="duplicate_user") from None
    return Principal(id=user_id, username=user.username, roles=frozenset(user.roles))


async def authenticate(db: Database, username: str, password: str, now: datetime | None = None) -> Principal | None:
    async with db.read() as conn:
        row = (await conn.execute(select(users).where(users.c.username == username))).first()
    # Verify even for an unknown name so that timing does not tell names apart.
    ok = await verify_password_async(row.password_hash if row else None, password)
    if not ok or row is None or row.disabled:
        return None
    if now is not None:
        async with db.write() as conn:
            await conn.execute(update(users).where(users.c.id == row.id).values(last_login_at=now))
    return _principal(row)


async def issue_token(db: Database, principal: Principal, now: datetime, ttl: timedelta) -> str:
    token = new_token()
    async with db.write() as conn:
        await conn.execute(
            insert(api_tokens).values(
                token_hash=token_hash(token), user_id=principal.id, epoch=principal.epoch, created_at=now,
                expires_at=now + ttl,
            )
        )
    return token


async def principal_for_token(db: Database, token: str, now: datetime) -> Principal | None:
    """The token's user, while the token exists, has not expired, and was issued in the
    user's current session epoch (checked on every request)."""
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


async def revoke_token(db: Database, token: str) -> None:
    async with db.write() as conn:
        await conn.execute(delete(api_tokens).where(api_tokens.c.token_hash == token_hash(token)))


# -- account management ------------------------------------------------------------------


def _require_admin(who: Principal) -> None:
    if not who.has("admin"):
        raise forbidden("managing staff accounts needs the role 'admin'")


def _account(row: Any) -> dict[str, Any]:
    return {"id": row.id, "username": row.username, "roles": sorted(row.roles), "disabled": bool(row.disabled),
            "language": row.language, "created_at": row.created_at, "last_login": row.last_login_at}


def account_json(account: dict[str, Any], tz: Any) -> dict[str, Any]:
    """An account as the API shows it (times with the configured offset)."""
    def iso(value: datetime | None) -> str | None:
        return value.astimezone(tz).isoformat() if value else None

    return {**account, "created_at": iso(account["created_at"]), "last_login": iso(account["last_login"])}


async def list_users(db: Database, who: Principal) -> list[dict[str, Any]]:
    _require_admin(who)
    async with db.read() as conn:
        rows = list(await conn.execute(select(users).order_by(users.c.username)))
    return [_account(r) for r in rows]


async def _row(conn: AsyncConnection, user_id: int | None = None, username: str | None = None) -> Any:
    cond = users.c.id == user_id if user_id is not None else users.c.username == username
    row = (await conn.execute(select(users).where(cond))).first()
    if row is None:
        raise not_found(f"user {user_id if user_id is not None else username!r}")
    return row


async def get_user(db: Database, who: Principal, user_id: int) -> dict[str, Any]:
    _require_admin(who)
    async with db.read() as conn:
        return _account(await _row(conn, user_id))


async def user_id_of(db: Database, username: str) -> int:
    async with db.read() as conn:
        return cast(int, (await _row(conn, username=username)).id)


async def create_user(db: Database, who: Principal, data: object, settings: Settings, now: datetime,
                      remote: str | None = None) -> Principal:
    _require_admin(who)
    return await add_user(db, parse_user(data, settings), now, Actor(who, remote))


async def _change(conn: AsyncConnection, user_id: int, bump_epoch: bool, **values: Any) -> None:
    if bump_epoch:
        values["session_epoch"] = users.c.session_epoch + 1
        # The epoch alone already ends them; the rows are dead weight now.
        await conn.execute(delete(api_tokens).where(api_tokens.c.user_id == user_id))
    if values:
        await conn.execute(update(users).where(users.c.id == user_id).values(**values))


def _self_lockout(message: str, field: str | None = None) -> ApiError:
    details = [{"field": field, "message": message, "type": "self_lockout"}] if field else []
    return ApiError(409, "self_lockout", message, details)


async def set_roles(db: Database, who: Principal, user_id: int, data: object, settings: Settings,
                    now: datetime, remote: str | None = None) -> None:
    """New roles take effect on the user's next request; losing a role also ends every
    session and token of the user (what was opened with the role ends with it)."""
    _require_admin(who)
    roles = _parse(RolesIn, data, roles=known_roles(settings)).roles
    if user_id == who.id and "admin" not in roles:
        raise _self_lockout("you cannot take the role 'admin' from yourself; ask another admin", "roles")
    async with db.write() as conn:
        row = await _row(conn, user_id)
        removed = sorted(set(row.roles) - set(roles))
        await _change(conn, user_id, bool(removed), roles=roles)
        if set(roles) != set(row.roles):
            await audit.record(conn, now, "roles_changed", who.username, row.username, remote,
                               before=sorted(row.roles), after=roles)


async def set_disabled(db: Database, who: Principal, user_id: int, disabled: bool, now: datetime,
                       remote: str | None = None) -> None:
    """Disabling ends every session and token of the user at once."""
    _require_admin(who)
    if user_id == who.id and disabled:
        raise _self_lockout("you cannot disable your own account; ask another admin", "disabled")
    async with db.write() as conn:
        row = await _row(conn, user_id)
        if bool(row.disabled) == disabled:
            return
        await _change(conn, user_id, disabled, disabled=disabled)
        await audit.record(conn, now, "user_disabled" if disabled else "user_enabled", who.username, row.username,
                           remote)


async def update_user(db: Database, who: Principal, username: str, data: object, settings: Settings,
                      now: datetime, remote: str | None = None) -> dict[str, Any]:
    """PATCH: roles and/or disabled, each with its own rules and audit event."""
    _require_admin(who)
    patch = _parse(UserPatch, data, roles=known_roles(settings))
    user_id = await user_id_of(db, username)
    if patch.disabled is not None:
        await set_disabled(db, who, user_id, patch.disabled, now, remote)
    if patch.roles is not None:
        await set_roles(db, who, user_id, {"roles": patch.roles}, settings, now, remote)
    return await get_user(db, who, user_id)


async def _new_password(db: Database, user_id: int, password: str, now: datetime, by: Actor,
                        how: str) -> None:
    password_hash = await hash_password_async(password)
    async with db.write() as conn:
        row = await _row(conn, user_id)
        await _change(conn, user_id, True, password_hash=password_hash)
        await audit.record(conn, now, "password_changed", by.name, row.username, by.remote, how=how)


async def reset_password(db: Database, who: Principal, user_id: int, data: object, now: datetime,
                         remote: str | None = None) -> None:
    """A new password, set by an admin; every session and token of the user ends."""
    _require_admin(who)
    async with db.read() as conn:
        username = (await _row(conn, user_id)).username
    password = _parse(PasswordIn, data, username=username).password
    await _new_password(db, user_id, password, now, Actor(who, remote), "reset by an admin")


async def set_password(db: Database, username: str, password: str, now: datetime) -> None:
    """`publisher user passwd`: whoever runs the CLI on the server may."""
    user_id = await user_id_of(db, username)
    checked = _parse(PasswordIn, {"password": password}, username=username).password
    await _new_password(db, user_id, checked, now, CLI, "command line")


async def change_own_password(db: Database, who: Principal, data: object, now: datetime,
                              remote: str | None = None) -> None:
    """The signed-in user's own password: the current one must be right. Every session
    and token ends, this one included (sign in again with the new password)."""
    body = _parse(PasswordChange, data, username=who.username)
    async with db.read() as conn:
        row = await _row(conn, who.id)
    if not await verify_password_async(row.password_hash, body.current):
        raise ApiError(403, "wrong_password", "the current password is not right",
                       [{"field": "current", "message": "not right", "type": "wrong_password"}])
    await _new_password(db, who.id, body.new, now, Actor(who, remote), "own")


async def end_sessions(db: Database, who: Principal, user_id: int, now: datetime | None = None,
                       remote: str | None = None) -> None:
    """Sign the user out everywhere: every session cookie and API token stops working."""
    if user_id != who.id:
        _require_admin(who)
    async with db.write() as conn:
        row = await _row(conn, user_id)
        await _change(conn, user_id, True)
        if now is not None:
            await audit.record(conn, now, "sessions_ended", who.username, row.username, remote)


async def set_language(db: Database, who: Principal, data: object) -> str:
    """The signed-in user's language for the staff pages."""
    language = _parse(LanguageIn, data).language
    async with db.write() as conn:
        await _change(conn, who.id, False, language=language)
    return language
