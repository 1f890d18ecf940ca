"""``alma intent``: how ALMA reads a sentence (intent, resources, risk decision, persona). Changes nothing."""

from __future__ import annotations

from typing import Any

from alma.bootstrap import Services
from alma.cli.commands import run_with_services
from alma.cli.failures import reported
from alma.cli.output import print_json, stdout


def intent(text: str, session: str | None, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.conversation.interpret(text, session)

        result = run_with_services(body)
        if json_output:
            print_json(result.as_json())
            return
        reading, risk = result.reading, result.risk
        console = stdout()
        console.print(f"intent: [bold]{reading.name}[/bold]  (confidence {reading.confidence:.2f})")
        if reading.target:
            console.print(f"target: {reading.target}")
        for resource in reading.resources:
            specs = {k: v for k, v in resource.as_json().items() if v is not None}
            console.print("resource: " + ", ".join(f"{k}={v}" for k, v in specs.items()))
        destructive = "yes" if result.destructive else "no"
        console.print(f"risk: {risk.decision} (frustration {risk.frustration:.2f}, destructive: {destructive})")
        console.print(f"[dim]{result.persona}:[/dim] {result.reply}")
