"""The plain data the yearly report is computed from. The store fills these in (dates as
the bureau's local days); nothing here reads a database or the clock.

Each record checks itself when made, so a figure can never come from an impossible
record (a reply before its request, a repeal without a date) without a clear error first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from publisher.domain.disclosure.report_codes import (
    APPLICANT_KINDS,
    CASE_KINDS,
    CASE_OUTCOMES,
    OUTCOME_CODES,
    ApplicantKind,
    CaseKind,
    CaseOutcome,
    DocKind,
    Validity,
)


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    """A notice as the report sees it. `first_public_on` is None for one never made public
    (it counts nowhere); `issued_on` is meta.issued_on, when the document was made."""

    category: str
    first_public_on: date | None
    on_portal: bool = True
    doc_kind: DocKind = "other"
    issued_on: date | None = None
    validity: Validity = "in_force"
    repealed_on: date | None = None

    def __post_init__(self) -> None:
        if self.doc_kind not in ("rule", "normative", "other"):
            raise ValueError(f"doc_kind: unknown kind {self.doc_kind!r}")
        if self.validity == "repealed" and self.repealed_on is None:
            raise ValueError("repealed_on: a repealed document needs the date it was repealed")
        if self.validity == "in_force" and self.repealed_on is not None:
            raise ValueError("repealed_on: given for a document still in force")
        if self.validity not in ("in_force", "repealed"):
            raise ValueError(f"validity: unknown value {self.validity!r}")

    @property
    def made_on(self) -> date | None:
        """The day the document counts as issued: meta.issued_on, else its first day public."""
        return self.issued_on or self.first_public_on


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """A request for information (依申請公開). It is open until `replied_on`; whether it is
    carried over into or out of a year follows from the two dates, so year N's carried-out
    requests are year N+1's carried-in ones by construction."""

    applicant_kind: ApplicantKind
    received_on: date
    outcome: str | None = None
    replied_on: date | None = None

    def __post_init__(self) -> None:
        if self.applicant_kind not in APPLICANT_KINDS:
            raise ValueError(f"applicant_kind: unknown kind {self.applicant_kind!r}")
        if (self.outcome is None) != (self.replied_on is None):
            raise ValueError("outcome and replied_on: a reply has both, an open request neither")
        if self.outcome is not None and self.outcome not in OUTCOME_CODES:
            raise ValueError(f"outcome: unknown outcome code {self.outcome!r}")
        if self.replied_on is not None and self.replied_on < self.received_on:
            raise ValueError("replied_on: before the request was received")


@dataclass(frozen=True, slots=True)
class ReviewCase:
    """An administrative reconsideration or lawsuit about disclosure (table 4 register)."""

    kind: CaseKind
    filed_on: date
    outcome: CaseOutcome | None = None
    decided_on: date | None = None

    def __post_init__(self) -> None:
        if self.kind not in CASE_KINDS:
            raise ValueError(f"kind: unknown case kind {self.kind!r}")
        if (self.outcome is None) != (self.decided_on is None):
            raise ValueError("outcome and decided_on: a decided case has both, a pending one neither")
        if self.outcome is not None and self.outcome not in CASE_OUTCOMES:
            raise ValueError(f"outcome: unknown case outcome {self.outcome!r}")
        if self.decided_on is not None and self.decided_on < self.filed_on:
            raise ValueError("decided_on: before the case was filed")


Count = Annotated[int, Field(ge=0, le=1_000_000_000)]


class StaffFigures(BaseModel):
    """Table 2 rows 5 to 8: figures that come from other systems, entered by staff for a
    year (also the body the API will take, hence pydantic with limits)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    licensing: Count = 0  # 行政许可 decisions
    penalty: Count = 0  # 行政处罚 decisions
    coercion: Count = 0  # 行政强制 decisions
    fees_10k_yuan: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)] = Decimal(0)
