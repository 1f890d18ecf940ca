"""Deployment jobs on a queue in PostgreSQL (procrastinate): submitted by any API replica, run by
``alma worker`` processes. Only the submitting side lives here; the tasks run in ``alma.worker``."""

from alma.jobs.queue import APPLY_TASK, DRIFT_TASK, JobQueue, QueuedRun, procrastinate_app

__all__ = ["APPLY_TASK", "DRIFT_TASK", "JobQueue", "QueuedRun", "procrastinate_app"]
