"""The MCP server: ALMA's services as tools, resources and prompts, over stdio or streamable HTTP.

A thin surface: every tool calls the same services as the CLI (``bootstrap.build``), and errors are
mapped in one place (``failures``). ``create_server`` takes built services, so tests connect the SDK's
in-memory client to the real server; ``serve_stdio`` and ``serve_http`` build them, run, and close them.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from mcp.server.mcpserver import MCPServer

from alma.bootstrap import Services, build
from alma.mcp.arguments import RefuseUnknownArguments
from alma.mcp.auth import App, KeyAuth
from alma.mcp.changing import Applies, register_change_tools
from alma.mcp.language import register_language_tools
from alma.mcp.reading import BlueprintSources, register_read_tools
from alma.mcp.resources import register_prompts, register_resources
from alma.perimeter import Gate, GateLimits
from alma.redaction import configure_server_logging
from alma.settings import Settings

NAME = "alma"
INSTRUCTIONS = """ALMA turns infrastructure blueprints into validated, hashed plans and applies exactly those plans.
Read with list_stacks, get_state, list_resources, get_resource, get_ipr, engine_health, list_templates;
render_template turns a template and its parameters into a validated blueprint.
parse_intent reads a person's request (give a session id to keep context: "stop web-01", then "now start
it"); generate_blueprint turns a description into a validated blueprint. Neither acts on anything.
Change things in two steps: make a plan (plan_blueprint, control_resource, rollback), show it, then
apply_plan with its plan_id. Plans that delete or replace anything need an Infrastructure Pull Request
approved by a person (create_ipr opens one; no tool approves); plans that stop, restart or shrink
something need confirm=true."""
READ_ONLY_INSTRUCTIONS = """ALMA, read-only: stacks, state, resources, IPRs, engine health, blueprint validation and
templates; blueprints generated from a description (generate_blueprint) and how ALMA reads a request
(parse_intent, without sessions). Nothing here changes infrastructure or ALMA's records; use the `alma`
CLI or a full server for that."""


def create_server(
    services: Services, *, read_only: bool = False, applies: Applies | None = None, local_files: bool = True
) -> MCPServer:
    """The server over built services; in read-only mode only the tools that read are there. ``applies``
    holds the applies in flight, which outlive their requests: whoever closes the services waits for them
    first (``Applies.finished``). ``local_files``: blueprints may be named by path (stdio, not HTTP)."""
    server: MCPServer = MCPServer(
        NAME,
        title="ALMA — infrastructure as conversation",
        instructions=READ_ONLY_INSTRUCTIONS if read_only else INSTRUCTIONS,
        version=_version(),
    )
    sources = BlueprintSources(files=local_files, largest=services.settings.max_blueprint_bytes)
    register_read_tools(server, services, sources)
    register_language_tools(server, services, read_only=read_only)
    if not read_only:
        register_change_tools(server, services, applies if applies is not None else Applies(), sources)
    register_resources(server, services)
    register_prompts(server, read_only=read_only)
    server.middleware.append(RefuseUnknownArguments(server))
    return server


async def serve_stdio(settings: Settings, *, read_only: bool) -> None:
    applies = Applies()
    async with await build(settings) as services:
        try:
            await create_server(services, read_only=read_only, applies=applies).run_stdio_async()
        finally:
            await applies.finished()


def http_app(services: Services, *, host: str, read_only: bool, applies: Applies | None = None) -> App:
    """Streamable HTTP at ``/mcp`` behind the gate the HTTP API has (``alma.perimeter``: the key from the
    headers before any body byte, rate limits, bounded bodies) and its keys and roles (``auth``)."""
    settings = services.settings
    # A key holder is not the server's user: files on its machine are not theirs to name.
    server = create_server(services, read_only=read_only, applies=applies, local_files=False)
    limits = GateLimits(
        settings.api_max_body_bytes, settings.api_rate_limit_per_minute, settings.api_failed_auth_per_minute
    )
    # The gate and KeyAuth pass the lifespan through: the SDK's session manager starts with the server.
    return Gate(
        KeyAuth(server.streamable_http_app(host=host), read_only=read_only),
        authenticate=services.keys.authenticate,
        limits=limits,
    )


async def serve_http(settings: Settings, *, host: str, port: int, read_only: bool) -> None:
    """Streamable HTTP at ``http://HOST:PORT/mcp`` (``http_app``). Every log line is scrubbed of secrets
    and query-string values (``alma.redaction``)."""
    import uvicorn  # only the HTTP transport needs a server

    configure_server_logging(settings)
    applies = Applies()
    async with await build(settings) as services:
        app = http_app(services, host=host, read_only=read_only, applies=applies)
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="info",
            log_config=None,
            proxy_headers=bool(settings.api_trusted_proxies),  # as alma serve: only named proxies are believed
            forwarded_allow_ips=settings.api_trusted_proxies or None,
        )
        try:
            await uvicorn.Server(config).serve()
        finally:
            await applies.finished()


def _version() -> str:
    try:
        return version("alma")
    except PackageNotFoundError:
        return "0"
