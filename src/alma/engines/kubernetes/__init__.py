"""The Kubernetes engine (entry point ``alma.engines: kubernetes``); see ``engine.py`` for what it does."""

from __future__ import annotations

from alma.engines.base import Engine, EngineContext
from alma.engines.kubernetes.client import KubeClient
from alma.engines.kubernetes.engine import KubernetesEngine
from alma.engines.kubernetes.kubeconfig import default_kubeconfig_path


def create_engine(context: EngineContext) -> Engine:
    """Builds the engine without touching the kubeconfig: a missing one is reported on first use."""
    settings = context.settings
    client = KubeClient(settings.kubeconfig or default_kubeconfig_path(), settings.kube_context)
    return KubernetesEngine(client, ready_timeout_s=settings.kube_ready_timeout_s)


__all__ = ["KubernetesEngine", "create_engine"]
