"""Saving blueprint versions on an embedded database: concurrent saves share one transaction and one commit.

SQLite has one writer at a time. Thirty-two API requests saving blueprints at once each opened a
transaction of its own and met the others at the file's write lock, where SQLite's busy handler sleeps
(1, 2, 5 … 100 ms between tries): p99 1.7 s. Here the saves that arrive while a commit is under way wait for
the next one and are written together (one save's failure is its own), then committed once (one fsync). A
caller hears its id only after the commit, so what it was told is durable. The version number is still read
by the INSERT itself, so a save from another process never collides.

On a database file the batch is written with the standard library's sqlite3 in a worker thread
(``sqlite_plans``: ``alma plan`` then imports no SQLAlchemy); on SQLite in memory, which only the engine's
connections can reach, through SQLAlchemy.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alma.errors import ConfigurationError, StalePlanError
from alma.store.database import Database, utcnow
from alma.store.sqlite_plans import BlueprintSave, Saved

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio.engine import AsyncConnection

    from alma.store.sqlite_plans import SqlitePlanWrites


@dataclass(frozen=True, slots=True)
class _Save(BlueprintSave):
    done: asyncio.Future[Saved]


class GroupedBlueprintSaves:
    """Saves of blueprint versions, grouped into commits. ``sqlite``: the database file's writes (the store
    gives one on an embedded database); without, the engine's connections."""

    def __init__(self, db: Database, sqlite: SqlitePlanWrites | None = None) -> None:
        self._db = db
        self._sqlite = sqlite
        self._pending: list[_Save] = []
        self._writer: asyncio.Task[None] | None = None

    async def save(self, stack: str, content: str, actor: str) -> tuple[int, int]:
        """The (id, version) of ``content`` as a version of ``stack``: a new one, or the identical one kept."""
        loop = asyncio.get_running_loop()
        save = _Save(stack, content, actor, loop.create_future())
        self._pending.append(save)
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._write())
        return await asyncio.shield(save.done)  # a caller that gives up does not undo the others' commit

    async def _write(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            outcomes: list[tuple[int, int] | Exception] | None = None
            try:
                outcomes = await self._commit(batch)
            except (OSError, ConfigurationError) as exc:
                outcomes = [exc] * len(batch)  # the commit failed: every save of the batch raises why
            finally:
                for index, save in enumerate(batch):
                    if outcomes is None:  # interrupted (shut down): nobody waits for ever
                        save.done.cancel()
                        continue
                    outcome = outcomes[index]
                    if isinstance(outcome, Exception):
                        save.done.set_exception(outcome)
                    else:
                        save.done.set_result(outcome)

    async def _commit(self, batch: list[_Save]) -> list[Saved | Exception]:
        if self._sqlite is not None:
            return await asyncio.to_thread(self._sqlite.save_blueprints, batch)
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return await commit_through_sqlalchemy(self._db, batch)
        except SQLAlchemyError as exc:
            return [exc] * len(batch)  # the commit failed: every save of the batch raises why


async def commit_through_sqlalchemy(db: Database, batch: Sequence[BlueprintSave]) -> list[Saved | Exception]:
    """The batch in one transaction of the engine's; one at a time when another process's save conflicts."""
    from sqlalchemy.exc import IntegrityError

    try:
        async with db.engine.begin() as conn:
            return await _save_together(conn, batch)
    except IntegrityError:  # another process saved to one of these stacks meanwhile: one at a time
        pass
    outcomes: list[Saved | Exception] = []
    async with db.engine.begin() as conn:
        for save in batch:
            try:
                outcomes.append(await _save_one(conn, save))
            except StalePlanError as exc:
                outcomes.append(exc)
    return outcomes


async def _save_together(conn: AsyncConnection, batch: Sequence[BlueprintSave]) -> list[Saved | Exception]:
    """Every save of the batch in three statements: the identical texts already kept, the stacks' latest
    versions, and one INSERT of the new ones with the versions that follow (a conflict with another process's
    save raises ``IntegrityError``, and the caller saves one at a time)."""
    import sqlalchemy as sa

    from alma.store.schema import blueprints

    digests = [hashlib.sha256(save.content.encode()).hexdigest() for save in batch]
    stacks = sorted({save.stack for save in batch})
    kept: dict[tuple[str, str], tuple[int, int]] = {}
    query = sa.select(blueprints.c.stack, blueprints.c.content_hash, blueprints.c.id, blueprints.c.version).where(
        blueprints.c.stack.in_(stacks), blueprints.c.content_hash.in_(sorted(set(digests)))
    )
    for stack, digest, blueprint_id, version in await conn.execute(query):
        kept[(stack, digest)] = (int(blueprint_id), int(version))
    latest_query = (
        sa.select(blueprints.c.stack, sa.func.max(blueprints.c.version))
        .where(blueprints.c.stack.in_(stacks))
        .group_by(blueprints.c.stack)
    )
    latest = {stack: int(version) for stack, version in await conn.execute(latest_query)}
    rows: list[dict[str, object]] = []
    new: set[tuple[str, str]] = set()
    for save, digest in zip(batch, digests, strict=True):
        if (save.stack, digest) in kept or (save.stack, digest) in new:
            continue  # kept already, or saved earlier in this batch: the same version
        new.add((save.stack, digest))
        latest[save.stack] = latest.get(save.stack, 0) + 1
        rows.append(
            {
                "stack": save.stack,
                "version": latest[save.stack],
                "content_hash": digest,
                "content": save.content,
                "created_at": utcnow(),
                "created_by": save.actor,
            }
        )
    if rows:
        inserted = await conn.execute(
            blueprints.insert().returning(
                blueprints.c.stack,
                blueprints.c.content_hash,
                blueprints.c.id,
                blueprints.c.version,
                sort_by_parameter_order=True,
            ),
            rows,
        )
        for stack, digest, blueprint_id, version in inserted:
            kept[(stack, digest)] = (int(blueprint_id), int(version))
    return [kept[(save.stack, digest)] for save, digest in zip(batch, digests, strict=True)]


async def _save_one(conn: AsyncConnection, save: BlueprintSave) -> Saved:
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from alma.store.schema import blueprints

    digest = hashlib.sha256(save.content.encode()).hexdigest()
    for _attempt in range(5):  # another process can take the version number, or save the same text first
        found = (
            await conn.execute(
                sa.select(blueprints.c.id, blueprints.c.version).where(
                    blueprints.c.stack == save.stack, blueprints.c.content_hash == digest
                )
            )
        ).first()
        if found:
            return int(found[0]), int(found[1])
        latest = sa.select(sa.func.coalesce(sa.func.max(blueprints.c.version), 0) + 1).where(
            blueprints.c.stack == save.stack
        )
        try:
            async with conn.begin_nested():
                result = await conn.execute(
                    blueprints.insert()
                    .values(
                        stack=save.stack,
                        version=latest.scalar_subquery(),
                        content_hash=digest,
                        content=save.content,
                        created_at=utcnow(),
                        created_by=save.actor,
                    )
                    .returning(blueprints.c.id, blueprints.c.version)
                )
                blueprint_id, version = result.one()
        except IntegrityError:
            continue
        return int(blueprint_id), int(version)
    raise StalePlanError(f"could not store a new blueprint version of '{save.stack}': too many concurrent writers")
