"""The review chain's rules, as pure checks. The service layer runs them inside the
write transaction, after locking the notice, so that API and pages share one copy.
Refusals are domain errors (publisher.domain.errors); the HTTP layer maps them.

Notice status (public): draft | in_review (never live yet), live, withdrawn.
Revision state: draft -> in_review -> approved (-> superseded when a newer one goes live).
Reject (by a reviewer) or recall (by an author) sends an in_review revision back to
draft. A revision submitted once is frozen: editing it makes a new revision number, so
that an approval always names the text the reviewer read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from publisher.domain.errors import FourEyes, NotPermitted, RevisionChanged, WrongState

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
    number: int = 0
    # submitted at least once: its content may no longer change
    frozen: bool = False


def _not_withdrawn(status: str) -> None:
    if status == "withdrawn":
        raise WrongState("the notice has been withdrawn", code="withdrawn")


def check_edit(status: str, pending: Pending | None) -> bool:
    """Refuses, or says whether the edit makes a new revision (True) or changes the
    unsubmitted draft in place (False)."""
    _not_withdrawn(status)
    if pending is not None and pending.state == "in_review":
        raise WrongState("a revision of this notice is in review; approve or reject it first", code="in_review")
    return pending is None or pending.frozen


def check_submit(status: str, pending: Pending | None) -> None:
    _not_withdrawn(status)
    if pending is None or pending.state != "draft":
        raise WrongState("there is no draft revision to submit", code="nothing_to_submit")


def _waiting(status: str, pending: Pending | None, revision: int) -> Pending:
    _not_withdrawn(status)
    if pending is None or pending.state != "in_review":
        raise WrongState("no revision of this notice is waiting for review", code="not_in_review")
    if revision != pending.number:
        raise RevisionChanged(
            f"revision {revision} is not the one waiting for review (revision {pending.number} is); "
            "read it before deciding", field="revision")
    return pending


def _current_step(chain: Sequence[Step], pending: Pending, roles: frozenset[str]) -> Step:
    step = chain[pending.current_step]
    if step.role not in roles:
        raise NotPermitted(f"step {pending.current_step + 1} ({step.name}) needs the role {step.role!r}")
    return step


def check_approve(
    chain: Sequence[Step], status: str, pending: Pending | None, user_id: int, roles: frozenset[str], revision: int
) -> bool:
    """Refuses or returns True when this approval is the last step (the revision goes live)."""
    waiting = _waiting(status, pending, revision)
    _current_step(chain, waiting, roles)
    if user_id in waiting.authors:
        raise FourEyes("the author of a revision cannot approve it")
    if user_id in waiting.approvals.values():
        raise FourEyes("you approved an earlier step of this revision; another person must approve this one")
    return waiting.current_step + 1 >= len(chain)


def check_reject(
    chain: Sequence[Step], status: str, pending: Pending | None, user_id: int, roles: frozenset[str], revision: int
) -> None:
    waiting = _waiting(status, pending, revision)
    _current_step(chain, waiting, roles)
    if user_id in waiting.authors:
        # Rejecting one's own revision and editing it is how the four eyes were once
        # bypassed; an author takes it back with recall instead.
        raise FourEyes("the author of a revision cannot reject it; withdraw it from review (recall) instead")


def check_recall(status: str, pending: Pending | None, user_id: int, roles: frozenset[str]) -> None:
    """An author takes their revision back out of review (it becomes a frozen draft)."""
    _not_withdrawn(status)
    if pending is None or pending.state != "in_review":
        raise WrongState("no revision of this notice is waiting for review", code="not_in_review")
    if roles.isdisjoint(EDIT_ROLES) or user_id not in pending.authors:
        raise NotPermitted("only an author of the revision may withdraw it from review")


def check_withdraw(status: str, roles: frozenset[str]) -> None:
    if roles.isdisjoint(WITHDRAW_ROLES):
        raise NotPermitted("withdrawing needs the role 'reviewer' or 'admin'")
    _not_withdrawn(status)


def index_number(template: str, org_code: str, year: int, seq: int) -> str:
    return template.format(org_code=org_code, year=year, seq=seq)
