"""``alma`` — the command table. Kept light so ``alma --help`` starts fast: each command imports the
machinery it needs when it runs (see ``commands.py``), and only the commands a command line names are built
(see ``dispatch.py``). Long because it is the whole command table, one small function per command whose
signature is the command's options; the work is in the modules they import."""

from __future__ import annotations

import atexit
import gc
import sys
from typing import Annotated

import typer

from alma.cli.bundled import examples_app, print_version
from alma.cli.dispatch import AlmaGroup, branch
from alma.cli.export import export_app
from alma.cli.ipr import ipr_app
from alma.cli.templates import templates_app

app = typer.Typer(
    name="alma",
    cls=AlmaGroup,
    help="ALMA — infrastructure as conversation: blueprints → validated plans → approved, exact applies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
state_app = typer.Typer(help="Recorded state of stacks and resources.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(state_app, name="state")
app.add_typer(ipr_app, name="ipr")
keys_app = typer.Typer(
    help="API keys for `alma serve`: roles viewer, operator, approver, admin.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(keys_app, name="keys")
council_app = typer.Typer(
    help="A council of reviewers for a proposed blueprint.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(council_app, name="council")
app.add_typer(examples_app, name="examples")
app.add_typer(templates_app, name="templates")
app.add_typer(export_app, name="export")


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=print_version, is_eager=True, help="Print ALMA's version and exit.")
    ] = False,
) -> None:
    """ALMA — infrastructure as conversation: blueprints → validated plans → approved, exact applies."""


File = Annotated[str, typer.Argument(help="Blueprint file (YAML or JSON).", show_default=False)]
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
NoLLM = Annotated[
    bool, typer.Option("--no-llm", help="Do not ask the language model (ALMA_LLM_*): the deterministic path only.")
]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
Parallelism = Annotated[
    int | None, typer.Option("--parallelism", "-p", min=1, max=1000, help="Actions run at once (default 10).")
]
Stack = Annotated[str, typer.Argument(help="Stack name (the blueprint's 'name').", show_default=False)]
Full = Annotated[
    bool, typer.Option("--full", help="Show every field of a plan changing over 200 resources (default: a summary).")
]

# Exit codes are a contract: 0 ok · 1 invalid input · 2 usage · 3 apply failed or partial ·
# 4 stack locked or conflict · 5 refused · 6 drift found (`alma drift`).


@app.command()
def validate(file: File, json_output: Json = False) -> None:
    """Check a blueprint and report every problem with its line and column."""
    from alma.cli import commands

    commands.validate(file, json_output)


@app.command()
def fmt(
    file: File,
    write: Annotated[bool, typer.Option("--write", "-w", help="Rewrite the file (default: print the result).")] = False,
    json_output: Json = False,
) -> None:
    """Rewrite a blueprint to canonical form (cpu -> cores, a load balancer network -> a service), keeping comments."""
    from alma.cli import fmt_commands

    fmt_commands.fmt(file, write, json_output)


@app.command()
def plan(
    file: File,
    json_output: Json = False,
    out: Annotated[str | None, typer.Option("--out", "-o", help="Also write the plan to this file.")] = None,
    full: Full = False,
) -> None:
    """Show what applying a blueprint would change; the plan is stored and can be applied by id or file."""
    from alma.cli import commands

    commands.plan(file, json_output, out, full)


@app.command()
def apply(
    file: Annotated[str, typer.Argument(help="Blueprint file, or a plan file from `alma plan --out`.")],
    yes: Yes = False,
    parallelism: Parallelism = None,
    json_output: Json = False,
    full: Full = False,
) -> None:
    """Apply a plan file exactly, or plan a blueprint, confirm, and apply it."""
    from alma.cli import commands

    commands.apply(file, yes, parallelism, json_output, full)


@app.command()
def deploy(
    file: File, yes: Yes = False, parallelism: Parallelism = None, json_output: Json = False, full: Full = False
) -> None:
    """Plan a blueprint, show the plan, ask, and apply it."""
    from alma.cli import commands

    commands.apply(file, yes, parallelism, json_output, full)


@app.command()
def destroy(
    stack: Stack, yes: Yes = False, parallelism: Parallelism = None, json_output: Json = False, full: Full = False
) -> None:
    """Delete every resource of a stack (a plan to empty, applied in reverse dependency order)."""
    from alma.cli import commands

    commands.destroy(stack, yes, parallelism, json_output, full)


@app.command()
def rollback(
    stack: Stack,
    to: Annotated[
        int | None, typer.Option("--to", min=0, help="Revision to restore (default: the last good one).")
    ] = None,
    yes: Yes = False,
    parallelism: Parallelism = None,
    json_output: Json = False,
    full: Full = False,
) -> None:
    """Restore a stack to the state recorded at an earlier revision."""
    from alma.cli import commands

    commands.rollback(stack, to, yes, parallelism, json_output, full)


Target = Annotated[
    str,
    typer.Argument(
        help="The stack; alone, a resource one stack holds (or STACK/RESOURCE).", show_default=False, metavar="STACK"
    ),
]
Resource = Annotated[
    str | None, typer.Argument(help="The resource's name in the stack.", show_default=False, metavar="RESOURCE")
]


@app.command()
def start(target: Target, resource: Resource = None, yes: Yes = False, json_output: Json = False) -> None:
    """Start a stopped resource (a plan from the recorded state, shown and confirmed)."""
    from alma.cli import operation_commands

    operation_commands.operate(
        *operation_commands.split_targets(target, resource), "start", None, yes, None, json_output
    )


@app.command()
def stop(target: Target, resource: Resource = None, yes: Yes = False, json_output: Json = False) -> None:
    """Stop a running resource (a plan from the recorded state, shown and confirmed)."""
    from alma.cli import operation_commands

    operation_commands.operate(
        *operation_commands.split_targets(target, resource), "stop", None, yes, None, json_output
    )


@app.command()
def restart(target: Target, resource: Resource = None, yes: Yes = False, json_output: Json = False) -> None:
    """Restart a resource: a stop plan, then a start plan once the stop ran (one confirmation)."""
    from alma.cli import operation_commands

    operation_commands.operate(
        *operation_commands.split_targets(target, resource), "restart", None, yes, None, json_output
    )


@app.command()
def scale(
    target: Target,
    second: Annotated[
        str,
        typer.Argument(
            help="The resource (after a resource alone: the replicas).", show_default=False, metavar="RESOURCE"
        ),
    ],
    third: Annotated[
        str | None, typer.Argument(help="How many replicas.", show_default=False, metavar="REPLICAS")
    ] = None,
    yes: Yes = False,
    json_output: Json = False,
) -> None:
    """Set a service's replicas (a plan from the recorded state, shown and confirmed)."""
    from alma.cli import operation_commands

    stack, resource, replicas = operation_commands.scale_targets(target, second, third)
    operation_commands.operate(stack, resource, "scale", replicas, yes, None, json_output)


@state_app.command("list")
def state_list(
    stack: Annotated[str | None, typer.Argument(help="Only this stack.")] = None, json_output: Json = False
) -> None:
    """Resources as applied (all stacks, or one)."""
    from alma.cli import state_commands

    state_commands.state_list(stack, json_output)


@state_app.command("show")
def state_show(
    target: Annotated[
        str,
        typer.Argument(
            help="STACK RESOURCE, STACK/RESOURCE, a resource named alone, or a stack (all its resources).",
            show_default=False,
            metavar="STACK|RESOURCE",
        ),
    ],
    resource: Annotated[str | None, typer.Argument(help="Resource name.", show_default=False)] = None,
    json_output: Json = False,
) -> None:
    """One resource as applied (or a stack's resources)."""
    from alma.cli import state_commands

    state_commands.state_show(target, resource, json_output)


@app.command()
def history(stack: Stack, json_output: Json = False) -> None:
    """Deployments of a stack, one revision each."""
    from alma.cli import state_commands

    state_commands.history(stack, json_output)


@app.command()
def events(
    stack: Stack,
    deployment: Annotated[str | None, typer.Option("--deployment", help="Only this deployment's events.")] = None,
    json_output: Json = False,
) -> None:
    """The audit trail of a stack: every transition, who and when."""
    from alma.cli import state_commands

    state_commands.events(stack, deployment, json_output)


@app.command()
def engines(json_output: Json = False) -> None:
    """Installed engines and their health (endpoint reachable, credentials accepted)."""
    from alma.cli import state_commands

    state_commands.engines(json_output)


@app.command()
def drift(
    stack: Annotated[str | None, typer.Argument(help="Only this stack (default: every stack).")] = None,
    blueprint: Annotated[
        str | None,
        typer.Option("--blueprint", help="Write the stack as recorded to this file: `alma plan` of it repairs drift."),
    ] = None,
    json_output: Json = False,
) -> None:
    """Compare the recorded state with the engines, resource by resource; exit 6 when anything drifted."""
    from alma.cli import drift_commands

    drift_commands.drift(stack, blueprint, json_output)


@app.command()
def dashboard(
    url: Annotated[
        str | None, typer.Option("--url", help="A remote `alma serve` (default: the local store).", show_default=False)
    ] = None,
    key: Annotated[
        str | None,
        typer.Option("--key", envvar="ALMA_API_KEY", help="With --url: the API key to act with.", show_default=False),
    ] = None,
    refresh: Annotated[float, typer.Option("--refresh", min=0.2, max=3600, help="Seconds between refreshes.")] = 2.0,
) -> None:
    """A terminal dashboard: stacks, live deployments, the IPR queue, engine health, recent events."""
    from alma.cli import dashboard as board

    board.run(url, key, refresh)


@app.command("import")
def import_(
    stack: Stack,
    node: Annotated[str, typer.Argument(help="The Proxmox node the guest is on.")],
    vmid: Annotated[int, typer.Argument(help="The guest's VM id.", min=100)],
    name: Annotated[str, typer.Option("--as", help="The resource name it gets in the stack.")],
    provider: Annotated[str, typer.Option("--provider", help="The engine that owns it.")] = "proxmox",
    json_output: Json = False,
) -> None:
    """Adopt an existing guest into a stack: it gets ALMA's ownership marker and a state record."""
    from alma.cli import commands

    commands.import_guest(stack, node, vmid, name, provider, json_output)


@app.command()
def resume(
    deployment_id: Annotated[
        str, typer.Argument(help="The deployment (run) id as printed, or its start (the ID column of `alma history`).")
    ],
    json_output: Json = False,
) -> None:
    """Continue a deployment whose process died, or whose IPR is now approved."""
    from alma.cli import commands

    commands.resume(deployment_id, json_output)


@app.command()
def intent(
    text: Annotated[str, typer.Argument(help="What you would say to an operator, in plain language.")],
    session: Annotated[str | None, typer.Option("--session", help="Conversation session id (keeps context).")] = None,
    json_output: Json = False,
) -> None:
    """Interpret a sentence: intent, resources, risk decision and persona (nothing is changed)."""
    from alma.cli import conversation_commands

    conversation_commands.intent(text, session, json_output)


@app.command()
def chat(
    message: Annotated[
        str | None, typer.Argument(help="One message; without it, a conversation on stdin (exit or quit ends it).")
    ] = None,
    session: Annotated[
        str | None, typer.Option("--session", help="Conversation session id (default: a new one, printed).")
    ] = None,
    json_output: Json = False,
) -> None:
    """Talk to ALMA: plans are shown with their risk, and nothing runs until you confirm (yes / confirm TOKEN)."""
    from alma.cli import chat_commands

    chat_commands.chat(message, session, json_output)


@app.command()
def generate(
    text: Annotated[str, typer.Argument(help="The system you want, in plain language.")],
    provider: Annotated[str, typer.Option("--provider", help="fake, proxmox, docker or kubernetes.")] = "fake",
    out: Annotated[str | None, typer.Option("--out", "-o", help="Write the blueprint to this file.")] = None,
    no_llm: NoLLM = False,
    json_output: Json = False,
) -> None:
    """Turn a description into a blueprint that validates for the chosen provider."""
    from alma.cli import generate_commands

    generate_commands.generate(text, provider, out, json_output, use_model=not no_llm)


@council_app.command("convene")
def council_convene(
    text: Annotated[str, typer.Argument(help="The system to review, in plain language (or a blueprint file).")],
    provider: Annotated[str, typer.Option("--provider", help="fake, proxmox, docker or kubernetes.")] = "fake",
    no_llm: NoLLM = False,
    json_output: Json = False,
) -> None:
    """Architect, security, reliability and cost reviewers review a blueprint; the decree revises it."""
    from alma.cli import generate_commands

    generate_commands.council(text, provider, json_output, use_model=not no_llm)


@app.command()
def mcp(
    http: Annotated[bool, typer.Option("--http", help="Serve streamable HTTP instead of stdio.")] = False,
    host: Annotated[str, typer.Option("--host", help="With --http: the address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="With --http: the port.")] = 8765,
    read_only: Annotated[bool, typer.Option("--read-only", help="Expose only the tools that read.")] = False,
) -> None:
    """Serve ALMA's capabilities to LLM agents over the Model Context Protocol."""
    from alma.cli import mcp_commands

    mcp_commands.serve(http=http, host=host, port=port, read_only=read_only)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs); callers authenticate with API keys."""
    from alma.cli import api_commands

    api_commands.serve(host, port)


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Jobs run at once.")] = 4,
    name: Annotated[str | None, typer.Option("--name", help="The worker's name in the queue.")] = None,
    metrics_port: Annotated[
        int | None, typer.Option("--metrics-port", help="Serve this worker's Prometheus metrics on 127.0.0.1.")
    ] = None,
) -> None:
    """Run queued deployment jobs (ALMA_QUEUE=procrastinate, on PostgreSQL) until stopped."""
    from alma.cli import api_commands

    api_commands.work(concurrency, name, metrics_port)


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option("--role", help="viewer, operator, approver or admin.")],
    name: Annotated[str, typer.Option("--name", help="A name for the key (who or what uses it).")],
    json_output: Json = False,
) -> None:
    """Create an API key; it is printed once, as the last line (with --json: as "key")."""
    from alma.cli import api_commands

    api_commands.create_key(name, role, json_output)


@keys_app.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="The key's name.")], json_output: Json = False) -> None:
    """Revoke an API key."""
    from alma.cli import api_commands

    api_commands.revoke_key(name, json_output)


@keys_app.command("list")
def keys_list(json_output: Json = False) -> None:
    """API keys (names and roles; the keys themselves are never stored)."""
    from alma.cli import api_commands

    api_commands.list_keys(json_output)


@app.command("force-unlock")
def force_unlock(
    stack: Stack,
    force: Annotated[
        bool, typer.Option("--force", help="Remove it even while its holder is alive (that holder then fails).")
    ] = False,
    json_output: Json = False,
) -> None:
    """Remove a stack's lock whose holder died (refused while the holder is alive, unless --force)."""
    from alma.cli import state_commands

    state_commands.force_unlock(stack, force, json_output)


def run() -> None:
    # A command builds and drops hundreds of thousands of small objects for a big plan (10,000 resources);
    # with the default threshold the cycle collector runs every 700 allocations and takes a sixth of the
    # time. Collecting every 50,000 keeps memory as it was (plans hold no cycles) and saves that time.
    gc.set_threshold(50_000, 20, 20)
    # At exit the interpreter's last collection walks everything still alive (about 0.4 s of CPU after a
    # 1,000-resource apply) only to free memory the process is about to give back whole: frozen objects are
    # left out of it. Registered here, not around the services, so in-process callers keep collecting.
    atexit.register(gc.freeze)
    branch(app, sys.argv[1:])()
