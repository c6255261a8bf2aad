"""Clean data and a person's rights: phones in E.164, consents, saved segments, the trash.

- `contacts.phone_e164` (indexed): each phone also in E.164, the key `contact dupes` blocks
  on; filled here for the contacts that exist (`termcrm/phones.py`).
- `contact_consents`: one row per contact and kind (`marketing`), yes or no, with its date.
- `segments`: saved contact filters by name (unique case-insensitively).
- `trash`: deleted records with their dependants as JSON snapshots, restorable for a while.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import termcrm.store.types
from termcrm.store import teamsql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = termcrm.store.types.UTCDateTime


def upgrade() -> None:
    # a plain ADD COLUMN: a batch rebuild of `contacts` would drop the search triggers (0004)
    op.add_column("contacts", sa.Column("phone_e164", sa.String(length=20), nullable=True))
    op.create_index("ix_contacts_phone_e164", "contacts", ["phone_e164"], unique=False)
    _fill_phones()

    op.create_table(
        "contact_consents",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", UTC(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("contact_id", "kind"),
    )
    op.create_table(
        "segments",
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("filters", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ux_segments_name_lower", "segments", [sa.text("lower(name)")], unique=True)
    op.create_table(
        "trash",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("deleted_at", UTC(timezone=True), nullable=False),
        sa.Column("deleted_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_trash_deleted_at", "trash", ["deleted_at"], unique=False)
    # team mode (PostgreSQL, 0009): the team's roles get these tables like the others
    teamsql.install(op.get_bind())


def _fill_phones() -> None:
    from termcrm.phones import default_region, e164

    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, phone FROM contacts WHERE phone IS NOT NULL"))
    region = default_region()
    values = [{"i": cid, "p": key} for cid, phone in rows if (key := e164(phone, region))]
    if values:
        conn.execute(sa.text("UPDATE contacts SET phone_e164 = :p WHERE id = :i"), values)


def downgrade() -> None:
    op.drop_table("trash")
    op.drop_table("segments")
    op.drop_table("contact_consents")
    op.drop_index("ix_contacts_phone_e164", table_name="contacts")
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_column("phone_e164")
