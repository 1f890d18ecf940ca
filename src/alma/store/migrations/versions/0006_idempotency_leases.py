"""idempotency leases: an unfinished claim expires, so a retry after a crash proceeds

A claim is held for ``ALMA_API_IDEMPOTENCY_LEASE_S`` and renewed while its request runs; a claim whose
lease ran out (its server died mid-request) is taken over by the next retry. Claims made before this
revision have no lease and count as expired. The scope no longer includes the body: a key reused with a
different body is refused (422) instead of running again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as table:
        table.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as table:
        table.drop_column("lease_until")
