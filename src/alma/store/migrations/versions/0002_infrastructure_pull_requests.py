"""infrastructure pull requests: iprs, their revisions and reviews; plans.environment

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("environment", sa.String(63), nullable=True))
    op.create_index("ix_plans_stack_kind", "plans", ["stack", "kind", "created_at"])
    op.create_table(
        "iprs",
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
    )
    op.create_index("ix_iprs_stack_status", "iprs", ["stack", "status"])
    op.create_table(
        "ipr_revisions",
        sa.Column("ipr_id", sa.Integer, sa.ForeignKey("iprs.id"), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("plan_hash", sa.String(64), nullable=False),
        sa.Column("base_revision", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "ipr_reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ipr_id", sa.Integer, sa.ForeignKey("iprs.id"), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("reviewer", sa.String(255), nullable=False),
        sa.Column("verdict", sa.String(32), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("at", TS, nullable=False),
    )
    op.create_index("ix_ipr_reviews_ipr", "ipr_reviews", ["ipr_id", "id"])


def downgrade() -> None:
    op.drop_table("ipr_reviews")
    op.drop_table("ipr_revisions")
    op.drop_table("iprs")
    op.drop_index("ix_plans_stack_kind", "plans")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("environment")
