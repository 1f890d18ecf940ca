"""What planning a blueprint stores: its text as a blueprint version, then the plan.

``alma plan`` is typed again and again while a blueprint is written, and on the embedded database these two
writes were all it still needed SQLAlchemy for (its reads go through ``Store.reads``, the fake engine's
records through ``SqliteReads.engine_records``). On a database file they are written with sqlite3 (``sqlite_plans``); on
PostgreSQL, or SQLite in memory, through the repositories. Both write the same rows (a test compares them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from alma.store.threads import in_thread

if TYPE_CHECKING:
    from alma.store import Store
    from alma.store.blueprint_saves import GroupedBlueprintSaves
    from alma.store.change_records import PlanRecord
    from alma.store.sqlite_plans import SqlitePlanWrites


class PlanSaves(Protocol):
    async def save_blueprint(self, stack: str, content: str, actor: str) -> tuple[int, int]:
        """Store a blueprint text as the stack's next version (or find the identical one); (id, version)."""
        ...

    async def save_plan(self, plan: PlanRecord) -> None:
        """Store a plan; durable when this returns."""
        ...


class RepositoryPlanSaves:
    """Through the repositories (SQLAlchemy): PostgreSQL, or SQLite in memory."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def save_blueprint(self, stack: str, content: str, actor: str) -> tuple[int, int]:
        return await self._store.stacks.save_blueprint(stack, content, actor)

    async def save_plan(self, plan: PlanRecord) -> None:
        await self._store.plans.save(plan)


class SqlitePlanSaves:
    """On a database file with sqlite3: blueprint saves grouped into commits with the stack repository's
    (``grouped`` is the store's one), plans written in a worker thread while an event loop runs."""

    def __init__(self, grouped: GroupedBlueprintSaves, writes: SqlitePlanWrites) -> None:
        self._grouped = grouped
        self._writes = writes

    async def save_blueprint(self, stack: str, content: str, actor: str) -> tuple[int, int]:
        return await self._grouped.save(stack, content, actor)

    async def save_plan(self, plan: PlanRecord) -> None:
        await in_thread(self._writes.save_plan, plan)


_: type[PlanSaves] = RepositoryPlanSaves
__: type[PlanSaves] = SqlitePlanSaves
