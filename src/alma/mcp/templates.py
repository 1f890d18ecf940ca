"""Blueprint templates an agent can start from: the example blueprints this installation has.

What is known, and said: ALMA ships example blueprints (``alma.bundled``: in the package, so a wheel has
them too; ``ALMA_HOME/templates/*.yaml`` for an operator's own), each validated here against the installed
engines. What is not: the engines' own templates (Proxmox container templates and template VMs, Docker
images, Kubernetes images) are not listed, because no service reads them yet; the notes say so instead of pretending.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from alma.bootstrap import Services
from alma.bundled import examples_dir
from alma.errors import AlmaError, BlueprintInvalidError
from alma.mcp.schemas import TemplateList, TemplateOut

NOTES = [
    "Templates are example blueprints found in this installation; each is validated against the engines here.",
    "Engine-side templates (Proxmox container templates and template VMs, Docker or Kubernetes images) are not "
    "listed: no ALMA service reads them yet. A Proxmox plan's preflight reports a missing container template, "
    "and the workflow downloads it when it can.",
]


def template_dirs(services: Services) -> list[Path]:
    return [services.settings.home / "templates", examples_dir()]


def _description(text: str, data: object) -> str:
    if isinstance(data, dict) and isinstance(data.get("description"), str):
        return str(data["description"])
    comments = [line.lstrip("# ").rstrip() for line in text.splitlines() if line.startswith("#")]
    return " ".join(comments[:2])


def _template(services: Services, path: Path) -> TemplateOut:
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None
    resources = data.get("resources") if isinstance(data, dict) else None
    items = [r for r in resources if isinstance(r, dict)] if isinstance(resources, list) else []
    problems: list[str] = []
    try:
        services.blueprints.load(text, str(path))
    except BlueprintInvalidError as error:
        problems = [d.render() for d in error.diagnostics if d.severity == "error"]
    except AlmaError as error:
        problems = [str(error)]
    return TemplateOut(
        name=path.stem,
        source=str(path),
        stack=str(data["name"]) if isinstance(data, dict) and "name" in data else None,
        description=_description(text, data),
        providers=sorted({str(r.get("provider")) for r in items if r.get("provider")}),
        resources=len(items),
        valid=not problems,
        problems=problems,
        blueprint=text,
    )


def list_templates(services: Services) -> TemplateList:
    found: list[TemplateOut] = []
    seen: set[str] = set()
    for directory in template_dirs(services):
        if not directory.is_dir():
            continue
        for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml"), *directory.glob("*.json")]):
            if path.stem in seen:
                continue  # the operator's own template of that name wins
            seen.add(path.stem)
            found.append(_template(services, path))
    notes = list(NOTES)
    if not found:
        notes.insert(0, "No template was found in: " + ", ".join(str(d) for d in template_dirs(services)))
    return TemplateList(templates=found, notes=notes)
