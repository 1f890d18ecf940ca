"""api key names: unique among live keys only, so a revoked key's holder can be given a new one

A key's name is the acting user (the author and reviewer of IPRs, the actor in events). Rotating a key is
revoking it and creating a new one for the same person, under the same name; a unique name over every key
ever made refused that. Names stay unique among live keys (a partial unique index). Going down fails while
two keys share a name (a revoked one and its successor): there is no older schema that can hold them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
LIVE = sa.text("revoked_at IS NULL")


def _table(unique_name: bool) -> sa.Table:
    """The table as 0004 made it (``unique_name``) or without the uniqueness of names."""
    return sa.Table(
        "api_keys",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(63), nullable=False, unique=unique_name),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
    )


def _set_unique_name(unique_name: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot drop a constraint: the table is copied into one declared without (or with) it.
        with op.batch_alter_table("api_keys", recreate="always", copy_from=_table(unique_name)):
            pass
    elif unique_name:
        op.create_unique_constraint("api_keys_name_key", "api_keys", ["name"])
    else:
        op.drop_constraint("api_keys_name_key", "api_keys", type_="unique")  # PostgreSQL's name for it


def upgrade() -> None:
    _set_unique_name(False)
    op.create_index(
        "uq_api_keys_live_name", "api_keys", ["name"], unique=True, sqlite_where=LIVE, postgresql_where=LIVE
    )


def downgrade() -> None:
    op.drop_index("uq_api_keys_live_name", table_name="api_keys")
    _set_unique_name(True)
