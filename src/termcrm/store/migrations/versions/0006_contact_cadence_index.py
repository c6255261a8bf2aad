"""A partial index on contacts' own cadences, for the agenda's "going cold" section.

`today` first asks which explicit cadences are in use (`SELECT DISTINCT cadence_days ...`):
without an index that read every contact (100k in the benchmark data, ~15 ms of each
`termcrm today`); the index holds only the contacts that have their own cadence, so new
contacts without one (the common case, and every imported row) cost nothing extra to write
on SQLite.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = sa.text("cadence_days IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_contacts_cadence",
        "contacts",
        ["cadence_days"],
        sqlite_where=WHERE,  # PostgreSQL: a plain index (see store/models.py)
    )


def downgrade() -> None:
    op.drop_index("ix_contacts_cadence", table_name="contacts")
