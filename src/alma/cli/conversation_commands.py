"""``alma intent``: how ALMA reads a sentence (intent, resources, risk decision, persona). Changes nothing."""

from __future__ import annotations

import sys
from typing import Any

from alma.bootstrap import Services
from alma.cli.commands import run_with_services
from alma.cli.failures import reported
from alma.cli.output import print_json
from alma.cli.tables import ANSI, colours
from alma.text_safety import visible


def intent(text: str, session: str | None, json_output: bool) -> None:
    with reported(json_output):

        async def body(services: Services) -> Any:
            return await services.conversation.interpret(text, session)

        result = run_with_services(body)
        if json_output:
            print_json(result.as_json())
            return
        reading, risk = result.reading, result.risk
        # Plain writes (Rich's import alone is a tenth of this command); bold and dim only on a terminal.
        styled = colours(sys.stdout)

        def style(text: str, name: str) -> str:
            return f"\x1b[{ANSI[name]}m{text}\x1b[0m" if styled else text

        lines = [f"intent: {style(reading.name, 'bold')}  (confidence {reading.confidence:.2f})"]
        if reading.target:
            lines.append(f"target: {reading.target}")
        for resource in reading.resources:
            specs = {k: v for k, v in resource.as_json().items() if v is not None}
            lines.append("resource: " + ", ".join(f"{k}={v}" for k, v in specs.items()))
        destructive = "yes" if result.destructive else "no"
        lines.append(f"risk: {risk.decision} (frustration {risk.frustration:.2f}, destructive: {destructive})")
        lines.append(f"{style(result.persona + ':', 'dim')} {result.reply}")
        sys.stdout.write("".join(visible(line) + "\n" for line in lines))
