"""The language model as a drafter: it adjusts the building blocks' composition to the description.

The model is handed the description and the deterministic composition (``compose``), so that even a
small model only has to adjust a blueprint rather than invent one, and is asked for the whole blueprint
as one JSON object. The JSON schema sent with the request is built from the provider's own spec models:
the resource types the provider has, and for each the spec keys its model accepts (values typed as the
model types them, with text allowed where the blueprint language writes units: ``"2G"``, ``"30s"``). A
server that constrains its output to the schema cannot write an invented type or key; one that cannot
constrain it may, and validation refuses it.

Whatever comes back is only a draft: ``drafting.generate`` validates it like any blueprint, and a repair
round hands the model its previous draft with every problem and its path. A description in which the
building blocks find nothing is refused as it is without a model: the model adjusts what ALMA
understood, it never drafts from nothing, and a draft that leaves out a resource of the composition is
refused before validation (a valid blueprint without the database that was asked for is no answer).
Backend failures propagate (``ModelError`` lets ``generate`` fall back to the building blocks;
``ConfigurationError`` is the operator's to fix)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from alma.blueprint import BLUEPRINT_VERSION
from alma.diagnostics import Diagnostic
from alma.engines import fake
from alma.engines.docker import specs as docker_specs
from alma.engines.kubernetes import specs as kubernetes_specs
from alma.engines.proxmox import specs as proxmox_specs
from alma.generation.blocks import ROLES
from alma.generation.drafting import Draft, Drafter, check_provider, compose
from alma.llm import LLMBackend, Message

__all__ = ["SPEC_MODELS", "LLMDrafter", "blueprint_schema", "read_draft"]

log = logging.getLogger(__name__)

# Each provider's resource types and the spec model that checks them: the engines' own models.
SPEC_MODELS: dict[str, Mapping[str, type[BaseModel]]] = {
    "fake": fake.SPEC_MODELS,
    "docker": docker_specs.SPEC_MODELS,
    "kubernetes": kubernetes_specs.SPEC_MODELS,
    "proxmox": {"compute": proxmox_specs.ComputeSpec},
}
RESOURCE_KEYS = ("type", "name", "provider", "specs", "dependencies", "metadata")
BLUEPRINT_KEYS = ("version", "name", "description", "resources")
MAX_PROBLEMS = 12  # problems fed back in one repair round
MAX_ANSWER_TOKENS = 3072
_FENCE = re.compile(r"^```[a-z]*\s*|\s*```$")
# The JSON-schema keywords kept from a spec model's schema: enough to shape the answer, small enough for
# a server to turn into a grammar (lengths and patterns are left to validation).
_KEYWORDS = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "anyOf", "enum", "const", "$ref"}
)

_INSTRUCTIONS = """\
You edit infrastructure blueprints for ALMA. Answer with one JSON object only: the whole blueprint.
You get a request and a draft blueprint that already composes what the request names. Change the draft
only where the request asks for something it lacks or gets wrong (a size, a count, an image, a part);
keep every other resource, name, type and spec key exactly as it is.
Provider: {provider}. Its resource types, and the spec keys each accepts (no others exist):
{types}
Sizes are written like "512M" or "2G". dependencies name other resources of the same blueprint."""


def blueprint_schema(provider: str) -> dict[str, Any]:
    """The JSON schema of a blueprint for ``provider``: its resource types, each with its spec keys."""
    check_provider(provider)
    defs: dict[str, Any] = {}
    resources = [_resource_schema(provider, kind, model, defs) for kind, model in SPEC_MODELS[provider].items()]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "version": {"const": BLUEPRINT_VERSION},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "resources": {"type": "array", "items": {"anyOf": resources}},
        },
        "required": list(BLUEPRINT_KEYS),
        "additionalProperties": False,
    }
    if defs:
        schema["$defs"] = defs
    return schema


def _resource_schema(provider: str, kind: str, model: type[BaseModel], defs: dict[str, Any]) -> dict[str, Any]:
    full = model.model_json_schema()
    for name, definition in full.pop("$defs", {}).items():
        plain = _plain(definition)
        if defs.setdefault(name, plain) != plain:
            raise ValueError(f"two spec models of {provider} define '{name}' differently")  # a bug of ours
    return {
        "type": "object",
        "properties": {
            "type": {"const": kind},
            "name": {"type": "string"},
            "provider": {"const": provider},
            "specs": _plain(full),
            "dependencies": {"type": "array", "items": {"type": "string"}},
            "metadata": {
                "type": "object",
                "properties": {"role": {"enum": list(ROLES)}},
                "additionalProperties": False,
            },
        },
        "required": ["type", "name", "provider", "specs"],
        "additionalProperties": False,
    }


def _plain(node: Any) -> Any:
    """A spec model's schema with only the shaping keywords; numbers and lists may also be written as text
    (units such as ``"2G"``, a shell command as one string), as the spec models accept them."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key not in _KEYWORDS:
            continue
        if key == "properties":
            out[key] = {name: _plain(sub) for name, sub in value.items()}
        elif key == "anyOf":
            out[key] = [_plain(sub) for sub in value]
        else:
            out[key] = _plain(value) if isinstance(value, dict) else value
    if out.get("type") in ("integer", "number", "array"):
        return {"anyOf": [out, {"type": "string"}]}
    return out


def read_draft(answer: str) -> tuple[dict[str, Any], tuple[Diagnostic, ...]]:
    """The blueprint data in the model's answer (code fences and prose around the object tolerated), or
    an empty draft and the problem that says why there is none."""
    text = _FENCE.sub("", answer.strip())
    start, end = text.find("{"), text.rfind("}")
    if start != -1 and end > start:
        text = text[start : end + 1]
    try:
        data = json.loads(text)
    except ValueError as exc:
        return {}, (Diagnostic(f"the answer is not JSON ({exc}); answer with one JSON object"),)
    if not isinstance(data, dict):
        return {}, (Diagnostic(f"the answer is a JSON {type(data).__name__}, not the blueprint's object"),)
    return data, ()


class LLMDrafter:
    """Asks ``backend`` to adjust the building blocks' composition; made once, shared; holds no state."""

    name = "llm"

    def __init__(self, backend: LLMBackend, *, max_tokens: int = MAX_ANSWER_TOKENS, temperature: float = 0.0) -> None:
        self._backend = backend
        self._max_tokens = max_tokens
        self._temperature = temperature

    async def draft(self, text: str, provider: str, problems: Sequence[Diagnostic], previous: Draft | None) -> Draft:
        base = compose(text, provider)  # refuses a description with nothing to compose, as without a model
        shown = json.dumps(in_schema_order(base.data, provider), separators=(",", ":"))
        messages: list[Message] = [
            {"role": "system", "content": _instructions(provider)},
            {"role": "user", "content": f"Request: {text.strip()}\n\nDraft blueprint:\n{shown}"},
        ]
        if previous is not None and problems:
            if previous.data:
                answer = json.dumps(in_schema_order(previous.data, provider), separators=(",", ":"))
                messages.append({"role": "assistant", "content": answer})
            listed = "\n".join(f"- {p.path or 'the answer'}: {p.message}" for p in problems[:MAX_PROBLEMS])
            more = f"\n(and {len(problems) - MAX_PROBLEMS} more)" if len(problems) > MAX_PROBLEMS else ""
            messages.append(
                {
                    "role": "user",
                    "content": f"That blueprint is invalid:\n{listed}{more}\n"
                    "Answer with the whole corrected blueprint as one JSON object only.",
                }
            )
        # Room for the draft again (JSON runs at about three characters a token) and for what it adds.
        budget = min(self._max_tokens, len(shown) // 2 + 256)
        answer = await self._backend.complete(
            messages, json_schema=blueprint_schema(provider), temperature=self._temperature, max_tokens=budget
        )
        data, rejected = read_draft(answer)
        rejected += _dropped(base.data, data)
        if rejected:
            log.info("the model's blueprint draft is refused before validation: %s", rejected[0].message)
        return Draft(data, base.understood, [_changes(base.data, data), *base.notes], rejected)


_: type[Drafter] = LLMDrafter


def _instructions(provider: str) -> str:
    types = "\n".join(f"- {kind}: {', '.join(model.model_fields)}" for kind, model in SPEC_MODELS[provider].items())
    return _INSTRUCTIONS.format(provider=provider, types=types)


def in_schema_order(data: Mapping[str, Any], provider: str) -> dict[str, Any]:
    """``data`` with its keys in the schema's order (a server that turns the schema into a grammar expects
    them so): blueprint keys, resource keys, and spec keys in their model's order. Nothing is dropped."""
    ordered = _ordered(data, BLUEPRINT_KEYS)
    resources = ordered.get("resources")
    if isinstance(resources, list):
        ordered["resources"] = [_resource_in_order(r, provider) if isinstance(r, dict) else r for r in resources]
    return ordered


def _resource_in_order(resource: Mapping[str, Any], provider: str) -> dict[str, Any]:
    ordered = _ordered(resource, RESOURCE_KEYS)
    model = SPEC_MODELS[provider].get(str(resource.get("type")))
    specs = ordered.get("specs")
    if model is not None and isinstance(specs, dict):
        fields = model.model_fields
        required = [k for k, f in fields.items() if f.is_required()]
        ordered["specs"] = _ordered(specs, (*required, *(k for k in fields if k not in required)))
    return ordered


def _ordered(data: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    return {**{k: data[k] for k in keys if k in data}, **{k: v for k, v in data.items() if k not in keys}}


def _changes(base: Mapping[str, Any], draft: Mapping[str, Any]) -> str:
    """What the model changed in the building blocks' composition, in a line for the notes."""
    if not draft:
        return "the model's answer held no blueprint"
    before = _by_name(base.get("resources"))
    after = _by_name(draft.get("resources"))
    said: list[str] = []
    for key in ("name", "description"):
        if draft.get(key) != base.get(key):
            said.append(f"the stack's {key}")
    if added := sorted(set(after) - set(before)):
        said.append(f"added {', '.join(added)}")
    if removed := sorted(set(before) - set(after)):
        said.append(f"removed {', '.join(removed)}")
    for name in sorted(set(before) & set(after)):
        old, new = before[name], after[name]
        if old == new:
            continue
        keys = sorted(k for k in {*old, *new} if k != "specs" and old.get(k) != new.get(k))
        old_specs, new_specs = old.get("specs") or {}, new.get("specs") or {}
        if isinstance(old_specs, dict) and isinstance(new_specs, dict):
            keys += sorted(f"specs.{k}" for k in {*old_specs, *new_specs} if old_specs.get(k) != new_specs.get(k))
        said.append(f"changed {name} ({', '.join(keys) or 'details'})")
    if not said:
        return "the model kept the building blocks' composition as it was"
    return "the model adjusted the building blocks' composition: " + "; ".join(said)


def _dropped(base: Mapping[str, Any], draft: Mapping[str, Any]) -> tuple[Diagnostic, ...]:
    """A draft that leaves out a part the building blocks composed from the description is not an answer
    to it, however valid: each missing resource is a problem fed back to the model."""
    if not draft:
        return ()
    kept = _by_name(draft.get("resources"))
    return tuple(
        Diagnostic(f"resource '{name}' of the draft is missing: the request asks for it; keep it", "resources")
        for name in _by_name(base.get("resources"))
        if name not in kept
    )


def _by_name(resources: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(resources, list):
        return {}
    return {str(r.get("name")): r for r in resources if isinstance(r, dict)}
