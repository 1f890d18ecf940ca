"""Every template that renders for Docker plans against the real daemon."""

from __future__ import annotations

from pathlib import Path

import docker

from alma.templates import CATALOGUE
from tests.conftest import make_settings
from tests.integration.docker.daemon import HOST
from tests.integration.templates_plan import plan_every_template


async def test_every_docker_template_plans_against_the_real_daemon(
    sdk: docker.DockerClient, stack: str, tmp_path: Path
) -> None:
    planned = await plan_every_template(make_settings(tmp_path / "home", docker_host=HOST), "docker", stack)
    assert planned == [t.name for t in CATALOGUE if "docker" in t.providers]
    assert not sdk.containers.list(all=True, filters={"label": f"alma.stack={stack}-0"})  # planning made nothing
