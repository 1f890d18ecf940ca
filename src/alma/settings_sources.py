"""Where settings come from, highest first: keyword arguments, ``ALMA_*`` environment variables, the YAML file
named by ``ALMA_CONFIG``. pydantic-settings' rules, without importing pydantic-settings when they are simple.

Every command reads its settings once, and pydantic-settings took ~30 ms of it to import (sources for dotenv
files, AWS, Azure, GCP, TOML, a command line) plus a few ms per object. ``gather`` hands the settings model
the same values pydantic-settings would, and reads them itself when that is plain:

- keyword arguments as given;
- a variable ``ALMA_<FIELD>`` in any case (pydantic-settings lowers every name, so of two that differ only in
  case the later in ``os.environ`` wins);
- its text as it is, for a plain field (``str``, numbers, ``bool``, paths, secrets, literals, their optionals)
  and for the comma lists named by the model (pydantic-settings' ``NoDecode``: the model's validator splits
  them); JSON for a ``dict`` field.

Anything else goes through pydantic-settings itself, so its rules and its errors stay: a YAML file, JSON that
does not parse (its error names the variable), a dict given both as an argument and in the environment (it
merges them deeply), a field of another kind, an underscore option of ``BaseSettings``. A test compares the two
paths on the same environments.
"""

from __future__ import annotations

import functools
import json
import os
import types
import typing
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, SecretStr

_PLAIN = (str, int, float, bool, Path, SecretStr, type(None))


def gather(model: type[BaseModel], given: dict[str, Any], name_lists: tuple[str, ...]) -> dict[str, Any]:
    """The values to validate ``model`` with: ``given``, then the environment, then the ``ALMA_CONFIG`` file."""
    config_file = os.environ.get("ALMA_CONFIG")
    if config_file:
        _check_config_file(config_file, model)
    if config_file or any(key.startswith("_") for key in given):
        return _through_pydantic_settings(model, given, name_lists)
    environment = {name.lower(): value for name, value in os.environ.items()}
    values: dict[str, Any] = {}
    for field, kind in _kinds(model, name_lists).items():
        text = environment.get(f"alma_{field}")
        if text is None:
            continue
        if kind == "text":
            values[field] = text
        elif kind == "json":
            try:
                decoded = json.loads(text)
            except ValueError:
                return _through_pydantic_settings(model, given, name_lists)  # its error names the variable
            values[field] = dict(decoded) if isinstance(decoded, dict) else decoded
        else:
            return _through_pydantic_settings(model, given, name_lists)
    for key, value in given.items():
        if isinstance(value, dict) and isinstance(values.get(key), dict):
            return _through_pydantic_settings(model, given, name_lists)  # merged deeply there
        values[key] = value
    return values


def _check_config_file(path: str, model: type[BaseModel]) -> None:
    """A settings file that is missing, unreadable, not a mapping, or names a setting that does not exist is
    an error saying so: pydantic-settings skips a missing file and ignores unknown keys, so a typo in a path
    or a key would leave the defaults in force without a word."""
    import yaml

    from alma.diagnostics import did_you_mean
    from alma.errors import ConfigurationError

    file = Path(path)
    if not file.is_file():
        what = "is a directory" if file.is_dir() else "does not exist"
        raise ConfigurationError(
            f"ALMA_CONFIG names {path}, which {what}: point it at a YAML file of settings "
            "(e.g. `parallelism: 20`), or unset it"
        )
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"the settings file {path} (ALMA_CONFIG) cannot be read as YAML: {exc}") from exc
    if data is None:
        return
    if not isinstance(data, dict):
        raise ConfigurationError(
            f"the settings file {path} (ALMA_CONFIG) must be a mapping of settings (`parallelism: 20`), "
            f"not a {type(data).__name__}"
        )
    fields = sorted(model.model_fields)
    for key in data:
        if str(key).lower() not in model.model_fields:
            hint = did_you_mean(str(key), fields)
            raise ConfigurationError(
                f"the settings file {path} (ALMA_CONFIG) names an unknown setting '{key}'{hint}"
                " (settings are the ALMA_* variables' names in lower case, without ALMA_)"
            )


@functools.cache
def _kinds(model: type[BaseModel], name_lists: tuple[str, ...]) -> dict[str, str]:
    """Per field: "text" (taken as it is), "json" (a dict) or "other" (left to pydantic-settings)."""
    kinds = {}
    for name, field in model.model_fields.items():
        if name in name_lists:
            kinds[name] = "text"
        elif get_origin(field.annotation) is dict:
            kinds[name] = "json"
        else:
            kinds[name] = "text" if _plain(field.annotation) else "other"
    return kinds


def _plain(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is Literal:
        return all(isinstance(choice, str) for choice in get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        return all(_plain(member) for member in get_args(annotation))
    return annotation in _PLAIN


def _through_pydantic_settings(
    model: type[BaseModel], given: dict[str, Any], name_lists: tuple[str, ...]
) -> dict[str, Any]:
    """What ``BaseSettings.__init__`` gathers for a settings class with ``model``'s fields."""
    import inspect

    reader = _reader(model, name_lists)
    if "_build_sources" in given:
        sources, init_kwargs = given["_build_sources"]
    else:
        options = frozenset(inspect.signature(reader._settings_init_sources).parameters) - {"_init_kwargs"}
        sources, init_kwargs = reader._settings_init_sources(
            **{key: value for key, value in given.items() if key in options},
            _init_kwargs={key: value for key, value in given.items() if key not in options},
        )
    values: dict[str, Any] = reader._settings_build_values(sources, init_kwargs)
    return values


@functools.cache
def _reader(model: type[BaseModel], name_lists: tuple[str, ...]) -> type[Any]:
    """A pydantic-settings class with ``model``'s fields (never validated: only its sources are used)."""
    from typing import Annotated

    from pydantic import create_model
    from pydantic_settings import (
        BaseSettings,
        NoDecode,
        PydanticBaseSettingsSource,
        SettingsConfigDict,
        YamlConfigSettingsSource,
    )

    class Sources(BaseSettings):
        model_config = SettingsConfigDict(env_prefix="ALMA_", extra="ignore", validate_default=True)

        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
            config_file = os.environ.get("ALMA_CONFIG")
            if config_file:
                sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=config_file))
            return tuple(sources)

    fields: dict[str, Any] = {
        name: (Annotated[field.annotation, NoDecode] if name in name_lists else field.annotation, field)
        for name, field in model.model_fields.items()
    }
    reader: type[Any] = create_model(model.__name__, __base__=Sources, **fields)
    return reader
