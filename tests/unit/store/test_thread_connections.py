"""Closing the per-thread sqlite3 connections while a worker thread still queries (its caller was cancelled:
a thread cannot be) waits for the query, and nothing is used after: closing under a running query crashed
the test process with a segmentation fault."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from alma.store.sqlite_reads import ThreadConnections

SLOW = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT count(*) FROM n"


def test_close_waits_for_a_query_in_another_thread_and_nothing_runs_after(tmp_path: Path) -> None:
    connections = ThreadConnections(tmp_path / "x.db", ("query_only = ON",))
    started = threading.Event()
    order: list[str] = []

    def query() -> None:
        with connections.using() as connection:
            started.set()
            order.append(f"counted {connection.execute(SLOW).fetchone()[0]}")

    worker = threading.Thread(target=query)
    worker.start()
    assert started.wait(30)
    connections.close()  # while the worker's query runs
    order.append("closed")
    worker.join(30)
    assert order == ["counted 300000", "closed"]
    with pytest.raises(sqlite3.ProgrammingError, match="closed"), connections.using():
        pass
