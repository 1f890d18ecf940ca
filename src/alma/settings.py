"""The one settings object. Read once (environment ``ALMA_*``, optional YAML file ``ALMA_CONFIG``) and
injected everywhere; nothing else reads the environment. Where the values come from, and in which order, is
pydantic-settings' rules, applied by ``settings_sources`` (which imports pydantic-settings only when needed).

Every command makes one ``Settings``, and pydantic's validator for this class (about eighty fields, their
constraints and validators) took ~20 ms of CPU to build, before the first command line was read, plus the
scan of every installed package for pydantic plugins that the first validator makes (~20 ms with the import
of ``importlib.metadata``). The class is built on first validation instead (``defer_build``), and
``plain_values`` makes the settings without validating at all when that is certain to give what validation
gives: only a few plain settings are set (``ALMA_HOME``, ``ALMA_DATABASE_URL``, ``ALMA_USER``, ...), each
with the conversion its validation makes. Anything else is validated as before, errors included;
``tests/unit/test_settings_unvalidated.py`` compares the two on the same environments."""

from __future__ import annotations

import getpass
import ipaddress
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    SecretStr,
    field_validator,
    model_validator,
)

from alma.settings_sources import gather

# ALMA_API_KEY is an admin key: shorter than this is refused (generated keys have 48 characters).
MIN_API_KEY_LENGTH = 16

# Lists of names: in the environment comma-separated or a JSON list, read as text (pydantic-settings' NoDecode)
# and split by ``Settings._split_names``.
NAME_LISTS = (
    "fake_fail_resources",
    "fake_unhealthy_resources",
    "api_cors_origins",
    "api_trusted_proxies",
    "approval_actions",
    "approval_environments",
    "approval_stacks",
)


class Quota(BaseModel):
    """Totals one blueprint may ask of one provider; None means unlimited."""

    model_config = ConfigDict(extra="forbid", defer_build=True)  # built with Settings' validator, if ever

    cores: NonNegativeInt | None = None
    memory_mb: NonNegativeInt | None = None
    disk_gb: NonNegativeInt | None = None
    resources: NonNegativeInt | None = None


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


class Settings(BaseModel):
    # Validated as pydantic-settings' BaseSettings validates (its model configuration); read by ``__init__``.
    model_config = ConfigDict(
        extra="ignore",
        validate_default=True,
        arbitrary_types_allowed=True,
        protected_namespaces=(
            "model_validate",
            "model_dump",
            "settings_cached",
            "settings_clear_cache",
            "settings_customise_sources",
        ),
        defer_build=True,  # see the module's docstring
    )

    def __init__(self, **values: Any) -> None:
        """``values``, then ``ALMA_*`` environment variables, then the YAML file named by ``ALMA_CONFIG``."""
        gathered = gather(type(self), values, NAME_LISTS)
        plain = plain_values(gathered)
        if plain is None:
            super().__init__(**gathered)
            return
        # What ``model_construct`` makes, without its look at each default factory's signature (whether it
        # takes the validated data: none of these does), which parses the signatures of ``list`` and ``dict``
        # from their text (~10 ms, tokenize's pattern compiled). The defaults are kept as they are:
        # validation keeps them too.
        fields: dict[str, Any] = {}
        for name, field in type(self).model_fields.items():
            if name in plain:
                fields[name] = plain[name]
            elif field.default_factory is not None:
                fields[name] = cast("Callable[[], Any]", field.default_factory)()
            else:
                fields[name] = field.get_default()  # a copy of a mutable default, as model_construct makes
        if "user" not in plain:  # the default login name goes through the field's validator
            fields["user"] = self._blank_user_is_the_login(fields["user"])
        object.__setattr__(self, "__dict__", fields)
        object.__setattr__(self, "__pydantic_fields_set__", set(plain))
        object.__setattr__(self, "__pydantic_extra__", None)
        object.__setattr__(self, "__pydantic_private__", None)

    home: Path = Field(default_factory=lambda: Path.home() / ".alma")
    database_url: str | None = None
    user: str = Field(default_factory=_default_user)

    # The fake provider: a real, stateful engine with latency and fault injection.
    fake_latency_ms: float = Field(default=0.0, ge=0, le=60_000)
    fake_fail_rate: float = Field(default=0.0, ge=0, le=1)
    fake_permanent_fail_rate: float = Field(default=0.0, ge=0, le=1)
    fake_fail_resources: list[str] = Field(default_factory=list)
    fake_unhealthy_resources: list[str] = Field(default_factory=list)
    fake_seed: int | None = None

    # Apply.
    parallelism: PositiveInt = 10
    provider_parallelism: dict[str, PositiveInt] = Field(default_factory=dict)
    retry_attempts: PositiveInt = 5
    retry_base_delay_s: float = Field(default=0.2, ge=0)
    retry_max_delay_s: float = Field(default=10.0, ge=0)
    lock_ttl_s: PositiveInt = 300
    auto_rollback: bool = False  # roll back automatically when verification after an apply fails
    workflow_checkpoints: Path | None = None  # LangGraph checkpoints (SQLite); default: ALMA_HOME/workflow.db

    # The HTTP API: ALMA_API_KEY, when set, is accepted as an admin key (besides keys from `alma keys create`).
    api_key: SecretStr | None = None
    api_max_body_bytes: PositiveInt = 16 * 1024 * 1024
    api_cors_origins: list[str] = Field(default_factory=list)
    api_rate_limit_per_minute: PositiveInt = 600  # per key, per replica
    api_failed_auth_per_minute: PositiveInt = 30  # wrong keys, per client address, per replica
    api_streams_per_key: PositiveInt = 32  # live event streams (SSE and WebSocket) open at once, per key
    # /metrics without a key (for a scraper that cannot send one); else any valid key (a viewer's) is needed.
    api_metrics_public: bool = False
    api_idempotency_lease_s: float = Field(default=60.0, gt=0, le=3600)  # an unfinished claim expires after it
    # How long a finished request's answer is kept for repeats of its Idempotency-Key (then the key is new again).
    api_idempotency_retention_h: float = Field(default=24.0, gt=0, le=24 * 365)
    api_graphql_timeout_s: float = Field(default=10.0, gt=0, le=300)  # one GraphQL query's execution, at most
    # Proxies whose X-Forwarded-For names the client (limits per address use it); none by default: anyone
    # who can connect could otherwise claim any address and get a fresh allowance of wrong keys.
    api_trusted_proxies: list[str] = Field(default_factory=list)

    # Scale-out. "inline": the API runs an apply in its own process (the embedded default). "procrastinate":
    # the API queues it in PostgreSQL and `alma worker` processes run it (per-stack lock, retries, stalled-job
    # recovery, periodic drift checks); it needs ALMA_DATABASE_URL on PostgreSQL.
    queue: Literal["inline", "procrastinate"] = "inline"
    worker_heartbeat_s: float = Field(default=5.0, gt=0)  # how often a worker says it is alive
    worker_stalled_s: float = Field(default=30.0, gt=0)  # silent this long: its jobs are taken over
    worker_job_attempts: PositiveInt = 3  # tries of a job that failed for a transient reason
    drift_check_cron: str | None = "*/15 * * * *"  # periodic drift checks by the workers; empty: none
    # Live events: Redis pub/sub tells every replica at once that a deployment has new events (the event log
    # stays the source); without Redis, or when a message is lost, streams look again every live_poll_s.
    redis_url: str | None = None
    redis_channel: str = "alma:events"  # pub/sub channels span Redis' databases: one per ALMA installation
    live_poll_s: float = Field(default=0.5, gt=0, le=60)

    # An LLM (OpenAI-compatible HTTP, or a local Transformers model) for what the deterministic paths cannot
    # read; unset: none is used.
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str | None = None
    llm_temperature: float = Field(default=0.0, ge=0, le=2)
    llm_max_tokens: PositiveInt = 512
    llm_timeout_s: float = Field(default=60.0, gt=0)
    llm_json_mode: Literal["json_schema", "json_object_schema", "json_object"] = "json_schema"
    # "openai": the HTTP server above. "transformers": a model run in this process, never downloaded; llm_model
    # is then a model id in the local Hugging Face cache (default Qwen/Qwen2.5-0.5B-Instruct), a model
    # directory or a .gguf file. Unset: openai when llm_base_url is set, no model otherwise.
    llm_backend: Literal["openai", "transformers"] | None = None
    llm_device: Literal["auto", "cpu", "cuda", "mps"] = "auto"  # transformers; auto: cuda, else mps, else cpu
    llm_gguf_file: str | None = None  # transformers: the .gguf file in llm_model's directory or repository

    # Approval (Infrastructure Pull Requests): which plans need one, and what approves them.
    approvals_required: PositiveInt = 1
    allow_self_approval: bool = False
    # When an IPR names reviewers, only they (or an admin) may approve it; false: anyone but its author.
    ipr_named_reviewers_only: bool = True
    # The role of the local CLI user (``ALMA_USER``): it holds the database, so admin unless narrowed.
    # HTTP and MCP callers act with their key's role instead.
    role: Literal["viewer", "operator", "approver", "admin"] = "admin"
    approval_actions: list[str] = Field(default_factory=lambda: ["delete", "replace"])
    approval_environments: list[str] = Field(default_factory=lambda: ["production"])
    approval_stacks: list[str] = Field(default_factory=list)

    # Proxmox VE (issue #3). The token is USER@REALM!TOKENID=SECRET; or a user and password for tickets.
    proxmox_url: str | None = None
    proxmox_token: SecretStr | None = None
    proxmox_user: str | None = None
    proxmox_password: SecretStr | None = None
    proxmox_verify_tls: bool = True
    proxmox_allow_http: bool = False  # http:// sends the token in clear: refused unless allowed explicitly
    proxmox_ca_bundle: Path | None = None
    proxmox_node: str | None = None
    proxmox_timeout_s: float = Field(default=30.0, gt=0)
    proxmox_task_timeout_s: float = Field(default=600.0, gt=0)
    proxmox_node_parallelism: PositiveInt = 4
    proxmox_storage_parallelism: PositiveInt = 2

    # Docker: the usual DOCKER_HOST / socket when unset.
    docker_host: str | None = None
    docker_timeout_s: float = Field(default=60.0, gt=0)
    # The host address of a published port that names none ("8080:80"): loopback, so nothing is exposed
    # beyond the host unless a blueprint or this setting says so (Docker's own default is every interface).
    docker_default_bind: str = "127.0.0.1"

    # Kubernetes: kubeconfig file and context (the usual KUBECONFIG / ~/.kube/config when unset).
    kubeconfig: Path | None = None
    kube_context: str | None = None
    kube_ready_timeout_s: float = Field(default=120.0, gt=0)

    # Validation limits: refuse hostile or absurd input early, in bounded memory.
    quotas: dict[str, Quota] = Field(default_factory=dict)
    max_blueprint_bytes: PositiveInt = 16 * 1024 * 1024
    max_blueprint_nodes: PositiveInt = 2_000_000
    max_blueprint_depth: PositiveInt = 64

    @field_validator("docker_default_bind")
    @classmethod
    def _bind_address(cls, value: str) -> str:
        try:
            return str(ipaddress.ip_address(value.strip().strip("[]")))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1)") from exc

    @field_validator(*NAME_LISTS, mode="before")
    @classmethod
    def _split_names(cls, value: Any) -> Any:
        if isinstance(value, str):  # environment variables: comma-separated, or a JSON list
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [name.strip() for name in text.split(",") if name.strip()]
        return value

    @field_validator("approval_actions")
    @classmethod
    def _known_actions(cls, actions: list[str]) -> list[str]:
        unknown = sorted(set(actions) - {"create", "update", "replace", "delete"})
        if unknown:
            raise ValueError(f"unknown actions {unknown}; use create, update, replace or delete")
        return actions

    @field_validator("api_key")
    @classmethod
    def _long_enough_key(cls, key: SecretStr | None) -> SecretStr | None:
        if key is not None and len(key.get_secret_value()) < MIN_API_KEY_LENGTH:
            raise ValueError(
                f"ALMA_API_KEY is an admin key and must be at least {MIN_API_KEY_LENGTH} characters (it has "
                f"{len(key.get_secret_value())}); make one with `python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'`, or unset it and use `alma keys create --role admin`"
            )
        return key

    @field_validator("api_cors_origins")
    @classmethod
    def _named_origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if origin == "*":
                raise ValueError(
                    "'*' would let any web page call the API from a visitor's browser; name the origins that "
                    "may (for example https://console.example.com)"
                )
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
                raise ValueError(
                    f"{origin!r} is not an origin; write scheme://host[:port], such as https://example.com"
                )
        return origins

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy async URL: the configured one with an async driver, or SQLite in ``home``."""
        url = self.database_url or f"sqlite+aiosqlite:///{self.home / 'alma.db'}"
        for plain, asynchronous in (
            ("postgresql://", "postgresql+asyncpg://"),
            ("postgres://", "postgresql+asyncpg://"),
            ("sqlite:///", "sqlite+aiosqlite:///"),
        ):
            if url.startswith(plain):
                return asynchronous + url[len(plain) :]
        return url

    @property
    def postgres_url(self) -> str | None:
        """The database as a plain libpq URL when it is PostgreSQL (for psycopg: LangGraph, the job queue)."""
        url = self.resolved_database_url
        if not url.startswith("postgresql+asyncpg://"):
            return None
        return "postgresql://" + url[len("postgresql+asyncpg://") :]

    @model_validator(mode="after")
    def _queue_needs_postgresql(self) -> Settings:
        if self.queue == "procrastinate" and self.postgres_url is None:
            raise ValueError(
                "ALMA_QUEUE=procrastinate needs ALMA_DATABASE_URL on PostgreSQL (the job queue lives in it); "
                "with the embedded SQLite database use ALMA_QUEUE=inline"
            )
        return self

    @model_validator(mode="after")
    def _proxmox_over_tls(self) -> Settings:
        if self.proxmox_url and urlsplit(self.proxmox_url).scheme == "http" and not self.proxmox_allow_http:
            raise ValueError(
                "ALMA_PROXMOX_URL is http://: the API token or password would travel in clear; use https://HOST:8006 "
                "(ALMA_PROXMOX_CA_BUNDLE for a private CA), or set ALMA_PROXMOX_ALLOW_HTTP=true for a trusted network"
            )
        return self

    @field_validator("user", mode="before")
    @classmethod
    def _blank_user_is_the_login(cls, value: Any) -> Any:
        # ALMA_USER="" (an export left empty) would record changes by nobody: the login name stands in.
        if isinstance(value, str):
            value = value.strip()
            return value or _default_user()
        return value

    @field_validator("drift_check_cron", "redis_url", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


# Settings whose value is used as validation would give it, without validating (``plain_values``): text
# settings without constraints, paths, and the three whose validators only read blank text.
_TEXT = frozenset({"database_url", "redis_channel", "llm_base_url", "llm_model", "proxmox_user", "proxmox_node"})
_OPTIONAL_TEXT = frozenset({"database_url", "llm_base_url", "llm_model", "proxmox_user", "proxmox_node"})
_PATHS = frozenset({"home"})
_OPTIONAL_PATHS = frozenset({"workflow_checkpoints", "kubeconfig", "proxmox_ca_bundle"})
_BLANK_IS_NONE = frozenset({"redis_url", "drift_check_cron"})


def plain_values(values: dict[str, Any]) -> dict[str, Any] | None:
    """``values`` as ``Settings``' validation would make them, when every one is of a kind converted here
    exactly as validation converts it; None when any other is set (then ``Settings`` validates)."""
    plain: dict[str, Any] = {}
    for name, value in values.items():
        if value is None and name in _OPTIONAL_TEXT | _OPTIONAL_PATHS:
            plain[name] = None
        elif type(value) is str and name in _TEXT:
            plain[name] = value
        elif (type(value) is str or isinstance(value, Path)) and name in _PATHS | _OPTIONAL_PATHS:
            plain[name] = Path(value)
        elif type(value) is str and name == "user":
            plain[name] = Settings._blank_user_is_the_login(value)
        elif type(value) is str and name in _BLANK_IS_NONE:
            plain[name] = Settings._empty_is_none(value)
        else:
            return None
    return plain
