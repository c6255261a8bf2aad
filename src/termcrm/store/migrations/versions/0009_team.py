"""Team mode: an owner on companies, the audit trail, and on PostgreSQL the group roles,
grants, row-level security policies and audit triggers (`termcrm.store.teamsql`).

Revision ID: 0009
Revises: 0006
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import termcrm.store.types
from termcrm.store import teamsql

revision: str = "0009"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = termcrm.store.types.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner", sa.String(length=100), nullable=True))
        batch_op.create_index("ix_companies_owner", ["owner"], unique=False)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_record", ["entity", "record_id", "at"])
        batch_op.create_index("ix_audit_log_contact", ["contact_id", "at"])
        batch_op.create_index("ix_audit_log_at", ["at"])
    teamsql.install(op.get_bind())


def downgrade() -> None:
    op.drop_table("audit_log")
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_index("ix_companies_owner")
        batch_op.drop_column("owner")
