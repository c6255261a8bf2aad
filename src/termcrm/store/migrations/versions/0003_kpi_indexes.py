"""Covering indexes for the KPI report: open pipeline, won deals, recent stage changes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

`termcrm report` must stay fast on large databases (100k contacts, 50k deals): these let it
read the open pipeline, the won value per customer and the stage changes since a moment from indexes
alone instead of looking up every row. The history indexes replace the single-column
`changed_at` ones of 0002 under the same names (same leading column).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HISTORY = (("contact_stage_changes", "contact_id"), ("deal_stage_changes", "deal_id"))


def upgrade() -> None:
    op.create_index(
        "ix_deals_pipeline", "deals", ["stage", "currency", "probability", "value_minor"]
    )
    op.create_index(
        "ix_deals_won_kpi", "deals", ["stage", "currency", "contact_id", "closed_at", "value_minor"]
    )
    for table, rid in HISTORY:
        op.drop_index(f"ix_{table}_changed", table_name=table)
        op.create_index(
            f"ix_{table}_changed", table, ["changed_at", "id", rid, "from_stage", "to_stage"]
        )


def downgrade() -> None:
    for table, _rid in HISTORY:
        op.drop_index(f"ix_{table}_changed", table_name=table)
        op.create_index(f"ix_{table}_changed", table, ["changed_at"])
    op.drop_index("ix_deals_won_kpi", table_name="deals")
    op.drop_index("ix_deals_pipeline", table_name="deals")
