"""``alma worker``: runs the deployment jobs the API replicas queue (procrastinate on PostgreSQL)."""

from alma.worker.runner import run_worker

__all__ = ["run_worker"]
