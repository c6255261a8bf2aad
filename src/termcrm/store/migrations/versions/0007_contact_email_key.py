"""One meaning of "the same email" and of search on every engine: `contacts.email_key`,
unique, and a search index holding folded text.

SQLite's `lower()` folds ASCII letters only, so under the old unique index on
`lower(email)` "jürgen@example.com" and "JÜRGEN@example.com" were two contacts on SQLite and
one on PostgreSQL (a copy from one to the other merged two people). The key is now computed
in Python, `termcrm.textfold.fold(email)` (NFKC + casefold), stored in `email_key` and kept
unique by the database on both engines.

Collisions already in a database (two contacts whose addresses differ only in letter case
beyond ASCII) are not merged and do not stop the upgrade: the contact with the lowest id
keeps the key, the others keep their address but no key, and each is listed on stderr now
and by `termcrm db check` until one of the pair gets another address (`contact edit`) or
the two are merged (docs/security.md).

The contact search index (SQLite FTS5, migration 0004) is rebuilt with its text as
`textfold.search_key` gives it (case and accents folded), as searches now fold what they look
for: "olstad" finds "Zoë Ölstad" on SQLite as on PostgreSQL.

Revision ID: 0007
Revises: 0009
Create Date: 2026-11-30
"""

import sys
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from termcrm.store.search_index import SEARCH_ROW
from termcrm.textfold import fold

revision: str = "0007"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    op.add_column("contacts", sa.Column("email_key", sa.String(320), nullable=True))
    rows = conn.execute(
        sa.text("SELECT id, email FROM contacts WHERE email IS NOT NULL ORDER BY id")
    ).all()
    holder: dict[str, tuple[int, str]] = {}
    keys, clashes = [], []
    for cid, email in rows:
        key = fold(email) if email and email.strip() else None
        if key is None:
            continue
        if key in holder:
            clashes.append((cid, email, *holder[key]))
            continue
        holder[key] = (cid, email)
        keys.append({"k": key, "i": cid})
    if keys:
        conn.execute(sa.text("UPDATE contacts SET email_key = :k WHERE id = :i"), keys)
    op.drop_index("ux_contacts_email_lower", table_name="contacts")
    op.create_index("ux_contacts_email_key", "contacts", ["email_key"], unique=True)
    _refold_search_index(conn)
    for cid, email, kept_id, kept in clashes:
        sys.stderr.write(
            f"termcrm: contact #{cid} <{email}> has the address of #{kept_id} <{kept}> in "
            f"another letter case; #{kept_id} keeps it as the unique one. Give #{cid} its own "
            "address or merge the two (`termcrm db check` lists what is left)\n"
        )


def _refold_search_index(conn) -> None:
    if conn.dialect.name != "sqlite":
        return
    found = conn.execute(
        sa.text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'contact_search'")
    ).first()
    if found is None:
        return
    op.execute("DELETE FROM contact_search")
    op.execute(f"INSERT INTO contact_search(rowid, name, email, company, tags) {SEARCH_ROW}")
    op.execute("DELETE FROM contact_search_dirty")


def downgrade() -> None:
    op.drop_index("ux_contacts_email_key", table_name="contacts")
    op.create_index("ux_contacts_email_lower", "contacts", [sa.text("lower(email)")], unique=True)
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("email_key")
