"""Infrastructure Pull Requests as every surface shows them (``alma ipr show --json``, the IPR routes, MCP)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from alma.contracts.plans import PlanOut
from alma.contracts.records import DEFERRED

if TYPE_CHECKING:  # built on first use, as the record contracts are (see ``alma.contracts.records``)
    from alma.services import IprRecord, IprView


class ReviewOut(BaseModel):
    model_config = DEFERRED

    revision: int
    reviewer: str
    verdict: str
    comment: str
    at: str


class IprOut(BaseModel):
    model_config = DEFERRED

    id: int
    stack: str
    title: str
    description: str
    author: str
    status: str = Field(
        description="open, changes_requested, approved, applying, applied, failed, superseded, rejected or closed"
    )
    revision: int
    reviewers: list[str]
    approvals: list[str]
    approvals_required: int
    policy_reasons: list[str]
    deployment_id: str | None
    plan: PlanOut
    reviews: list[ReviewOut]
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, view: IprView, *, rendered: bool = False) -> IprOut:
        ipr = view.ipr
        return cls(
            id=ipr.id,
            stack=ipr.stack,
            title=ipr.title,
            description=ipr.description,
            author=ipr.author,
            status=ipr.status,
            revision=ipr.revision,
            reviewers=list(ipr.reviewers),
            approvals=list(view.approvals),
            approvals_required=view.needs,
            policy_reasons=list(view.reasons),
            deployment_id=ipr.deployment_id,
            plan=PlanOut.of(view.plan, rendered=rendered),
            reviews=[
                ReviewOut(
                    revision=r.revision, reviewer=r.reviewer, verdict=r.verdict, comment=r.comment, at=r.at.isoformat()
                )
                for r in view.reviews
            ],
            created_at=ipr.created_at.isoformat(),
            updated_at=ipr.updated_at.isoformat(),
        )

    def contract(self) -> dict[str, object]:
        return self.model_dump(mode="json", exclude_unset=True)


class IprSummaryOut(BaseModel):
    """One line of ``alma ipr list --json``."""

    model_config = DEFERRED

    id: int
    stack: str
    title: str
    author: str
    status: str
    revision: int
    updated_at: str

    @classmethod
    def of(cls, ipr: IprRecord) -> IprSummaryOut:
        return cls(
            id=ipr.id,
            stack=ipr.stack,
            title=ipr.title,
            author=ipr.author,
            status=ipr.status,
            revision=ipr.revision,
            updated_at=ipr.updated_at.isoformat(),
        )
