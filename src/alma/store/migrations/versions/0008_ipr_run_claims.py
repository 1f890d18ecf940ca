"""ipr run claims: an IPR names the one run that waits for it or applies it

Two `alma ipr apply N --when-approved` at the same instant each looked for a run of the IPR in the
checkpoints, found none and started one: two runs for one plan. A run now claims its IPR first, by a
compare-and-set of ``run_id`` (the row is the claim: one per IPR), and the second caller is told the
first's run. ``run_claimed_at`` says when, so a claim whose run never wrote a checkpoint (its process died
at once) can be taken over. IPRs waited for before this revision have no claim; their runs still end
themselves when they find the IPR applied by another.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("iprs") as table:
        table.add_column(sa.Column("run_id", sa.String(32), nullable=True))
        table.add_column(sa.Column("run_claimed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("iprs") as table:
        table.drop_column("run_claimed_at")
        table.drop_column("run_id")
