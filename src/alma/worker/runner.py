"""One worker process: procrastinate's worker over the deployment queue, plus what procrastinate leaves
to its users — taking over the jobs of workers that stopped sending heartbeats (killed, or their machine
gone), and a Prometheus endpoint for this process's own domain metrics."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket

import procrastinate
from procrastinate.exceptions import ConnectorException

from alma.bootstrap import build
from alma.errors import ConfigurationError
from alma.jobs.queue import QUEUE
from alma.settings import Settings
from alma.worker.tasks import register

log = logging.getLogger("alma.worker")


async def run_worker(
    settings: Settings,
    *,
    concurrency: int = 4,
    name: str | None = None,
    metrics_port: int | None = None,
) -> None:
    """Run until interrupted (SIGINT/SIGTERM: jobs in flight finish first, up to a grace period)."""
    async with await build(settings) as services:
        jobs = services.jobs
        if jobs is None:
            raise ConfigurationError("`alma worker` needs ALMA_QUEUE=procrastinate (and PostgreSQL)")
        await jobs.open()
        register(jobs.app, services)
        if metrics_port is not None:
            from prometheus_client import start_http_server

            start_http_server(metrics_port, addr="127.0.0.1", registry=services.metrics.registry)
        recovery = asyncio.get_running_loop().create_task(_recover_stalled(jobs.app, settings))
        try:
            await jobs.app.run_worker_async(
                queues=[QUEUE],
                name=name or f"alma-worker@{socket.gethostname()}:{os.getpid()}",
                concurrency=concurrency,
                update_heartbeat_interval=settings.worker_heartbeat_s,
                stalled_worker_timeout=settings.worker_stalled_s,
                install_signal_handlers=True,
                listen_notify=True,
            )
        finally:
            recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await recovery


async def _recover_stalled(app: procrastinate.App, settings: Settings) -> None:
    """Jobs left ``doing`` by a worker whose heartbeat stopped are put back in the queue; whichever worker
    takes one continues its deployment from the checkpoint (and takes over the dead holder's stack lock)."""
    every = max(settings.worker_heartbeat_s, 0.5)
    while True:
        await asyncio.sleep(every)  # a background cadence, not a wait for a condition
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                queue=QUEUE, seconds_since_heartbeat=settings.worker_stalled_s
            )
            for job in stalled:
                log.warning("job %s (%s) was left by a stalled worker; queued again", job.id, job.task_name)
                await app.job_manager.retry_job(job)
        except (OSError, ConnectorException) as exc:
            log.warning("stalled-job check failed (will try again): %s", exc)
