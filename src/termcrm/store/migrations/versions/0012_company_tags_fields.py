"""Tags and custom fields on companies, with the rules contacts' have (`services.labels`).

`company_tags` and `company_fields` mirror `contact_tags` and `contact_fields`: keyed by the
company and the tag (or field name), deleted with the company (the trash keeps them and puts
them back on restore). On PostgreSQL `teamsql.install` gives them the grants and row-level
security of the other tables: whoever may change the company may change its tags and fields.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from termcrm.store import teamsql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "company_tags",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("company_id", "tag"),
    )
    op.create_index("ix_company_tags_tag", "company_tags", ["tag"], unique=False)
    op.create_table(
        "company_fields",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("company_id", "key"),
    )
    teamsql.install(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_company_tags_tag", table_name="company_tags")
    op.drop_table("company_fields")
    op.drop_table("company_tags")
