"""Alembic migrations. ``HEAD`` names the newest revision so start-up can skip Alembic entirely when the
database is current (a test checks it matches Alembic's own head)."""

HEAD = "0008"
