"""Importing a library without the parts of it a command never uses: a package's own body, deferred.

Some libraries' package ``__init__`` files import far more than the submodules we use. LangGraph's graph
API pulls the LangGraph SDK's HTTP and WebSocket clients (``langgraph_sdk/__init__``, for
``langgraph.runtime``'s one type ``langgraph_sdk.auth.types.BaseUser``), every LangSmith API type
(``langsmith.types/__init__``, for one enum module of it) and LangChain's message classes
(``langgraph.graph/__init__``, for ``MessagesState``): about 0.4 s of CPU on every applying command, half
of LangGraph's import. SQLAlchemy's ``sqlalchemy.ext.asyncio/__init__`` imports its ORM session (the ORM,
~50 ms) for an async engine that uses none of it; ``prometheus_client/__init__`` its HTTP exposition
(~25 ms) for counters that a command never serves.

``defer_package_bodies`` registers each such package as a module whose submodules import normally but
whose own ``__init__`` runs only when someone asks the package for a name that is not one of its
submodules (or calls ``dir()`` on it): then it runs in full, in place, once, and the package is exactly
what a plain import gives. Nothing is stubbed or left out — anything that uses the rest later still gets
it, only later. A package already imported, or not installed, is left alone. Only for packages whose
``__init__`` rebinds none of its submodules' names (a submodule asked for before the body ran is the
submodule). ``tests/unit/test_lean_imports.py`` checks a run and the store's engine import none of the
deferred bodies, and each package is the same as a plain import once used.

A plain module (not a package) can be deferred the same way: its whole body runs when it is first asked
for a name. LangChain and LangSmith import, at module level, a few modules that only the functions of
LangSmith tracing and HTTP uploads use, never an ALMA run; these are deferred too (``LANGGRAPH_UNUSED``;
the figures are their ``-X importtime`` self times on a busy shared machine, ~37 ms in all):

- ``langsmith.env`` and ``langsmith.env._runtime_env`` (~18 ms, most of it ``psutil``): imported as modules
  (``from langsmith import env as ls_env`` in ``langsmith.client``, ``from langsmith.env import
  _runtime_env`` in ``langsmith.run_helpers``), read only in the functions that describe the runtime to a
  LangSmith server. Deferring ``_runtime_env`` rather than ``psutil`` keeps its ``try: import psutil`` whole.
- ``requests_toolbelt`` and ``requests_toolbelt.multipart`` (~6 ms): ``langsmith._internal._multipart``
  imports the ``multipart`` submodule as a module and uses its encoder only to upload traces.
- ``distro`` (~7 ms, with ``argparse``, ``gettext`` and ``shlex``): ``import distro`` in
  ``langsmith._base_client``, called only to name the platform in the headers of a LangSmith API request.
- ``jsonpatch`` (~2 ms, with ``jsonpointer``): ``import jsonpatch`` in ``langchain_core.tracers.log_stream``,
  used only by ``astream_log``'s patches.
- ``langsmith._internal._profiles`` and ``._addressing`` (~3.5 ms): imported as modules by
  ``langsmith.client`` and ``langsmith.run_trees``/``run_helpers``; used only when a LangSmith client reads
  its profile and when a run is traced to an address (``client``'s one class-level use is an annotation,
  never evaluated under its ``from __future__ import annotations``).

Not deferred, because a plain import would differ: ``requests`` (``from requests import HTTPError, Response``
in ``langchain_core.utils.utils``), ``langsmith.client``/``langsmith.schemas`` (``from langsmith.client import
Client``; ``RunTree`` subclasses ``schemas.RunBase``), ``httpx2`` (subclassed by ``langsmith._base_client``),
``langchain_protocol`` and ``tenacity`` (names imported at module level), ``charset_normalizer`` (``requests``
reads its ``__version__``), ``idna`` and ``requests.packages`` (``requests.packages`` aliases the submodules it
finds in ``sys.modules``), ``encodings.idna`` (``requests.models`` imports it early on purpose, for threads).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

# LangGraph's graph API and checkpointers need submodules of the first three only, and no run uses the
# rest: LangSmith tracing and uploads (see above). A parent comes before its submodules.
LANGGRAPH_UNUSED = (
    "langgraph_sdk",
    "langsmith.types",
    "langgraph.graph",
    "langsmith.env",
    "langsmith.env._runtime_env",
    "langsmith._internal._profiles",
    "langsmith._internal._addressing",
    "requests_toolbelt",
    "requests_toolbelt.multipart",
    "distro",
    "jsonpatch",
)
# An async engine needs ``sqlalchemy.ext.asyncio.engine`` and what it imports, not the ORM session.
SQLALCHEMY_ASYNC_UNUSED = ("sqlalchemy.ext.asyncio",)
# Counting needs ``prometheus_client.metrics`` and ``.registry``, not the exposition's HTTP servers.
PROMETHEUS_UNUSED = ("prometheus_client",)


def defer_package_bodies(names: tuple[str, ...]) -> None:
    """Register each not-yet-imported package in ``names`` with its ``__init__`` deferred, and each plain
    module with its body deferred (see the module)."""
    for name in names:
        if name in sys.modules:
            continue
        parent, _, child = name.rpartition(".")
        if parent and parent not in sys.modules:
            importlib.import_module(parent)  # a parent's own body is not deferred; find_spec needs it
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            continue  # not installed, or a loader that cannot run a body later: nothing to defer
        module = sys.modules[name] = _deferred(name, spec)
        if parent:
            setattr(sys.modules[parent], child, module)  # as a finished import leaves it


def _deferred(name: str, spec: Any) -> ModuleType:
    module = importlib.util.module_from_spec(spec)  # __path__, __spec__ and __file__ set, body not run
    is_package = spec.submodule_search_locations is not None
    lock = threading.RLock()
    started = False

    def load() -> None:
        # The first caller runs the body; a second thread asking meanwhile waits for it on the lock; the
        # body's own lookups of names it has not defined yet (same thread, re-entering) fail as they would
        # during a plain import.
        nonlocal started
        with lock:
            if started:
                return
            started = True
            try:
                spec.loader.exec_module(module)
            finally:
                for hook, ours in (("__getattr__", load_then_get), ("__dir__", names)):
                    if module.__dict__.get(hook) is ours:  # the body may have defined its own
                        del module.__dict__[hook]

    def load_then_get(attribute: str) -> Any:
        """Only reached for names the module does not have (yet)."""
        if not started and is_package and not attribute.startswith("__") and _is_submodule(f"{name}.{attribute}"):
            # ``from package import submodule`` (``from . import exc`` inside a sibling) asks the package
            # first: the submodule is the answer, and the body is still not needed.
            return importlib.import_module(f"{name}.{attribute}")
        load()
        if attribute in module.__dict__:
            return module.__dict__[attribute]
        own = module.__dict__.get("__getattr__")  # the package's own module-level __getattr__, if any
        if own is not None and own is not load_then_get:
            return own(attribute)
        raise AttributeError(f"module {name!r} has no attribute {attribute!r}")

    def names() -> list[str]:
        load()  # dir() lists what a plain import would have
        return sorted(module.__dict__)

    module.__dict__["__getattr__"] = load_then_get
    module.__dict__["__dir__"] = names
    return module


def _is_submodule(name: str) -> bool:
    try:
        return name in sys.modules or importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


__all__ = ["LANGGRAPH_UNUSED", "PROMETHEUS_UNUSED", "SQLALCHEMY_ASYNC_UNUSED", "defer_package_bodies"]
