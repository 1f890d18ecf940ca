"""The Proxmox VE engine (issue #3): LXC containers and QEMU VMs as ``compute`` resources."""

from __future__ import annotations

from alma.engines.base import Engine, EngineContext
from alma.engines.proxmox.engine import ProxmoxEngine


def create_engine(context: EngineContext) -> Engine:
    """Entry point ``alma.engines: proxmox``. Builds without any network access: the first request
    opens the connection (and says what is missing from the settings)."""
    return ProxmoxEngine(context.settings)


__all__ = ["ProxmoxEngine", "create_engine"]
