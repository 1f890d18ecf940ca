"""Spec models: each engine checks its specs with a pydantic model, reported as diagnostics."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from alma.diagnostics import Diagnostic
from alma.engines.vocabulary import aliases_for, suggest_key
from alma.units import UnitError, disk_gib, memory_mib


def _sorted_ports(ports: list[int]) -> list[int]:
    bad = [p for p in ports if not 1 <= p <= 65535]
    if bad:
        raise ValueError(f"ports must be between 1 and 65535, got {bad}")
    return sorted(set(ports))  # order carries no meaning: normalize so re-plans are noops


MemoryMiB = Annotated[int, BeforeValidator(memory_mib), Field(ge=16, le=16 * 1024 * 1024)]
Ports = Annotated[list[int], AfterValidator(_sorted_ports), Field(max_length=64)]
DiskGiB = Annotated[int, BeforeValidator(disk_gib), Field(ge=1, le=1024 * 1024)]


class SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    # Spellings of this model's keys beyond the common ones (``alma.engines.vocabulary``): ``os`` means
    # ``image`` to a container and ``template`` to a guest. The loader renames them before ``check``.
    own_aliases: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def aliases(cls) -> Mapping[str, str]:
        """Every spelling this model reads as one of its keys, alias -> key (worked out once per model)."""
        return _aliases_of(cls)


@cache
def _aliases_of(model: type[SpecModel]) -> Mapping[str, str]:
    return MappingProxyType(aliases_for(tuple(model.model_fields), model.own_aliases))


def check_spec(
    model: type[SpecModel], specs: Mapping[str, Any], context: Mapping[str, Any] | None = None
) -> tuple[SpecModel | None, list[Diagnostic]]:
    """The validated specs, or None and every problem as diagnostics with paths relative to the specs.
    ``context`` reaches the model's validators (an engine's settings that shape normalization)."""
    try:
        return model.model_validate(specs, context=context), []
    except ValidationError as exc:
        return None, [_diagnostic(model, error) for error in exc.errors(include_url=False)]


def _diagnostic(model: type[SpecModel], error: Any) -> Diagnostic:
    loc = tuple(error["loc"])
    path = ".".join(str(p) for p in loc)
    field = str(loc[-1]) if loc else ""
    kind = error["type"]
    if kind == "extra_forbidden":
        message = f"unknown spec key '{field}'{suggest_key(field, tuple(model.model_fields))}"
    elif kind == "value_error":
        cause = error["ctx"]["error"]
        # Our own errors already say what to write; a size names the field written (a volume's 'size: 0'
        # is not "disk must be greater than zero").
        message = cause.about(field) if isinstance(cause, UnitError) and field else str(cause)
    elif kind == "missing":
        message = f"spec '{field}' is required"
    else:
        message = f"{field}: {error['msg'].lower()}" if field else error["msg"]
        if "input" in error and not isinstance(error["input"], dict | list):
            message += f" (got {error['input']!r})"
    return Diagnostic(message, path)
