"""The deployment workflow against the real daemon: the example plans, and Check stops a deployment
whose names are taken by objects ALMA does not own, or whose images are missing while pulls are off."""

from __future__ import annotations

import json
from pathlib import Path

import docker

from alma.bootstrap import build
from tests.conftest import make_settings
from tests.helpers import run_plan
from tests.integration.docker.daemon import HOST, IMAGE, SLEEPER

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "docker-stack.yaml"


async def test_the_example_plans_and_check_refuses_an_image_that_may_not_be_pulled(
    sdk: docker.DockerClient, tmp_path: Path
) -> None:
    text = EXAMPLE.read_text()
    async with await build(make_settings(tmp_path / "home", docker_host=HOST)) as services:
        plan = (await services.plans.plan_blueprint(text, str(EXAMPLE))).plan
        assert plan.summary()["create"] == 4
        if any(image.tags and "nginx:1.27" in image.tags for image in sdk.images.list()):
            return  # someone has the image here: the refusal below cannot be shown on this host
        result = await run_plan(services, plan.id)
    assert result.outcome == "failed"
    assert result.error is not None
    assert "image 'nginx:1.27' is not on the Docker host and the spec says pull: never" in result.error
    assert result.report is None  # nothing ran: no pull, no container
    assert not sdk.containers.list(all=True, filters={"label": "alma.stack=shop"})


async def test_check_refuses_a_name_held_by_a_container_alma_does_not_own(
    sdk: docker.DockerClient, stack: str, tmp_path: Path
) -> None:
    foreign = sdk.containers.create(IMAGE + ":1", SLEEPER, name=f"{stack}_web")
    try:
        blueprint = json.dumps(
            {
                "version": "1.0",
                "name": stack,
                "resources": [
                    {
                        "type": "service",
                        "name": "web",
                        "provider": "docker",
                        "specs": {"image": IMAGE + ":1", "command": SLEEPER},
                    }
                ],
            }
        )
        async with await build(make_settings(tmp_path / "home", docker_host=HOST)) as services:
            plan = (await services.plans.plan_blueprint(blueprint)).plan
            result = await run_plan(services, plan.id)
        assert result.outcome == "failed"
        assert result.error is not None and f"a Docker container named '{stack}_web' already exists" in result.error
        foreign.reload()
        assert foreign.labels == {}  # untouched
    finally:
        foreign.remove(force=True)
