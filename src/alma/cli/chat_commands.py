"""``alma chat``: a conversation with ALMA, one message (``alma chat "…"``) or a REPL reading stdin.

Every turn goes through ``alma.chat.ChatService``: plans are shown with their risk decision
and nothing runs until the person answers ``yes`` or ``confirm TOKEN``. The session (``--session``, or a
new id printed at the start) keeps the context and what waits for confirmation between processes.
The reply is streamed as it is said (with a language model configured, its words first, then the reply
verbatim); ``--json`` prints the decided turn, without the model's words.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from alma.bootstrap import Services, build
from alma.chat import ChatDelta, ChatStream, ChatTurn, new_session_id
from alma.cli.commands import run_with_services
from alma.cli.failures import FAILED, REFUSED, exit_with, render_error, reported
from alma.cli.output import print_json, print_plan, stderr, stdout, table
from alma.errors import AlmaError
from alma.settings import Settings

EXITS = ("exit", "quit")
HISTORY_FILE = "chat_history"
HISTORY_LENGTH = 1000


def chat(message: str | None, session: str | None, json_output: bool) -> None:
    session_id = session or new_session_id()
    if message is None:
        with reported(False):
            asyncio.run(_repl(session_id))
        return
    with reported(json_output):
        if json_output:
            turn = run_with_services(lambda services: services.chat.turn(message, session_id))
            print_json(turn.as_json())
        else:

            async def body(services: Services) -> ChatTurn:
                return await say(stdout(), await services.chat.turn_stream(message, session_id))

            turn = run_with_services(body)
            if session is None:
                stderr().print(f'session {session_id}: continue with `alma chat --session {session_id} "…"`')
        if turn.outcome == "blocked":
            exit_with(REFUSED)
        if turn.outcome == "failed":
            exit_with(FAILED)


async def say(console: Console, stream: ChatStream) -> ChatTurn:
    """Shows the decided turn (tables, blueprint, plan), then streams its reply; the turn as said."""
    show_facts(console, stream.turn)
    console.print(_speaker(stream.turn), end="")
    said = stream.turn
    async for chunk in stream:
        if isinstance(chunk, ChatDelta):
            console.out(chunk.text, end="", highlight=False)
            console.file.flush()
        else:
            said = chunk
    console.out("")
    return said


def _speaker(turn: ChatTurn) -> Text:
    decision = f" [{turn.risk.decision}]" if turn.risk is not None and turn.plan is not None else ""
    return Text(f"{turn.persona}{decision}: ", style="dim")


def show_facts(console: Console, turn: ChatTurn) -> None:
    """What the turn decided and shows besides its reply: tables, the revised blueprint, the plan."""
    for listing in turn.listings:
        console.print(Text(listing.title, style="bold"))
        console.print(table(list(listing.columns), [[escape(cell) for cell in row] for row in listing.rows]))
    if turn.blueprint is not None:
        console.print(Text("revised blueprint (validated):", style="bold"))
        console.out(turn.blueprint, end="", highlight=False)
    if turn.plan is not None:
        print_plan(console, turn.plan)


async def _repl(session_id: str) -> None:
    services = await build(Settings())
    try:
        read = _reader(services.settings.home)
        chat = services.chat
        console, err = stdout(), stderr()
        err.print(f"ALMA chat, session {session_id}. Type `exit` or `quit` (or end the input) to leave.")
        try:
            while True:
                line = await asyncio.to_thread(read)
                if line is None:
                    break
                text = line.strip()
                if not text:
                    continue
                if text.lower() in EXITS:
                    break
                try:
                    await say(console, await chat.turn_stream(text, session_id))
                except AlmaError as error:  # one bad turn does not end the conversation
                    render_error(err, error)
                    continue
        finally:
            _save_history(services.settings.home)
    finally:
        await services.aclose()


def _reader(home: Path) -> Callable[[], str | None]:
    """Reads one line: with readline and its history (kept in ALMA_HOME) on a terminal, plainly otherwise."""
    if not sys.stdin.isatty():

        def plain() -> str | None:
            line = sys.stdin.readline()
            return line or None

        return plain
    import readline

    history = home / HISTORY_FILE
    readline.set_history_length(HISTORY_LENGTH)
    if history.is_file():
        readline.read_history_file(history)

    def prompted() -> str | None:
        try:
            return input("you> ")
        except EOFError:
            return None

    return prompted


def _save_history(home: Path) -> None:
    if not sys.stdin.isatty():
        return
    import readline

    home.mkdir(parents=True, exist_ok=True)
    readline.write_history_file(home / HISTORY_FILE)
