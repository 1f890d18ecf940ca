"""The database: one async SQLAlchemy engine per process, SQLite (embedded) or PostgreSQL (asyncpg).

SQLite runs in WAL mode with ``synchronous=FULL`` so a commit the user was told about survives a
crash or power loss, and with a busy timeout so two ALMA processes queue instead of failing.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from alma.errors import ConfigurationError
from alma.store.migrations import HEAD


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without a zone; they were written as UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def private_file(path: Path) -> None:
    """Make the database's folder (0700) and file (0600) before SQLite does, readable by their owner only:
    the file holds plans, state and the audit trail. What exists already is left as its owner set it.
    (SQLite creates its -wal and -shm files with the database file's permissions.)"""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.chmod(0o700)  # mkdir's mode passes through the umask; this does not
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another process made it first: theirs stands
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in ("busy_timeout=30000", "journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        options: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}
        self._lock_file: str | None = None
        if self.is_sqlite:
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                private_file(Path(path).expanduser())
                self._lock_file = str(Path(path).expanduser()) + ".migrate.lock"
            options["connect_args"] = {"timeout": 30}
        else:
            options.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        try:
            self.engine: AsyncEngine = create_async_engine(url, **options)
        except (sa.exc.ArgumentError, ImportError) as exc:
            raise ConfigurationError(f"cannot use database URL {_redact(url)}: {exc}") from exc
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)

    async def migrate(self) -> None:
        """Bring the schema to the newest revision; cheap when it already is. Several processes may start
        on a fresh database at once: one migrates (and, on SQLite, switches the file to WAL) while the others
        wait, then find it current."""
        try:
            async with self._migration_guard(), self.engine.begin() as conn:
                if not self.is_sqlite:
                    await conn.execute(sa.text("SELECT pg_advisory_xact_lock(7355608)"))  # ALMA's migrations
                if await _current_revision(conn) == HEAD:
                    return
                await conn.run_sync(_upgrade)
        except (OperationalError, DBAPIError, OSError) as exc:
            raise ConfigurationError(f"cannot open the database {_redact(self.url)}: {exc}") from exc

    @asynccontextmanager
    async def _migration_guard(self) -> AsyncIterator[None]:
        """SQLite has no advisory locks: a lock file beside the database serializes migrations (waited
        for in a thread, so other tasks of this process keep running)."""
        if self._lock_file is None:
            yield
            return
        with open(self._lock_file, "a") as guard:  # noqa: ASYNC230 - opening a local file is instant
            await asyncio.to_thread(fcntl.flock, guard, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(guard, fcntl.LOCK_UN)

    async def aclose(self) -> None:
        await self.engine.dispose()


async def _current_revision(conn: AsyncConnection) -> str | None:
    has_table = await conn.run_sync(lambda sync: sa.inspect(sync).has_table("alembic_version"))
    if not has_table:
        return None
    row = (await conn.execute(sa.text("SELECT version_num FROM alembic_version"))).first()
    return str(row[0]) if row else None


def alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config  # Alembic costs start-up time; only migrations need it

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Any) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), "head")


def _redact(url: str) -> str:
    """Database URLs may carry passwords: never print them."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<unparseable URL>"
