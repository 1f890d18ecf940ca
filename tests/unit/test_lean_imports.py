"""LangGraph and the store's engine load without the package and module bodies they never use, and each
deferred body still loads whole, once, the moment anything asks for it. Fresh interpreters: what is imported is
process-wide state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from alma.lean_imports import LANGGRAPH_UNUSED, PROMETHEUS_UNUSED, SQLALCHEMY_ASYNC_UNUSED


def _python(code: str, *args: str, path: Path | None = None, env: dict[str, str] | None = None) -> str:
    prefix = f"import sys; sys.path.insert(0, {str(path)!r})\n" if path is not None else ""
    done = subprocess.run(
        [sys.executable, "-c", prefix + textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_workflow_imports_langgraph_without_the_sdk_client_langsmith_types_message_classes_or_tracing() -> None:
    found = json.loads(
        _python(
            f"""
            import json, sys
            import alma.workflow.runner
            bodies_run = [n for n in {LANGGRAPH_UNUSED!r} if "__getattr__" not in vars(sys.modules[n])]
            print(json.dumps({{"loaded": sorted(sys.modules), "bodies_run": bodies_run}}))
            """
        )
    )
    assert "langgraph.graph.state" in found["loaded"]  # the run's graph API is there
    never = {"langgraph_sdk.client", "langgraph.graph.message", "langsmith.types.custom_charts_section"}
    never |= {"psutil", "distro.distro", "requests_toolbelt.multipart.encoder", "jsonpointer"}  # LangSmith's
    assert not never & set(found["loaded"])
    assert found["bodies_run"] == []


# What LangChain and LangSmith do with the modules deferred for them, when tracing or streaming a log: each
# use goes through the module that imported the deferred one, and must come out as with a plain import.
_LIBRARY_USES = """
import json, sys
if sys.argv[1] == "deferred":
    import alma.workflow.runner  # noqa: F401  (defers them)
from langchain_core.tracers.log_stream import RunLogPatch
from langsmith import env as ls_env, run_helpers
from langsmith._base_client import get_platform
from langsmith._internal import _addressing, _multipart, _profiles
waiting = sorted(n for n, m in sys.modules.items() if "__getattr__" in vars(m) and "__builtins__" not in vars(m))
patched = RunLogPatch({"op": "add", "path": "", "value": {"a": [1]}})
patched += RunLogPatch({"op": "add", "path": "/a/-", "value": 2})
body = _multipart.RewindableMultipartBody([("run", (None, b"{}", "application/json", {}))], boundary="b0")
print(json.dumps({
    "waiting": waiting,
    "jsonpatch": patched.state,
    "distro": str(get_platform()),
    "env": ls_env.get_runtime_environment(),
    "psutil": sorted(run_helpers._runtime_env.get_system_metrics()),
    "requests_toolbelt": body.to_bytes().decode(),
    "addressing": _addressing.check_address(None),
    "profiles": repr(_profiles.load_profile_client_config(profile=None, config_path=sys.argv[2])),
}))
"""


def test_langsmith_and_langchain_get_the_deferred_modules_whole_when_they_use_them(tmp_path: Path) -> None:
    no_profiles = str(tmp_path / "no-profiles.toml")
    plain, deferred = (json.loads(_python(_LIBRARY_USES, way, no_profiles)) for way in ("plain", "deferred"))
    # Before the uses, only the deferred process still waited for those bodies.
    assert plain.pop("waiting") == [] and set(deferred.pop("waiting")) >= set(LANGGRAPH_UNUSED[3:])
    assert deferred == plain
    assert plain["jsonpatch"] == {"a": [1, 2]} and "--b0--" in plain["requests_toolbelt"]
    assert {"cpu", "mem"} <= set(plain["psutil"])


def test_a_whole_apply_runs_none_of_the_deferred_bodies(tmp_path: Path) -> None:
    resources = "".join(
        f"  - {{type: compute, name: r{i}, provider: fake, specs: {{cores: 1, memory: 256MiB}},"
        f" dependencies: [{f'r{i - 1}' if i else ''}]}}\n"
        for i in range(3)
    )
    blueprint = tmp_path / "chain.yaml"
    blueprint.write_text(f'version: "1.0"\nname: lean-chain\nresources:\n{resources}')
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_")}
    env.update(ALMA_HOME=str(tmp_path / "home"), ALMA_FAKE_LATENCY_MS="0")
    report = tmp_path / "bodies_run.json"
    # The command as ``python -m alma`` runs it; at exit, each deferred module that is there says whether
    # its body ran (its hooks are gone once it has).
    out = _python(
        f"""
        import atexit, json, runpy, sys
        def report():
            with open({str(report)!r}, "w") as file:
                json.dump({{n: "__getattr__" not in vars(sys.modules[n])
                           for n in {LANGGRAPH_UNUSED!r} if n in sys.modules}}, file)
        atexit.register(report)
        sys.argv = ["alma", "apply", {str(blueprint)!r}, "--yes", "--json"]
        runpy.run_module("alma", run_name="__main__", alter_sys=True)
        """,
        env=env,
    )
    assert json.loads(out)["status"] == "succeeded"
    assert json.loads(report.read_text()) == dict.fromkeys(LANGGRAPH_UNUSED, False)


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


def test_a_deferred_package_or_module_is_the_same_as_a_plain_import_once_used() -> None:
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
