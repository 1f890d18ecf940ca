"""Tables. Changed only through Alembic migrations in ``migrations/versions``."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
TS = sa.DateTime(timezone=True)

stacks = sa.Table(
    "stacks",
    metadata,
    sa.Column("name", sa.String(63), primary_key=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)

blueprints = sa.Table(
    "blueprints",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("stack", sa.String(63), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("created_by", sa.String(255), nullable=False),
    sa.UniqueConstraint("stack", "version", name="uq_blueprints_stack_version"),
    sa.UniqueConstraint("stack", "content_hash", name="uq_blueprints_stack_hash"),
)

plans = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("stack", sa.String(63), nullable=False, index=True),
    sa.Column("base_revision", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("blueprint_id", sa.Integer, sa.ForeignKey("blueprints.id"), nullable=True),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("created_by", sa.String(255), nullable=False),
    sa.Column("environment", sa.String(63), nullable=True),
    sa.Index("ix_plans_stack_kind", "stack", "kind", "created_at"),
)

deployments = sa.Table(
    "deployments",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("stack", sa.String(63), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(255), nullable=False),
    sa.Column("started_at", TS, nullable=False),
    sa.Column("finished_at", TS, nullable=True),
    sa.Column("summary", sa.JSON, nullable=False),
    sa.Column("snapshot", sa.JSON, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.UniqueConstraint("stack", "revision", name="uq_deployments_stack_revision"),
)

resources = sa.Table(
    "resources",
    metadata,
    sa.Column("stack", sa.String(63), primary_key=True),
    sa.Column("name", sa.String(63), primary_key=True),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("provider", sa.String(32), nullable=False),
    sa.Column("specs", sa.JSON, nullable=False),
    sa.Column("dependencies", sa.JSON, nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("external_id", sa.String(255), nullable=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)

locks = sa.Table(
    "locks",
    metadata,
    sa.Column("stack", sa.String(63), primary_key=True),
    sa.Column("holder", sa.String(255), nullable=False),
    sa.Column("reason", sa.String(255), nullable=False),
    sa.Column("token", sa.String(32), nullable=False),
    sa.Column("acquired_at", TS, nullable=False),
    sa.Column("expires_at", TS, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", TS, nullable=False),
    sa.Column("stack", sa.String(63), nullable=False),
    sa.Column("deployment_id", sa.String(32), nullable=True),
    sa.Column("resource", sa.String(63), nullable=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("actor", sa.String(255), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Index("ix_events_stack_id", "stack", "id"),
    sa.Index("ix_events_deployment_id", "deployment_id", "id"),
)

engine_kv = sa.Table(
    "engine_kv",
    metadata,
    sa.Column("namespace", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
)

iprs = sa.Table(
    "iprs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("stack", sa.String(63), nullable=False),
    sa.Column("title", sa.String(255), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("author", sa.String(255), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("reviewers", sa.JSON, nullable=False),
    sa.Column("deployment_id", sa.String(32), nullable=True),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    # The one run that waits for the IPR or applies it (claimed by compare-and-set; see IprRepository.claim_run).
    sa.Column("run_id", sa.String(32), nullable=True),
    sa.Column("run_claimed_at", TS, nullable=True),
    sa.Index("ix_iprs_stack_status", "stack", "status"),
)

ipr_revisions = sa.Table(
    "ipr_revisions",
    metadata,
    sa.Column("ipr_id", sa.Integer, sa.ForeignKey("iprs.id"), primary_key=True),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False),
    sa.Column("plan_hash", sa.String(64), nullable=False),
    sa.Column("base_revision", sa.Integer, nullable=False),
    sa.Column("created_by", sa.String(255), nullable=False),
    sa.Column("created_at", TS, nullable=False),
)

ipr_reviews = sa.Table(
    "ipr_reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ipr_id", sa.Integer, sa.ForeignKey("iprs.id"), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("reviewer", sa.String(255), nullable=False),
    sa.Column("verdict", sa.String(32), nullable=False),
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("at", TS, nullable=False),
    sa.Index("ix_ipr_reviews_ipr", "ipr_id", "id"),
)

conversation_sessions = sa.Table(
    "conversation_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("actor", sa.String(255), nullable=False),
    sa.Column("state", sa.JSON, nullable=False),  # focus, frustration and the like: the conversation layer's own
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)

conversation_messages = sa.Table(
    "conversation_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.String(64), sa.ForeignKey("conversation_sessions.id"), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("at", TS, nullable=False),
    sa.Index("ix_conversation_messages_session", "session_id", "id"),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(63), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False, unique=True),  # sha256 of the key: keys are random
    sa.Column("created_by", sa.String(255), nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("revoked_at", TS, nullable=True),
    # A name is one live key's: a revoked key's holder gets a new key under the same name (rotation).
    # Migration 0007 makes this partial index on both databases. Only SQLite's condition is declared here:
    # new embedded databases are created from this metadata, while a PostgreSQL keyword would import that
    # dialect into every command on the embedded default (~25 ms) for a declaration nothing reads.
    sa.Index(
        "uq_api_keys_live_name",
        "name",
        unique=True,
        sqlite_where=sa.text("revoked_at IS NULL"),
    ),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("scope", sa.String(64), primary_key=True),  # sha256 of the key's digest, route and Idempotency-Key
    sa.Column("body_hash", sa.String(64), nullable=False),  # the body the key was first used with
    sa.Column("status_code", sa.Integer, nullable=True),  # null while the first request is still running
    sa.Column("response", sa.Text, nullable=True),
    sa.Column("media_type", sa.String(127), nullable=True),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("lease_until", TS, nullable=True),  # an unfinished claim past this is taken over (0006)
)
