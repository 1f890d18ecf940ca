"""Infrastructure Pull Requests: a plan waiting for review, approved by someone other than its author,
then applied exactly (hash checked) — with every step in the event log.

```
open ──approve (enough)──▶ approved ──apply──▶ applying ──▶ applied | failed
  │  ╲──request changes──▶ changes_requested ──revise──▶ open (new revision, approvals reset)
  │   ╲─reject──────────▶ rejected
  └── the stack changed under the plan ──▶ superseded ──revise──▶ open
any state before applying ──close──▶ closed
```
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from alma.errors import ConflictError, InvalidInputError, RefusedError, StalePlanError
from alma.planning import Plan
from alma.services.actor import actor
from alma.services.approvals import approval_reasons
from alma.services.deployments import DeploymentReport, DeploymentService
from alma.services.plans import PlanService
from alma.services.recording import ApplyProgress
from alma.settings import Settings
from alma.store import IprRecord, IprRevisionRecord, ReviewRecord, Store

Verdict = Literal["approve", "request_changes", "reject", "comment"]
REVIEWABLE = ("open", "changes_requested")
REVISABLE = ("open", "changes_requested", "superseded", "failed", "approved")
CLOSABLE = ("open", "approved", "changes_requested", "superseded", "rejected", "failed")
LIVE = ("open", "approved", "changes_requested")


@dataclass(frozen=True, slots=True)
class IprView:
    ipr: IprRecord
    current: IprRevisionRecord
    plan: Plan
    reviews: list[ReviewRecord]
    approvals: list[str]  # distinct approvers of the current revision
    needs: int  # approvals required
    reasons: list[str]  # why the policy wants approval (may be empty: an IPR can be opened anyway)


class IprService:
    def __init__(self, settings: Settings, store: Store, plans: PlanService, deployments: DeploymentService) -> None:
        self._settings = settings
        self._store = store
        self._plans = plans
        self._deployments = deployments

    @property
    def _user(self) -> str:
        return actor(self._settings)

    async def create(
        self, plan: Plan, title: str | None = None, description: str = "", reviewers: list[str] | None = None
    ) -> IprView:
        if not plan.has_changes:
            raise InvalidInputError(
                f"plan {plan.id} changes nothing on stack '{plan.stack}': there is nothing to review"
            )
        title = title or _default_title(plan)
        ipr_id = await self._store.iprs.create(
            plan.stack,
            title,
            description,
            self._user,
            sorted(set(reviewers or [])),
            plan.id,
            plan.hash,
            plan.base_revision,
        )
        self._event(plan.stack, ipr_id, "created", f"IPR #{ipr_id} opened: {title}", revision=1, plan=plan)
        await self._store.buffer.flush()
        return await self.show(ipr_id)

    async def find(self, status: str | None = None, stack: str | None = None) -> list[IprRecord]:
        for ipr in await self._store.iprs.find(stack=stack):
            if ipr.status in LIVE:
                await self._supersede_if_stale(ipr)
        return await self._store.iprs.find(status=status, stack=stack)

    async def show(self, ipr_id: int) -> IprView:
        ipr = await self._get(ipr_id)
        if ipr.status in LIVE and await self._supersede_if_stale(ipr):
            ipr = await self._get(ipr_id)
        current = await self._store.iprs.revision(ipr_id, ipr.revision)
        if current is None:
            raise InvalidInputError(f"IPR #{ipr_id} has no revision {ipr.revision}")
        plan = await self._plans.get(current.plan_id)
        reviews = await self._store.iprs.reviews(ipr_id)
        approvals = sorted({r.reviewer for r in reviews if r.revision == ipr.revision and r.verdict == "approve"})
        return IprView(
            ipr,
            current,
            plan,
            reviews,
            approvals,
            self._settings.approvals_required,
            approval_reasons(plan, self._settings),
        )

    async def review(self, ipr_id: int, verdict: Verdict, comment: str = "") -> IprView:
        view = await self.show(ipr_id)
        ipr = view.ipr
        if ipr.status == "superseded":
            raise ConflictError(
                f"IPR #{ipr_id} is superseded: stack '{ipr.stack}' changed since its plan was made; "
                f"`alma ipr revise {ipr_id}` makes a new revision to review"
            )
        if ipr.status not in REVIEWABLE and verdict != "comment":
            raise ConflictError(f"IPR #{ipr_id} is {ipr.status}; only open requests can be reviewed")
        authors = {ipr.author, view.current.created_by}  # whoever made the plan under review
        if verdict == "approve" and self._user in authors and not self._settings.allow_self_approval:
            raise RefusedError(f"{self._user} opened or revised IPR #{ipr_id} and cannot approve it; someone else must")
        if verdict == "comment" and not comment:
            raise InvalidInputError("a comment needs text: --comment '...'")
        await self._store.iprs.add_review(ipr_id, ipr.revision, self._user, verdict, comment)
        self._event(
            ipr.stack,
            ipr_id,
            f"review.{verdict}",
            f"{self._user}: {verdict.replace('_', ' ')}" + (f" — {comment}" if comment else ""),
            revision=ipr.revision,
            plan=view.plan,
            comment=comment,
        )
        target = {"request_changes": "changes_requested", "reject": "rejected"}.get(verdict)
        if verdict == "approve":
            approvers = {*view.approvals, self._user}
            if len(approvers) >= self._settings.approvals_required:
                target = "approved"
        if target is not None and await self._store.iprs.set_status(ipr_id, target, REVIEWABLE):
            self._event(
                ipr.stack,
                ipr_id,
                target,
                f"IPR #{ipr_id} is {target.replace('_', ' ')}",
                revision=ipr.revision,
                plan=view.plan,
            )
        await self._store.buffer.flush()
        return await self.show(ipr_id)

    async def revise(self, ipr_id: int, text: str | None = None, filename: str = "<blueprint>") -> IprView:
        """A new plan for the same request (a changed blueprint, or the same intent re-planned)."""
        view = await self.show(ipr_id)
        ipr, old = view.ipr, view.plan
        if ipr.status not in REVISABLE:
            raise ConflictError(f"IPR #{ipr_id} is {ipr.status} and cannot be revised")
        plan = await self._replan(old, text, filename)
        if not plan.has_changes:
            raise InvalidInputError(f"the new plan changes nothing on stack '{plan.stack}': there is nothing to review")
        if plan.stack != ipr.stack:
            raise InvalidInputError(f"IPR #{ipr_id} is for stack '{ipr.stack}', the new plan is for '{plan.stack}'")
        if not await self._store.iprs.add_revision(
            ipr_id, ipr.revision, plan.id, plan.hash, plan.base_revision, self._user, REVISABLE
        ):
            raise ConflictError(f"IPR #{ipr_id} changed while it was being revised; look again with `alma ipr show`")
        self._event(
            ipr.stack,
            ipr_id,
            "revised",
            f"IPR #{ipr_id} revision {ipr.revision + 1}: plan {plan.id}",
            revision=ipr.revision + 1,
            plan=plan,
        )
        await self._store.buffer.flush()
        return await self.show(ipr_id)

    async def apply(
        self, ipr_id: int, *, parallelism: int | None = None, progress: ApplyProgress | None = None
    ) -> DeploymentReport:
        """Apply the approved plan directly (the workflow does the same through its graph)."""
        view = await self.begin_apply(ipr_id)
        plan = view.plan
        try:
            report = await self._deployments.apply(plan.id, parallelism=parallelism, progress=progress)
        except StalePlanError:
            await self.finish_apply(ipr_id, "superseded", None, None)
            raise
        except BaseException:
            await self.settle_interrupted(ipr_id, plan)
            raise
        final = "applied" if report.status == "succeeded" else "failed"
        await self.finish_apply(ipr_id, final, report.deployment_id, report.revision)
        return report

    async def settle_interrupted(self, ipr_id: int, plan: Plan) -> None:
        """Refused before anything ran (locked, say): still approved. Interrupted mid-way: failed."""
        ran = await self._store.stacks.revision(plan.stack) != plan.base_revision
        await self.finish_apply(ipr_id, "failed" if ran else "approved", None, None)

    async def begin_apply(self, ipr_id: int) -> IprView:
        """approved → applying, with the plan's hash checked; the workflow then executes the plan."""
        view = await self.show(ipr_id)
        ipr, plan = view.ipr, view.plan
        if ipr.status == "superseded":
            raise StalePlanError(
                f"IPR #{ipr_id} is superseded: stack '{ipr.stack}' changed since its plan was made; "
                f"`alma ipr revise {ipr_id}` makes a new revision to review"
            )
        if ipr.status != "approved":
            raise RefusedError(
                f"IPR #{ipr_id} is {ipr.status.replace('_', ' ')}; it can be applied once approved "
                f"({len(view.approvals)}/{view.needs} approvals)"
            )
        if plan.hash != view.current.plan_hash:
            raise RefusedError(f"plan {plan.id} no longer matches the hash IPR #{ipr_id} was approved with; refused")
        if not await self._store.iprs.set_status(ipr_id, "applying", ("approved",)):
            raise ConflictError(f"IPR #{ipr_id} is already being applied")
        self._event(
            ipr.stack, ipr_id, "applying", f"IPR #{ipr_id} applying plan {plan.id}", revision=ipr.revision, plan=plan
        )
        await self._store.buffer.flush()
        return await self.show(ipr_id)

    async def finish_apply(self, ipr_id: int, status: str, deployment_id: str | None, revision: int | None) -> None:
        """applying → applied | failed (or back to approved when nothing ran, superseded when stale)."""
        ipr = await self._get(ipr_id)
        if not await self._store.iprs.set_status(ipr_id, status, ("applying",), deployment_id=deployment_id):
            return
        message = {
            "applied": f"IPR #{ipr_id} applied as revision {revision}",
            "failed": f"IPR #{ipr_id} failed" + (f" as revision {revision}" if revision else ""),
            "superseded": f"IPR #{ipr_id} superseded: its plan became stale",
            "approved": f"IPR #{ipr_id} not applied; still approved",
        }.get(status, f"IPR #{ipr_id} {status}")
        current = await self._store.iprs.revision(ipr_id, ipr.revision)
        plan = await self._plans.get(current.plan_id) if current is not None else None
        self._event(ipr.stack, ipr_id, status, message, revision=ipr.revision, plan=plan, deployment_id=deployment_id)
        await self._store.buffer.flush()

    async def close(self, ipr_id: int, comment: str = "") -> IprView:
        ipr = await self._get(ipr_id)
        if not await self._store.iprs.set_status(ipr_id, "closed", CLOSABLE):
            raise ConflictError(f"IPR #{ipr_id} is {ipr.status} and cannot be closed")
        self._event(
            ipr.stack,
            ipr_id,
            "closed",
            f"IPR #{ipr_id} closed by {self._user}" + (f": {comment}" if comment else ""),
            revision=ipr.revision,
        )
        await self._store.buffer.flush()
        return await self.show(ipr_id)

    async def _get(self, ipr_id: int) -> IprRecord:
        ipr = await self._store.iprs.get(ipr_id)
        if ipr is None:
            raise InvalidInputError(f"no IPR #{ipr_id}; `alma ipr list` shows them")
        return ipr

    async def _supersede_if_stale(self, ipr: IprRecord) -> bool:
        current = await self._store.iprs.revision(ipr.id, ipr.revision)
        if current is None or await self._store.stacks.revision(ipr.stack) == current.base_revision:
            return False
        if await self._store.iprs.set_status(ipr.id, "superseded", LIVE):
            self._event(
                ipr.stack,
                ipr.id,
                "superseded",
                f"IPR #{ipr.id} superseded: stack '{ipr.stack}' changed since revision {current.base_revision}",
                revision=ipr.revision,
            )
            await self._store.buffer.flush()
            return True
        return False

    async def _replan(self, old: Plan, text: str | None, filename: str) -> Plan:
        if text is not None:
            return (await self._plans.plan_blueprint(text, filename)).plan
        return await self._plans.replan(old)

    def _event(
        self,
        stack: str,
        ipr_id: int,
        what: str,
        message: str,
        *,
        revision: int,
        plan: Plan | None = None,
        comment: str = "",
        deployment_id: str | None = None,
    ) -> None:
        data: dict[str, object] = {"ipr": ipr_id, "revision": revision}
        if plan is not None:
            data.update(plan_id=plan.id, hash=plan.hash)
        if comment:
            data["comment"] = comment
        self._store.events.append(
            stack, f"ipr.{what}", message, actor=self._user, deployment_id=deployment_id, data=data
        )


def _default_title(plan: Plan) -> str:
    summary = plan.summary()
    parts = [
        f"{summary[k]} to {v}"
        for k, v in (("create", "add"), ("update", "change"), ("replace", "replace"), ("delete", "destroy"))
        if summary[k]
    ]
    return f"{plan.kind} {plan.stack}: " + ", ".join(parts)
