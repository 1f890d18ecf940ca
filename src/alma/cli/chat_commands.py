"""``alma chat``: a conversation with ALMA, one message (``alma chat "…"``) or a REPL reading stdin.

Every turn goes through ``alma.conversation.chat.ChatService``: plans are shown with their risk decision
and nothing runs until the person answers ``yes`` or ``confirm TOKEN``. The session (``--session``, or a
new id printed at the start) keeps the context and what waits for confirmation between processes.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from alma.bootstrap import build
from alma.cli.commands import run_with_services
from alma.cli.failures import FAILED, REFUSED, exit_with, render_error, reported
from alma.cli.output import print_json, print_plan, stderr, stdout, table
from alma.conversation.chat import ChatService, ChatTurn, new_session_id
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
        turn = run_with_services(lambda services: ChatService(services).turn(message, session_id))
        if json_output:
            print_json(turn.as_json())
        else:
            show(stdout(), turn)
            if session is None:
                stderr().print(f'session {session_id}: continue with `alma chat --session {session_id} "…"`')
        if turn.outcome == "blocked":
            exit_with(REFUSED)
        if turn.outcome == "failed":
            exit_with(FAILED)


def show(console: Console, turn: ChatTurn) -> None:
    for listing in turn.listings:
        console.print(Text(listing.title, style="bold"))
        console.print(table(list(listing.columns), [[escape(cell) for cell in row] for row in listing.rows]))
    if turn.blueprint is not None:
        console.print(Text("revised blueprint (validated):", style="bold"))
        console.out(turn.blueprint, end="", highlight=False)
    if turn.plan is not None:
        print_plan(console, turn.plan)
    decision = f" [{turn.risk.decision}]" if turn.risk is not None and turn.plan is not None else ""
    console.print(Text(f"{turn.persona}{decision}: ", style="dim") + Text(turn.reply))


async def _repl(session_id: str) -> None:
    services = await build(Settings())
    try:
        read = _reader(services.settings.home)
        chat = ChatService(services)
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
                    turn = await chat.turn(text, session_id)
                except AlmaError as error:  # one bad turn does not end the conversation
                    render_error(err, error)
                    continue
                show(console, turn)
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
