"""The Docker engine: containers, networks and volumes on one Docker daemon, owned through labels."""

from alma.engines.base import Engine, EngineContext
from alma.engines.docker.client import DockerConnection
from alma.engines.docker.engine import DockerEngine

__all__ = ["DockerEngine", "create_engine"]


def create_engine(context: EngineContext) -> Engine:
    """Entry point ``alma.engines: docker``. Talks to no daemon until first used."""
    settings = context.settings
    connection = DockerConnection(settings.docker_host, settings.docker_timeout_s)
    return DockerEngine(connection, default_bind=settings.docker_default_bind)
