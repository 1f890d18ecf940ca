"""Plans as every surface shows them: ``alma plan --json``, the plan routes, MCP's plan reports, IPRs.

Built on first use, as the record contracts are (see ``alma.contracts.records``): ``alma ipr list`` imports
these through the IPR contracts and uses none of them; the plans they show are named for type checkers only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from alma.contracts.records import DEFERRED, DiagnosticOut
from alma.jsonvalue import JsonObject, JsonValue

if TYPE_CHECKING:
    from alma.diagnostics import Diagnostic
    from alma.planning import Plan, PlannedAction


class FieldChangeOut(BaseModel):
    model_config = DEFERRED

    path: str
    before: JsonValue
    after: JsonValue
    forces_replace: bool


class ActionOut(BaseModel):
    model_config = DEFERRED

    resource: str
    type: str
    provider: str
    action: Literal["create", "update", "replace", "delete", "noop"]
    before: JsonObject | None = Field(description="Specs as observed when planning (null: absent).")
    after: JsonObject | None = Field(description="Desired, normalized specs (null: to be deleted).")
    changes: list[FieldChangeOut]
    dependencies: list[str]
    external_id: str | None
    reason: str

    @classmethod
    def of(cls, a: PlannedAction) -> ActionOut:
        return cls(
            resource=a.resource,
            type=a.type,
            provider=a.provider,
            action=a.action,
            before=a.before,
            after=a.after,
            changes=[FieldChangeOut(**c.as_json()) for c in a.changes],
            dependencies=list(a.dependencies),
            external_id=a.external_id,
            reason=a.reason,
        )


class PlanOut(BaseModel):
    """A stored, hashed plan (``alma plan --json``). ``operation`` is present for operation plans only,
    ``rendered`` (the plan as `alma plan` prints it) where a surface asks for it."""

    model_config = DEFERRED

    stack: str
    plan_id: str
    hash: str
    kind: Literal["apply", "destroy", "rollback", "import", "operation"]
    base_revision: int
    target_revision: int | None
    environment: str | None
    summary: dict[str, int]
    actions: list[ActionOut]
    operation: JsonObject | None = None
    rendered: str | None = None

    @classmethod
    def of(cls, plan: Plan, *, rendered: bool = False) -> PlanOut:
        return cls.model_validate(_fields(plan, rendered))

    def contract(self) -> dict[str, object]:
        """The JSON contract: fields that were not set (no operation, not rendered) are left out."""
        return self.model_dump(mode="json", exclude_unset=True)


class PlanProposalOut(PlanOut):
    """A plan as the API hands it out: with why the approval policy gates it, the blueprint's warnings,
    and (for a restart) what to plan once it ran."""

    model_config = DEFERRED

    approval_reasons: list[str] = Field(description="Why applying it needs an approved IPR (empty: it does not).")
    warnings: list[DiagnosticOut] = []
    then: str | None = None

    @classmethod
    def proposed(
        cls, plan: Plan, reasons: list[str], warnings: list[Diagnostic] | None = None, then: str | None = None
    ) -> PlanProposalOut:
        return cls.model_validate(
            {
                **_fields(plan, False),
                "approval_reasons": reasons,
                "warnings": [DiagnosticOut.of(w) for w in warnings or []],
                "then": then,
            }
        )


def _fields(plan: Plan, rendered: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "stack": plan.stack,
        "plan_id": plan.id,
        "hash": plan.hash,
        "kind": plan.kind,
        "base_revision": plan.base_revision,
        "target_revision": plan.target_revision,
        "environment": plan.environment,
        "summary": plan.summary(),
        "actions": [ActionOut.of(a) for a in plan.actions],
    }
    if plan.operation is not None:
        fields["operation"] = plan.operation
    if rendered:
        from alma.planning import render_plan

        fields["rendered"] = render_plan(plan)
    return fields
