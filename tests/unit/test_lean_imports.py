"""LangGraph and the store's engine load without the package bodies they never use, and each deferred body
still loads whole, once, the moment anything asks for it. Fresh interpreters: what is imported is process-wide state."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from alma.lean_imports import LANGGRAPH_UNUSED, PROMETHEUS_UNUSED, SQLALCHEMY_ASYNC_UNUSED


def _python(code: str, *, path: Path | None = None) -> str:
    prefix = f"import sys; sys.path.insert(0, {str(path)!r})\n" if path is not None else ""
    done = subprocess.run(
        [sys.executable, "-c", prefix + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_workflow_imports_langgraph_without_the_sdk_client_langsmith_types_or_message_classes() -> None:
    found = json.loads(
        _python(
            """
            import json, sys
            import alma.workflow.runner
            bodies_run = [n for n in ("langgraph_sdk", "langsmith.types", "langgraph.graph")
                          if "__getattr__" not in vars(sys.modules[n])]
            print(json.dumps({"loaded": sorted(sys.modules), "bodies_run": bodies_run}))
            """
        )
    )
    assert "langgraph.graph.state" in found["loaded"]  # the run's graph API is there
    assert not {"langgraph_sdk.client", "langgraph.graph.message", "langsmith.types.custom_charts_section"} & set(
        found["loaded"]
    )
    assert found["bodies_run"] == []


def test_the_store_engine_and_metrics_import_no_orm_and_no_prometheus_exposition(tmp_path: Path) -> None:
    found = _python(
        f"""
        import asyncio, sys
        from alma.store.database import _make_engine
        async def use():
            engine = _make_engine("sqlite+aiosqlite:///{tmp_path / "x.db"}", True)
            async with engine.begin() as conn:
                await conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            await engine.dispose()
        asyncio.run(use())
        from alma.services.metrics import DomainMetrics
        DomainMetrics().resource_operations.labels("fake", "create", "succeeded").inc()
        print("sqlalchemy.orm" in sys.modules, "__getattr__" in vars(sys.modules["sqlalchemy.ext.asyncio"]),
              "prometheus_client.exposition" in sys.modules)
        """
    )
    assert found.split() == ["False", "True", "False"]


def test_a_deferred_package_is_the_same_as_a_plain_import_once_used() -> None:
    packages = (*LANGGRAPH_UNUSED, *SQLALCHEMY_ASYNC_UNUSED, *PROMETHEUS_UNUSED)
    public = f"""
        import importlib, json
        print(json.dumps({{name: [n for n in dir(importlib.import_module(name)) if not n.startswith("_")]
                          for name in {packages!r}}}))
    """
    plain = json.loads(_python(public))
    deferred = json.loads(
        _python(
            textwrap.dedent(
                f"""
                from alma.lean_imports import defer_package_bodies
                defer_package_bodies({packages!r})
                from langgraph.graph import MessagesState, StateGraph   # a name asked for: the body runs
                from langgraph_sdk import get_client
                assert callable(get_client) and MessagesState and StateGraph
                """
            )
            + textwrap.dedent(public)
        )
    )
    assert deferred == plain
    assert set(plain) == set(packages)
    assert all(plain.values())


def test_a_package_body_runs_once_when_two_threads_ask_at_the_same_moment(tmp_path: Path) -> None:
    package = tmp_path / "probe_pkg"
    package.mkdir()
    (package / "sub.py").write_text("VALUE = 1\n")
    (tmp_path / "probe_sync.py").write_text("import threading\nASKING = threading.Event()\n")
    # The body stays open until the second thread is asking too, so the two really overlap.
    (package / "__init__.py").write_text(
        f"import probe_sync\nopen({str(tmp_path / 'runs')!r}, 'a').write('ran\\n')\n"
        "assert probe_sync.ASKING.wait(10)\nANSWER = 42\n"
    )
    out = _python(
        """
        import sys, threading
        import probe_sync
        from alma.lean_imports import defer_package_bodies
        defer_package_bodies(("probe_pkg",))
        import probe_pkg.sub                       # a submodule imports without the body
        assert "__getattr__" in vars(sys.modules["probe_pkg"]) and probe_pkg.sub.VALUE == 1
        answers = []
        def first():
            answers.append(probe_pkg.ANSWER)
        def second():
            probe_sync.ASKING.set()
            answers.append(probe_pkg.ANSWER)
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for t in threads: t.start()
        for t in threads: t.join()
        try:
            probe_pkg.MISSING
        except AttributeError as exc:
            print(answers, exc)
        """,
        path=tmp_path,
    )
    assert out.strip() == "[42, 42] module 'probe_pkg' has no attribute 'MISSING'"
    assert (tmp_path / "runs").read_text() == "ran\n"


def test_an_imported_or_missing_package_is_left_alone() -> None:
    out = _python(
        """
        import sys, json
        import langgraph_sdk
        from alma.lean_imports import defer_package_bodies
        defer_package_bodies(("langgraph_sdk", "no_such_package_here"))
        print(json.dumps(["__getattr__" in vars(langgraph_sdk), "no_such_package_here" in sys.modules]))
        """
    )
    assert json.loads(out) == [False, False]
