"""The JSON shapes of ALMA's records, shared by every surface (CLI ``--json``, HTTP API): one contract."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alma.store import DeploymentRecord, EventRecord, ResourceRecord

if TYPE_CHECKING:
    from alma.services.iprs import IprView  # an annotation only: reading state needs no IPR rules


def resource_json(r: ResourceRecord) -> dict[str, Any]:
    return {
        "stack": r.stack,
        "name": r.name,
        "type": r.type,
        "provider": r.provider,
        "status": r.status,
        "specs": r.specs,
        "dependencies": r.dependencies,
        "external_id": r.external_id,
        "revision": r.revision,
        "updated_at": r.updated_at.isoformat(),
    }


def deployment_json(d: DeploymentRecord) -> dict[str, Any]:
    return {
        "revision": d.revision,
        "status": d.status,
        "kind": d.kind,
        "deployment_id": d.id,
        "stack": d.stack,
        "plan_id": d.plan_id,
        "actor": d.actor,
        "started_at": d.started_at.isoformat(),
        "finished_at": d.finished_at.isoformat() if d.finished_at else None,
        "summary": d.summary,
        "error": d.error,
    }


def event_json(e: EventRecord) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "kind": e.kind,
        "resource": e.resource,
        "actor": e.actor,
        "deployment_id": e.deployment_id,
        "message": e.message,
        "data": e.data,
    }


def ipr_json(view: IprView) -> dict[str, Any]:
    ipr = view.ipr
    return {
        "id": ipr.id,
        "stack": ipr.stack,
        "title": ipr.title,
        "description": ipr.description,
        "author": ipr.author,
        "status": ipr.status,
        "revision": ipr.revision,
        "reviewers": ipr.reviewers,
        "approvals": view.approvals,
        "approvals_required": view.needs,
        "policy_reasons": view.reasons,
        "deployment_id": ipr.deployment_id,
        "plan": view.plan.as_json(),
        "reviews": [
            {
                "revision": r.revision,
                "reviewer": r.reviewer,
                "verdict": r.verdict,
                "comment": r.comment,
                "at": r.at.isoformat(),
            }
            for r in view.reviews
        ],
        "created_at": ipr.created_at.isoformat(),
        "updated_at": ipr.updated_at.isoformat(),
    }
