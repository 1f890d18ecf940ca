"""What ``alma plan`` writes on the embedded database, with the standard library's sqlite3: blueprint versions
(a batch of saves in one transaction) and the plan itself.

Through the repositories, planning a blueprint imported SQLAlchemy (~0.1-0.2 s of a command that is otherwise
~0.25 s) for three small statements. The rows are those the repositories write on SQLite (a test writes
both ways and compares): JSON as orjson text, datetimes as ``sqlite_writes`` writes them. Each call runs on a
connection of the calling thread's own with the engine's pragmas (WAL, ``synchronous=FULL``: a plan the
user is told about survives a crash), is one ``BEGIN IMMEDIATE`` transaction, and is committed before it
returns.

A blueprint's version number is read by its INSERT itself, under the write lock that ``BEGIN IMMEDIATE``
takes first: a save from another process waits for the lock and then sees this one's rows, so it never takes
the same number (a conflict all the same is an ``IntegrityError``, and that save looks again, as the
repository's does). A save of a batch that fails writes nothing, and its caller alone hears why.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from alma.errors import ConfigurationError, StalePlanError
from alma.store.database import utcnow
from alma.store.sqlite_reads import ThreadConnections
from alma.store.sqlite_writes import _json, _when

if TYPE_CHECKING:
    from alma.store.change_records import PlanRecord

T = TypeVar("T")
Saved = tuple[int, int]  # a blueprint version's (id, version)

# The engine's pragmas for every connection (journal_mode=WAL is the file's already; asking again is free).
PRAGMAS = ("busy_timeout=30000", "journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON")
ATTEMPTS = 5  # as the repository: saves that keep conflicting give up (StalePlanError)

_FOUND = "SELECT id, version FROM blueprints WHERE stack = ? AND content_hash = ?"
_INSERT_BLUEPRINT = (
    "INSERT INTO blueprints (stack, version, content_hash, content, created_at, created_by) "
    "VALUES (?, (SELECT coalesce(max(version), 0) + 1 FROM blueprints WHERE stack = ?), ?, ?, ?, ?) "
    "RETURNING id, version"
)
_INSERT_PLAN = (
    "INSERT INTO plans (id, stack, base_revision, kind, hash, blueprint_id, body, created_at, created_by, "
    "environment) VALUES (?,?,?,?,?,?,?,?,?,?)"
)


@dataclass(frozen=True, slots=True)
class BlueprintSave:
    """A blueprint text to keep as a version of ``stack`` (or to find kept already)."""

    stack: str
    content: str
    actor: str


class SqlitePlanWrites:
    """Blueprint versions and plans over one SQLite file."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._connections = ThreadConnections(path, PRAGMAS, autocommit=True)

    def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` in one committed transaction; a database that cannot be written is a ConfigurationError."""
        try:
            return self._connections.transaction(work)
        except sqlite3.Error as exc:
            raise ConfigurationError(f"cannot write to the database {self._path}: {exc}") from exc

    def save_blueprints(self, saves: Sequence[BlueprintSave]) -> list[Saved | Exception]:
        """Every save's (id, version), in order, committed together: a new version, or the identical text's
        kept one (a text saved twice in the batch gets one version). A save that fails has its exception in
        its place and nothing of it is written; the others are. The whole batch fails (raises) only when
        the transaction cannot be made or committed."""
        return self._transaction(lambda connection: [_save(connection, save) for save in saves])

    def save_plan(self, plan: PlanRecord) -> None:
        """Store a plan (committed when this returns)."""
        row = (
            plan.id,
            plan.stack,
            plan.base_revision,
            plan.kind,
            plan.hash,
            plan.blueprint_id,
            _json(plan.body),
            _when(plan.created_at),
            plan.created_by,
            plan.body.get("environment"),
        )
        self._transaction(lambda connection: connection.execute(_INSERT_PLAN, row))

    def close(self) -> None:
        self._connections.close()


def _save(connection: sqlite3.Connection, save: BlueprintSave) -> Saved | Exception:
    """One save: its (id, version), or why it failed. A failed statement undoes itself alone on SQLite (the
    transaction and the batch's other rows stay), so a save needs no savepoint: it writes one row or none."""
    try:
        return _save_one(connection, save)
    except (StalePlanError, UnicodeError, sqlite3.DataError) as exc:  # this save's own (a text with a lone surrogate)
        return exc


def _save_one(connection: sqlite3.Connection, save: BlueprintSave) -> Saved:
    digest = hashlib.sha256(save.content.encode()).hexdigest()
    for _attempt in range(ATTEMPTS):  # another writer can take the version number, or save the same text first
        found = connection.execute(_FOUND, (save.stack, digest)).fetchall()
        if found:
            return int(found[0][0]), int(found[0][1])
        try:
            (row,) = connection.execute(  # every row fetched: the statement finishes before the next one
                _INSERT_BLUEPRINT, (save.stack, save.stack, digest, save.content, _when(utcnow()), save.actor)
            ).fetchall()
        except sqlite3.IntegrityError:
            continue
        return int(row[0]), int(row[1])
    raise StalePlanError(f"could not store a new blueprint version of '{save.stack}': too many concurrent writers")
