"""The review chain's rules, as pure checks. The service layer runs them inside the
write transaction, after locking the notice, so that API and pages share one copy.

Notice status (public): draft | in_review (never live yet), live, withdrawn.
Revision state: draft -> in_review -> approved (-> superseded when a newer one goes live).
Reject sends an in_review revision back to draft; its next submission starts a new
review round at the first step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from publisher.errors import ApiError, conflict, forbidden

EDIT_ROLES = ("editor",)
WITHDRAW_ROLES = ("reviewer", "admin")


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class Pending:
    """The revision waiting to go live, as the checks need to see it."""

    state: str  # draft | in_review
    current_step: int
    authors: frozenset[int]
    # step index -> user id, for approvals in the current review round
    approvals: Mapping[int, int]


def _not_withdrawn(status: str) -> None:
    if status == "withdrawn":
        raise conflict("the notice has been withdrawn", code="withdrawn")


def check_edit(status: str, pending: Pending | None) -> None:
    _not_withdrawn(status)
    if pending is not None and pending.state == "in_review":
        raise conflict("a revision of this notice is in review; approve or reject it first", code="in_review")


def check_submit(status: str, pending: Pending | None) -> None:
    _not_withdrawn(status)
    if pending is None or pending.state != "draft":
        raise conflict("there is no draft revision to submit", code="nothing_to_submit")


def _current_step(chain: Sequence[Step], status: str, pending: Pending | None, roles: frozenset[str]) -> Step:
    _not_withdrawn(status)
    if pending is None or pending.state != "in_review":
        raise conflict("no revision of this notice is waiting for review", code="not_in_review")
    step = chain[pending.current_step]
    if step.role not in roles:
        raise forbidden(f"step {pending.current_step + 1} ({step.name}) needs the role {step.role!r}")
    return step


def check_approve(
    chain: Sequence[Step], status: str, pending: Pending | None, user_id: int, roles: frozenset[str]
) -> bool:
    """Refuses or returns True when this approval is the last step (the revision goes live)."""
    _current_step(chain, status, pending, roles)
    assert pending is not None
    if user_id in pending.authors:
        raise ApiError(403, "four_eyes", "the author of a revision cannot approve it")
    if user_id in pending.approvals.values():
        raise ApiError(403, "four_eyes", "you approved an earlier step of this revision; another person must approve this one")
    return pending.current_step + 1 >= len(chain)


def check_reject(chain: Sequence[Step], status: str, pending: Pending | None, roles: frozenset[str]) -> None:
    _current_step(chain, status, pending, roles)


def check_withdraw(status: str, roles: frozenset[str]) -> None:
    if roles.isdisjoint(WITHDRAW_ROLES):
        raise forbidden("withdrawing needs the role 'reviewer' or 'admin'")
    _not_withdrawn(status)


def index_number(template: str, org_code: str, year: int, seq: int) -> str:
    return template.format(org_code=org_code, year=year, seq=seq)
