"""``alma state``, ``history``, ``events``, ``engines`` and ``force-unlock``: what is recorded, read and shown.

These are the commands people run most; they import only what reading needs (no planner, no executor, and
no Rich: tables and lines are written by ``tables``; the JSON contracts only for ``--json``).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from alma.bootstrap import Services
from alma.cli.commands import run_reading, run_with_services
from alma.cli.failures import reported
from alma.cli.output import print_json, specs_brief, stdout
from alma.cli.tables import ANSI, colours, write_table
from alma.diagnostics import did_you_mean
from alma.errors import NotFoundError
from alma.services.holders import holder_of


def state_list(stack: str | None, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.stacks.resources(stack)

        resources = run_reading(body)
        if json_output:
            from alma.contracts.records import ResourceOut  # the response models: only for --json

            print_json([ResourceOut.of(r).model_dump(mode="json") for r in resources])
            return
        if not resources:
            print("No resources recorded." + ("" if stack else " Deploy a blueprint with `alma deploy FILE`."))
            return
        rows = [
            [r.stack, r.name, r.type, r.provider, r.status, specs_brief(r.specs), ", ".join(r.dependencies)]
            for r in resources
        ]
        write_table(["STACK", "NAME", "TYPE", "PROVIDER", "STATUS", "SPECS", "DEPENDS ON"], rows)


def state_show(target: str, resource: str | None, json_output: bool) -> None:
    """``STACK RESOURCE``, ``STACK/RESOURCE`` or a resource named alone: that resource; a stack named alone:
    its resources, as ``state list STACK`` shows them (people type ``alma state show web-stack``)."""
    if resource is None and "/" in target:
        target, _, resource = target.partition("/")
    with reported(json_output):

        async def body(services: Services) -> Any:
            if resource is not None:
                return await services.stacks.resource(target, resource)
            every = await services.stacks.resources()
            if any(r.stack == target for r in every):
                return None  # a stack: listed below
            holder = holder_of(target, every, "alma state show {stack} {name}")
            if holder is None:
                known = sorted({r.stack for r in every} | {r.name for r in every})
                raise NotFoundError(f"no stack or resource named '{target}'{did_you_mean(target, known)}")
            return await services.stacks.resource(holder, target)

        record = run_reading(body)
        if record is None:
            state_list(target, json_output)
            return
        from alma.contracts.records import ResourceOut

        data = ResourceOut.of(record).model_dump(mode="json")
        if json_output:
            print_json(data)
            return
        bold = f"\x1b[{ANSI['bold']}m{{}}\x1b[0m" if colours(sys.stdout) else "{}"
        for key, value in data.items():
            shown = json.dumps(value) if isinstance(value, dict | list) else str(value)
            print(f"{bold.format(f'{key:>13}')}  {shown}")


def history(stack: str, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.stacks.history(stack)

        deployments = run_reading(body)
        if json_output:
            from alma.contracts.records import DeploymentOut

            print_json([DeploymentOut.of(d).model_dump(mode="json") for d in deployments])
            return
        # The table is made from the records as ``DeploymentOut`` shows them, without building its validator
        # (and pydantic's scan of the installed packages for plugins that the first validator makes).
        rows = [
            [
                str(d.revision),
                d.id[:8],  # enough for `alma resume` and `alma events --deployment`
                d.status,
                d.kind,
                d.actor,
                d.started_at.isoformat()[:19],
                _summary_brief({k: int(v) for k, v in d.summary.items()}),
                d.error or "",
            ]
            for d in deployments
        ]
        write_table(["REV", "ID", "STATUS", "KIND", "BY", "STARTED (UTC)", "CHANGES", "ERROR"], rows)


def _summary_brief(summary: Any) -> str:
    keys = (("create", "+"), ("update", "~"), ("replace", "-/+"), ("delete", "-"), ("failed", "failed "))
    return " ".join(f"{sign}{summary.get(k, 0)}" for k, sign in keys if summary.get(k))


def events(stack: str, deployment: str | None, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            chosen = await services.stacks.deployment_in(stack, deployment) if deployment is not None else None
            return await services.stacks.events(stack, chosen)

        # A deployment is looked for among the runs too, through the repositories (and an event loop).
        found = run_with_services(body) if deployment is not None else run_reading(body)
        if json_output:
            from alma.contracts.records import EventOut

            print_json([EventOut.of(e).model_dump(mode="json") for e in found])
            return
        rows = [[str(e.id), e.at.isoformat()[:23], e.actor, e.kind, e.message] for e in found]
        write_table(["ID", "AT (UTC)", "BY", "EVENT", "MESSAGE"], rows)


def engines(json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.engines.statuses()

        statuses = run_with_services(body)
        if json_output:
            from alma.contracts.records import EngineOut

            print_json([EngineOut.of(e).model_dump(mode="json") for e in statuses])
            return
        rows = [[e.name, ("ok", "green") if e.ok else ("unavailable", "red"), e.detail] for e in statuses]
        write_table(["ENGINE", "HEALTH", "DETAIL"], rows)


def force_unlock(stack: str, force: bool, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.stacks.force_unlock(stack, force=force)

        released = run_with_services(body)
        if json_output:
            print_json(
                {
                    "stack": stack,
                    "released": released is not None,
                    "holder": released.holder if released else None,
                    "reason": released.reason if released else None,
                }
            )
        elif released is None:
            stdout().print(f"Stack '{stack}' was not locked.")
        else:
            stdout().print(f"Removed the lock on '{stack}' held by {released.holder} ({released.reason}).")
