"""Infrastructure Pull Requests: a plan waiting for review, approved by someone other than its author,
then applied exactly (hash checked) — with every step in the event log.

```
open ──approve (enough)──▶ approved ──apply──▶ applying ──▶ applied | failed
  │  ╲──request changes──▶ changes_requested ──revise──▶ open (new revision, approvals reset)
  │   ╲─reject──────────▶ rejected
  └── the stack changed under the plan ──▶ superseded ──revise──▶ open
any state before applying ──close──▶ closed      applying, its run's process dead ──close──▶ closed
```
A run claims an approved IPR (``applying``, with the run's id) under the stack's lock and settles it when
it ends; the same run may claim it again when it resumes after a crash, nobody else may.

It is long because it is the whole state machine above in one place: every transition checks who may make
it and from which state, and splitting the transitions would split those checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from alma.diagnostics import did_you_mean
from alma.errors import (
    AlreadyAppliedError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    RefusedError,
    StalePlanError,
)
from alma.planning import Plan
from alma.services.actor import acting_role, actor
from alma.services.approvals import Clearance, approval_reasons
from alma.services.locking import holder_state, run_of
from alma.settings import Settings
from alma.store import IprRecord, IprRevisionRecord, ReviewRecord, RunClaim, Store, utcnow
from alma.text_safety import unsafe_text_problem

if TYPE_CHECKING:
    from alma.services.deployments import DeploymentService
    from alma.services.plans import PlanService

Verdict = Literal["approve", "request_changes", "reject", "comment"]
REVIEWABLE = ("open", "changes_requested")
REVISABLE = ("open", "changes_requested", "superseded", "failed", "approved")
CLOSABLE = ("open", "approved", "changes_requested", "superseded", "rejected", "failed")
LIVE = ("open", "approved", "changes_requested")
STATUSES = (*LIVE, "rejected", "superseded", "applying", "applied", "failed", "closed")


def same_person(a: str, b: str) -> bool:
    """Whether two user names name one person: people write 'Alice' for 'alice', and a reviewer named in
    another case must neither be locked out of approving nor let an author approve their own request."""
    return a.casefold() == b.casefold()


def status_of(status: str) -> str:
    """An IPR status as people write it (``Closed``, ``changes-requested``), or an error listing them: a
    filter that matches nothing because of a typo would read as "there are none"."""
    word = status.strip().lower().replace("-", "_").replace(" ", "_")
    if word not in STATUSES:
        raise InvalidInputError(f"unknown IPR status '{status}'{did_you_mean(word, STATUSES)}")
    return word


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
    def __init__(
        self,
        settings: Settings,
        store: Store,
        plans: Callable[[], PlanService],
        deployments: Callable[[], DeploymentService],
    ) -> None:
        """``plans`` and ``deployments`` are asked for when first needed: listing IPRs needs neither (and
        ``alma ipr list`` starts faster without the planner and the executor)."""
        self._settings = settings
        self._store = store
        self._plans_of = plans
        self._deployments_of = deployments

    @property
    def _plans(self) -> PlanService:
        return self._plans_of()

    @property
    def _deployments(self) -> DeploymentService:
        return self._deployments_of()

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
        _require_safe_text(("title", title or "", False), ("description", description, True))
        if title is not None and len(title) > _MOST_IN_A_NAME:
            raise InvalidInputError(
                f"the title is {len(title):,} characters; at most {_MOST_IN_A_NAME}: put the rest in the description"
            )
        title = title or _default_title(plan)
        named = self._reviewers(reviewers or [])
        ipr_id = await self._store.iprs.create(
            plan.stack,
            title,
            description,
            self._user,
            named,
            plan.id,
            plan.hash,
            plan.base_revision,
        )
        self._event(plan.stack, ipr_id, "created", f"IPR #{ipr_id} opened: {title}", revision=1, plan=plan)
        await self._store.buffer.flush()
        return await self.show(ipr_id)

    async def find(self, status: str | None = None, stack: str | None = None) -> list[IprRecord]:
        status = status_of(status) if status is not None else None
        for ipr in await self._store.reads.iprs(stack=stack):
            if ipr.status in LIVE:
                await self._supersede_if_stale(ipr)
        return await self._store.reads.iprs(status=status, stack=stack)

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

    async def review(
        self,
        ipr_id: int,
        verdict: Verdict,
        comment: str = "",
        *,
        revision: int | None = None,
        plan_hash: str | None = None,
    ) -> IprView:
        """Record a review of the IPR's current revision. ``revision`` / ``plan_hash`` say which one the reviewer
        saw: refused (nothing recorded) when the IPR has been revised since, so an approval never lands on a plan
        its reviewer did not see. A revision made while the review is recorded leaves it counting for the
        revision it was made for only (refused as well, saying so)."""
        _require_safe_text(("comment", comment, True))
        view = await self.show(ipr_id)
        ipr = view.ipr
        stale = (revision is not None and revision != ipr.revision) or (
            plan_hash is not None and plan_hash.strip().lower() != view.current.plan_hash
        )
        if stale:
            seen = f"revision {revision}" if revision is not None else f"the plan with hash {plan_hash}"
            raise ConflictError(
                f"IPR #{ipr_id} is at revision {ipr.revision} now (plan {view.plan.id}, hash "
                f"{view.current.plan_hash[:16]}…); you reviewed {seen}; nothing was recorded: look at it again "
                f"(`alma ipr show {ipr_id}`) and review revision {ipr.revision}"
            )
        if ipr.status == "superseded":
            raise ConflictError(
                f"IPR #{ipr_id} is superseded: stack '{ipr.stack}' changed since its plan was made; "
                f"`alma ipr revise {ipr_id}` makes a new revision to review"
            )
        if ipr.status not in REVIEWABLE and verdict != "comment":
            raise ConflictError(f"IPR #{ipr_id} is {ipr.status}; only open requests can be reviewed")
        authors = {ipr.author, view.current.created_by}  # whoever made the plan under review
        own = any(same_person(self._user, author) for author in authors)
        if verdict == "approve" and own and not self._settings.allow_self_approval:
            raise RefusedError(f"{self._user} opened or revised IPR #{ipr_id} and cannot approve it; someone else must")
        if verdict == "approve":
            self._require_named_reviewer(ipr)
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
            # Counted again after this review is stored: two approvals at once each read the other's as
            # missing from ``view`` and the request stayed open with enough approvals; the later one sees both.
            reviews = await self._store.iprs.reviews(ipr_id)
            current = [r for r in reviews if r.revision == ipr.revision and r.verdict == "approve"]
            approvers = {r.reviewer.casefold() for r in current}
            if len(approvers) >= self._settings.approvals_required:
                target = "approved"
        # Only while the IPR is still at the reviewed revision: approvals of revision 1, counted just now, must
        # not approve a revision 2 made in the meantime (nor a request for changes hold it back).
        moved = target is not None and await self._store.iprs.set_status(
            ipr_id, target, REVIEWABLE, at_revision=ipr.revision
        )
        if moved and target is not None:
            self._event(
                ipr.stack,
                ipr_id,
                target,
                f"IPR #{ipr_id} is {target.replace('_', ' ')}",
                revision=ipr.revision,
                plan=view.plan,
            )
        await self._store.buffer.flush()
        now = await self.show(ipr_id)
        if target is not None and not moved and now.ipr.revision != ipr.revision:
            raise ConflictError(
                f"IPR #{ipr_id} was revised to revision {now.ipr.revision} while your {verdict.replace('_', ' ')} "
                f"of revision {ipr.revision} was recorded: it counts for revision {ipr.revision} only; look at "
                f"the new revision (`alma ipr show {ipr_id}`) and review it"
            )
        return now

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

    def require_applicable(self, view: IprView, when_approved: bool = False) -> None:
        """Refuse, with the right advice, to run an IPR that cannot be applied now. Open requests may be
        waited for (``when_approved``): the run then waits for the approval and claims it."""
        ipr = view.ipr
        status = ipr.status
        if status == "approved" or (when_approved and status in REVIEWABLE):
            return
        if status == "superseded":
            raise StalePlanError(
                f"IPR #{ipr.id} is superseded: stack '{ipr.stack}' changed since its plan was made; "
                f"`alma ipr revise {ipr.id}` makes a new revision to review"
            )
        if status == "applied":
            raise AlreadyAppliedError(
                f"IPR #{ipr.id} is applied already (deployment {ipr.deployment_id}); "
                "a further change needs a new plan and a new IPR"
            )
        if status == "applying":
            raise ConflictError(
                f"IPR #{ipr.id} is being applied by run {ipr.deployment_id}; if that process died, "
                f"`alma resume {ipr.deployment_id}` continues it, or `alma ipr close {ipr.id}` abandons it"
            )
        if status in REVIEWABLE:
            raise RefusedError(
                f"IPR #{ipr.id} is {status.replace('_', ' ')} ({len(view.approvals)}/{view.needs} approvals): "
                f"it can be applied once someone other than {ipr.author} approves it "
                f"(`alma ipr review {ipr.id} --approve`), or queued now with `alma ipr apply {ipr.id} --when-approved`"
            )
        if status == "failed":
            raise RefusedError(
                f"IPR #{ipr.id} failed when it was applied (deployment {ipr.deployment_id}); "
                f"`alma ipr revise {ipr.id}` plans it again for review"
            )
        raise RefusedError(f"IPR #{ipr.id} is {status}; nothing can be applied from it")

    async def claim(self, ipr_id: int, run_id: str, view: IprView | None = None) -> Clearance:
        """approved → applying by ``run_id`` (the plan's hash checked), the clearance for that run. The run
        that claimed it may claim it again (it is resuming after its process died); nobody else may."""
        view = view or await self.show(ipr_id)
        ipr, plan = view.ipr, view.plan
        if ipr.status == "applying" and ipr.deployment_id == run_id:
            return Clearance(plan.id, "ipr", ipr_id, note=f"IPR #{ipr_id}")
        self.require_applicable(view)
        if plan.hash != view.current.plan_hash:
            raise RefusedError(f"plan {plan.id} no longer matches the hash IPR #{ipr_id} was approved with; refused")
        if not await self._store.iprs.set_status(
            ipr_id, "applying", ("approved",), deployment_id=run_id, at_revision=ipr.revision
        ):
            raise ConflictError(f"IPR #{ipr_id} changed while it was being claimed; look again with `alma ipr show`")
        self._event(
            ipr.stack,
            ipr_id,
            "applying",
            f"IPR #{ipr_id} applying plan {plan.id} (run {run_id})",
            revision=ipr.revision,
            plan=plan,
            deployment_id=run_id,
        )
        await self._store.buffer.flush()
        return Clearance(plan.id, "ipr", ipr_id, note=f"IPR #{ipr_id}")

    async def claim_run(self, ipr_id: int, run_id: str, *, over: str | None = None) -> RunClaim | None:
        """Make ``run_id`` the one run of the IPR (it waits for the approval, then applies the plan). None when
        it is now; else the claim of the run that holds it. ``over`` names a run the caller found ended, which
        it may take the IPR over from. A revision drops the claim: the new plan needs a new run."""
        return await self._store.iprs.claim_run(ipr_id, run_id, over=over)

    async def release_run(self, ipr_id: int, run_id: str) -> None:
        """``run_id`` ended (or never started): another run may be made for the IPR."""
        await self._store.iprs.release_run(ipr_id, run_id)

    async def settle(
        self, ipr_id: int, run_id: str, status: str, deployment_id: str | None, revision: int | None
    ) -> None:
        """applying (by ``run_id``) → applied | failed | superseded, or back to approved when nothing ran."""
        ipr = await self._get(ipr_id)
        if ipr.deployment_id != run_id or not await self._store.iprs.set_status(
            ipr_id, status, ("applying",), deployment_id=deployment_id or run_id
        ):
            return  # settled already (a resumed run finishing twice), or closed meanwhile
        message = {
            "applied": f"IPR #{ipr_id} applied as revision {revision}",
            "failed": f"IPR #{ipr_id} failed" + (f" as revision {revision}" if revision else ""),
            "superseded": f"IPR #{ipr_id} superseded: the stack moved on before its run could finish",
            "approved": f"IPR #{ipr_id} not applied; still approved",
        }.get(status, f"IPR #{ipr_id} {status}")
        current = await self._store.iprs.revision(ipr_id, ipr.revision)
        plan = await self._plans.get(current.plan_id) if current is not None else None
        self._event(ipr.stack, ipr_id, status, message, revision=ipr.revision, plan=plan, deployment_id=deployment_id)
        await self._store.buffer.flush()

    async def close(self, ipr_id: int, comment: str = "") -> IprView:
        """Close an IPR. One that is ``applying`` can be closed only when its run is not alive (its
        process died): its run is then recorded as abandoned, so a later resume says so."""
        _require_safe_text(("comment", comment, True))
        ipr = await self._get(ipr_id)
        if not same_person(self._user, ipr.author) and acting_role(self._settings) != "admin":
            raise RefusedError(
                f"IPR #{ipr_id} was opened by {ipr.author}: only its author or an admin may close it; "
                f"reviewers reject it instead (`alma ipr review {ipr_id} --reject`)"
            )
        if ipr.status == "applying":
            await self._close_dead_run(ipr)
        elif not await self._store.iprs.set_status(ipr_id, "closed", CLOSABLE):
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

    def _reviewers(self, reviewers: list[str]) -> list[str]:
        """The named reviewers, each once whatever its case; the author is refused as one, since an author's
        approval never counts (unless ALMA_ALLOW_SELF_APPROVAL): nobody but an admin could approve it."""
        named: dict[str, str] = {}
        for reviewer in reviewers:
            name = reviewer.strip()
            if not name or not name.isprintable() or len(name) > _MOST_IN_A_NAME:
                raise InvalidInputError(
                    f"reviewer {reviewer[:64]!r}{'…' if len(reviewer) > 64 else ''} is not a user name; "
                    "name each reviewer once"
                )
            if same_person(name, self._user) and not self._settings.allow_self_approval:
                raise InvalidInputError(
                    f"{self._user} opens this IPR and cannot review it as well: name someone else with --reviewer"
                )
            named.setdefault(name.casefold(), name)
        return sorted(named.values())

    def _require_named_reviewer(self, ipr: IprRecord) -> None:
        """An IPR that names its reviewers is approved by them (or by an admin, recorded as such)."""
        named = any(same_person(self._user, reviewer) for reviewer in ipr.reviewers)
        if not ipr.reviewers or not self._settings.ipr_named_reviewers_only or named:
            return
        if acting_role(self._settings) == "admin":
            return
        raise RefusedError(
            f"IPR #{ipr.id} names its reviewers ({', '.join(ipr.reviewers)}): {self._user} is not one of them "
            "and may comment or request changes, but not approve it (ALMA_IPR_NAMED_REVIEWERS_ONLY)"
        )

    async def _close_dead_run(self, ipr: IprRecord) -> None:
        lock = await self._store.locks.get(ipr.stack)
        alive = (
            lock is not None
            and lock.expires_at > utcnow()
            and run_of(lock.reason) == ipr.deployment_id
            and holder_state(lock.holder) != "dead"
        )
        if alive:
            assert lock is not None
            raise ConflictError(
                f"IPR #{ipr.id} is being applied right now by {lock.holder} (run {ipr.deployment_id}); "
                "wait for it to finish"
            )
        if not await self._store.iprs.set_status(ipr.id, "closed", ("applying",)):
            raise ConflictError(f"IPR #{ipr.id} changed while it was being closed; look again with `alma ipr show`")
        why = f"IPR #{ipr.id} was closed by {self._user} after its run died"
        record = await self._store.deployments.get(ipr.deployment_id) if ipr.deployment_id else None
        if record is not None:
            await self._deployments.abandon(record, why)
        if ipr.deployment_id:
            await self._deployments.locks.release_dead_run(ipr.stack, ipr.deployment_id, why)

    async def _get(self, ipr_id: int) -> IprRecord:
        ipr = await self._store.iprs.get(ipr_id)
        if ipr is None:
            raise NotFoundError(f"no IPR #{ipr_id}; `alma ipr list` shows them")
        return ipr

    async def _supersede_if_stale(self, ipr: IprRecord) -> bool:
        current = await self._store.reads.ipr_revision(ipr.id, ipr.revision)
        if current is None:
            return False
        now = await self._store.reads.revision(ipr.stack)
        if now == current.base_revision:
            return False
        if await self._store.iprs.set_status(ipr.id, "superseded", LIVE):
            # Attributed to the change that moved the stack on, not to whoever looked next.
            moved = await self._store.deployments.at_revision(ipr.stack, current.base_revision + 1)
            by = (
                f" by revision {moved.revision} ({moved.kind} by {moved.actor}, deployment {moved.id})" if moved else ""
            )
            self._event(
                ipr.stack,
                ipr.id,
                "superseded",
                f"IPR #{ipr.id} superseded{by}: stack '{ipr.stack}' is at revision {now}, "
                f"its plan was made at revision {current.base_revision}",
                revision=ipr.revision,
                actor=moved.actor if moved is not None else None,
                deployment_id=moved.id if moved is not None else None,
                superseded_by=moved.revision if moved is not None else now,
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
        actor: str | None = None,
        superseded_by: int | None = None,
    ) -> None:
        data: dict[str, object] = {"ipr": ipr_id, "revision": revision}
        if plan is not None:
            data.update(plan_id=plan.id, hash=plan.hash)
        if comment:
            data["comment"] = comment
        if superseded_by is not None:
            data["superseded_by_revision"] = superseded_by
        self._store.events.append(
            stack, f"ipr.{what}", message, actor=actor or self._user, deployment_id=deployment_id, data=data
        )


# Titles and user names are stored in 255-character columns (PostgreSQL refuses longer: it was a 500).
_MOST_IN_A_NAME = 255


def _require_safe_text(*fields: tuple[str, str, bool]) -> None:
    """Refuse (nothing recorded) a title, description or comment holding terminal controls or direction
    overrides: reviewers read them, often in a terminal (see ``alma.text_safety``)."""
    for field, text, multiline in fields:
        problem = unsafe_text_problem(field, text, multiline=multiline)
        if problem is not None:
            raise InvalidInputError(problem)


def _default_title(plan: Plan) -> str:
    summary = plan.summary()
    parts = [
        f"{summary[k]} to {v}"
        for k, v in (("create", "add"), ("update", "change"), ("replace", "replace"), ("delete", "destroy"))
        if summary[k]
    ]
    return f"{plan.kind} {plan.stack}: " + ", ".join(parts)
