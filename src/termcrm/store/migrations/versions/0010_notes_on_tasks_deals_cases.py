"""Notes on tasks, deals and cases (the long text `--edit` opens in $EDITOR), and a task's
recurring series.

Contacts and companies had free notes already; a task's details, a deal's background and a
case's description had nowhere to go. Nullable text columns: existing rows keep NULL.
`tasks.series_id` names the first task of a recurring series, so that a calendar export
keeps one UID for the series across completions (existing tasks: NULL, their own series).

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("tasks", "deals", "cases")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("notes", sa.Text(), nullable=True))
    op.add_column("tasks", sa.Column("series_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("series_id")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("notes")
