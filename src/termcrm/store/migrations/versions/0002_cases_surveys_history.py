"""Service cases, satisfaction survey scores, stage history and stay-in-touch cadence.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import termcrm.store.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = termcrm.store.types.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cadence_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("metric", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("score", sa.Integer(), nullable=True))

    op.create_table(
        "cases",
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=True),
        sa.Column("opened_at", UTC(timezone=True), nullable=False),
        sa.Column("resolved_at", UTC(timezone=True), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_contact_id", ["contact_id"], unique=False)
        batch_op.create_index("ix_cases_opened_at", ["opened_at"], unique=False)
        batch_op.create_index("ix_cases_owner", ["owner"], unique=False)
        batch_op.create_index("ix_cases_resolved_at", ["resolved_at"], unique=False)
        batch_op.create_index("ix_cases_status", ["status"], unique=False)

    for owner, fk in (("contact", "contacts.id"), ("deal", "deals.id")):
        table = f"{owner}_stage_changes"
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column(f"{owner}_id", sa.Integer(), nullable=False),
            sa.Column("from_stage", sa.String(length=16), nullable=True),
            sa.Column("to_stage", sa.String(length=16), nullable=False),
            sa.Column("changed_at", UTC(timezone=True), nullable=False),
            sa.Column("changed_by", sa.String(length=100), nullable=True),
            sa.ForeignKeyConstraint([f"{owner}_id"], [fk], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(f"ix_{table}_changed", table, ["changed_at"], unique=False)
        op.create_index(f"ix_{table}_{owner}", table, [f"{owner}_id", "changed_at"], unique=False)

    # Existing records get their current stage as the first history row, dated at creation,
    # so conversion and retention figures cover data from before this migration.
    op.execute(
        "INSERT INTO contact_stage_changes (contact_id, from_stage, to_stage, changed_at) "
        "SELECT id, NULL, stage, created_at FROM contacts"
    )
    op.execute(
        "INSERT INTO deal_stage_changes (deal_id, from_stage, to_stage, changed_at) "
        "SELECT id, NULL, stage, COALESCE(closed_at, created_at) FROM deals"
    )


def downgrade() -> None:
    for owner in ("deal", "contact"):
        table = f"{owner}_stage_changes"
        op.drop_index(f"ix_{table}_{owner}", table_name=table)
        op.drop_index(f"ix_{table}_changed", table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for name in ("status", "resolved_at", "owner", "opened_at", "contact_id"):
            batch_op.drop_index(f"ix_cases_{name}")
    op.drop_table("cases")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_column("score")
        batch_op.drop_column("metric")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("cadence_days")
