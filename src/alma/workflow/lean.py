"""Loading LangGraph without the parts a run never uses: the bodies of three packages are deferred.

LangGraph's graph API pulls, through package ``__init__`` files, things a local checkpointed graph never
touches: the LangGraph SDK's HTTP and WebSocket clients (``langgraph_sdk/__init__``, for
``langgraph.runtime``'s one type ``langgraph_sdk.auth.types.BaseUser``), every LangSmith API type
(``langsmith.types/__init__``, for one enum module of it) and LangChain's message classes
(``langgraph.graph/__init__``, for ``MessagesState``). That is about 0.4 s of CPU on every applying
command, half of LangGraph's import.

``defer_package_bodies`` registers each of those packages as a module whose submodules import normally
but whose own ``__init__`` runs only when someone asks the package for a name it has not got yet (its
first attribute lookup): then it runs in full, in place, and the package is exactly what a plain import
gives. Nothing is stubbed or left out — anything that uses them later still gets them, only later. A
package already imported, or not installed, is left alone. ``tests/unit/workflow/test_lean.py`` checks
that a run imports none of the deferred bodies and that each one still loads whole when used.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

# The packages whose bodies LangGraph's graph API does not need (it imports submodules of them only).
DEFERRED = ("langgraph_sdk", "langsmith.types", "langgraph.graph")


def defer_package_bodies(names: tuple[str, ...] = DEFERRED) -> None:
    """Register each not-yet-imported package in ``names`` with its ``__init__`` deferred (see the module)."""
    for name in names:
        if name in sys.modules:
            continue
        parent, _, _ = name.rpartition(".")
        if parent and parent not in sys.modules:
            importlib.import_module(parent)  # a parent's own body is not deferred; find_spec needs it
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or spec.submodule_search_locations is None:
            continue  # not installed, or not a package: nothing to defer
        module = sys.modules[name] = _deferred(name, spec)
        if parent:
            setattr(sys.modules[parent], name.rpartition(".")[2], module)  # as a finished import leaves it


def _deferred(name: str, spec: Any) -> ModuleType:
    module = importlib.util.module_from_spec(spec)  # __path__, __spec__ and __file__ set, body not run
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


__all__ = ["DEFERRED", "defer_package_bodies"]
