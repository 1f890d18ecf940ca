"""The database: one async SQLAlchemy engine per process, SQLite (embedded) or PostgreSQL (asyncpg).

SQLite runs in WAL mode with ``synchronous=FULL`` so a commit the user was told about survives a
crash or power loss, and with a busy timeout so two ALMA processes queue instead of failing.

The engine is made on first use: SQLAlchemy takes about a third of a second to import, and a command that
only reads an embedded database that is already current (``alma state list``) reads it through
``sqlite_reads`` and never needs it. ``migrate`` checks an embedded database's revision without it too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from alma.errors import ConfigurationError
from alma.lean_imports import SQLALCHEMY_ASYNC_UNUSED, defer_package_bodies
from alma.store.migrations import HEAD
from alma.store.threads import in_thread

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio.engine import AsyncConnection, AsyncEngine


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
    (SQLite creates its -wal and -shm files with the database file's permissions.) A folder that cannot be
    made or written (ALMA_HOME naming a file, or a read-only place) is a ``ConfigurationError`` saying so."""
    try:
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.parent.chmod(0o700)  # mkdir's mode passes through the umask; this does not
        if not path.exists():
            with contextlib.suppress(FileExistsError):  # another process made it first: theirs stands
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise ConfigurationError(
            f"cannot make the database {path}: {exc.strerror or exc}; ALMA_HOME (or the sqlite path of "
            "ALMA_DATABASE_URL) must name a folder ALMA can create and write"
        ) from exc


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in ("busy_timeout=30000", "journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        # The embedded database's file, when it is one (not in memory): plain reads can open it directly.
        self.sqlite_file: Path | None = None
        self._lock_file: str | None = None
        self._engine: AsyncEngine | None = None
        if self.is_sqlite:
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                self.sqlite_file = Path(path).expanduser()
                private_file(self.sqlite_file)
                self._lock_file = str(self.sqlite_file) + ".migrate.lock"

    @property
    def engine(self) -> AsyncEngine:
        """The SQLAlchemy engine, made (and SQLAlchemy imported) on first use."""
        if self._engine is None:
            self._engine = _make_engine(self.url, self.is_sqlite)
        return self._engine

    async def migrate(self) -> None:
        """Bring the schema to the newest revision; cheap when it already is. Several processes may start
        on a fresh database at once: one migrates (and, on SQLite, switches the file to WAL) while the others
        wait, then find it current."""
        if self.sqlite_file is not None:
            found = await in_thread(_sqlite_revision, self.sqlite_file)
            if found == HEAD:
                return  # current: nothing to do, and no SQLAlchemy to import for it
            if found is None:
                async with self._migration_guard():
                    if await in_thread(_create_if_new, self.sqlite_file, self.url):
                        return
        import sqlalchemy as sa  # only when the schema may need work (a new or older database)
        from sqlalchemy.exc import DBAPIError, OperationalError

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
            await in_thread(fcntl.flock, guard, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(guard, fcntl.LOCK_UN)

    def is_current_file(self) -> bool:
        """Whether this is an embedded database whose file exists at the newest schema revision: ``migrate``
        then has nothing to do, and reads need neither SQLAlchemy nor an event loop."""
        file = self.sqlite_file
        return file is not None and file.is_file() and _sqlite_revision(file) == HEAD

    async def aclose(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()


def _make_engine(url: str, is_sqlite: bool) -> AsyncEngine:
    import sqlalchemy as sa  # imported by the first command that needs the engine (see the module's docstring)

    defer_package_bodies(SQLALCHEMY_ASYNC_UNUSED)  # the async engine without the ORM session
    from sqlalchemy.ext.asyncio.engine import create_async_engine

    options: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}
    if is_sqlite:
        options["connect_args"] = {"timeout": 30}
    else:
        options.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
    try:
        engine = create_async_engine(url, **options)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise ConfigurationError(f"cannot use database URL {_redact(url)}: {exc}") from exc
    if is_sqlite:
        sa.event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _create_if_new(path: Path, url: str) -> bool:
    """Make a new embedded database at the newest revision in one transaction: the tables as ``schema.py``
    declares them (what the migrations build: a test compares the two) and Alembic's record of the revision,
    as Alembic writes it. False, with nothing done, when the file has tables already (an older database:
    Alembic migrates it step by step). Replaying every migration cost the first command in a new ALMA_HOME a
    fifth of a second of CPU and a commit (an fsync) per table."""
    statements = _current_schema_sql()
    try:
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    except sqlite3.Error as exc:
        raise ConfigurationError(f"cannot open the database {_redact(url)}: {exc}") from exc
    try:
        for pragma in ("busy_timeout=30000", "journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            connection.execute(f"PRAGMA {pragma}")
        connection.execute("BEGIN IMMEDIATE")
        if connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]:
            connection.execute("ROLLBACK")
            return False
        for statement in statements:
            connection.execute(statement)
        connection.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (HEAD,))
        connection.execute("COMMIT")
        return True
    except sqlite3.Error as exc:
        raise ConfigurationError(f"cannot create the database {_redact(url)}: {exc}") from exc
    finally:
        connection.close()


def _current_schema_sql() -> list[str]:
    """``CREATE`` statements for the newest schema on SQLite, as ``metadata.create_all`` would issue them."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from alma.store.schema import metadata

    version = sa.Table(
        "alembic_version",
        sa.MetaData(),
        sa.Column("version_num", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
    )
    dialect = sqlite.dialect()
    statements = []
    for table in [*metadata.sorted_tables, version]:
        statements.append(str(CreateTable(table).compile(dialect=dialect)))
        statements += [str(CreateIndex(index).compile(dialect=dialect)) for index in table.indexes]
    return statements


def _sqlite_revision(path: Path) -> str | None:
    """The schema revision an embedded database records, read with the standard library; None when it has
    none yet (a new file) or cannot say (the caller then migrates through Alembic, which reports errors)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return None
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return str(row[0]) if row else None


async def _current_revision(conn: AsyncConnection) -> str | None:
    import sqlalchemy as sa

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
    import sqlalchemy as sa

    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<unparseable URL>"
