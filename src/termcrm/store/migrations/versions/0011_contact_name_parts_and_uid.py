"""Structured names and vCard UIDs on contacts.

`first_name`, `middle_name`, `last_name`, `name_prefix`, `name_suffix`: the parts of a
name (vCard `N`) when a file or the user gives them, so that "Dr. Mark Schröder II" exports
`N:Schröder;Mark;;Dr.;II`; `name` stays the display name. `uid`: the UID a vCard brought, so
that exporting the contact again gives other address books the same card. Nullable text
columns: existing contacts keep NULL (their N is derived from the display name on export,
their UID is `contact-ID@termcrm`).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("first_name", 100),
    ("middle_name", 100),
    ("last_name", 100),
    ("name_prefix", 100),
    ("name_suffix", 100),
    ("uid", 255),
)


def upgrade() -> None:
    for name, length in COLUMNS:
        op.add_column("contacts", sa.Column(name, sa.String(length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        for name, _length in reversed(COLUMNS):
            batch.drop_column(name)
