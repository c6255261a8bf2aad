"""Contact search index: an FTS5 trigram table over name, email, company and tags (SQLite).

Searching contacts by substring (`contact list --search`, the TUI's search box) is a
LIKE over four columns: a full scan, 150-400 ms on 100,000 contacts. This index finds the
candidate rows of a 3+ character search at once; the LIKE still decides, so results are
the same.

Writers are not slowed down by it: triggers only note the id of a contact that changed in
`contact_search_dirty` (a few microseconds; keeping the FTS table itself up to date in
triggers made bulk imports 4 times slower). Searches treat noted contacts as candidates
too, so results are right at once; `dialect.refresh_contact_search` folds them into the
index in small batches (the TUI does it in the background).
PostgreSQL gets nothing here and keeps the plain LIKE; so does a SQLite built without FTS5.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the row of one contact, from the tables (nothing when the contact is gone)
ROW = """
    SELECT c.id, c.name, coalesce(c.email, ''), coalesce(co.name, ''),
           coalesce((SELECT group_concat(t.tag, ' ') FROM contact_tags t
                     WHERE t.contact_id = c.id), '')
    FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
"""
COLUMNS = "contact_search(rowid, name, email, company, tags)"
_NOTE = "INSERT OR IGNORE INTO contact_search_dirty (contact_id) VALUES"

TRIGGERS = {
    "contact_search_ai": f"AFTER INSERT ON contacts BEGIN {_NOTE} (new.id); END",
    "contact_search_au": "AFTER UPDATE OF name, email, company_id ON contacts BEGIN "
    f"{_NOTE} (new.id); END",
    "contact_search_ad": f"AFTER DELETE ON contacts BEGIN {_NOTE} (old.id); END",
    "contact_search_tag_ai": f"AFTER INSERT ON contact_tags BEGIN {_NOTE} (new.contact_id); END",
    "contact_search_tag_ad": f"AFTER DELETE ON contact_tags BEGIN {_NOTE} (old.contact_id); END",
    "contact_search_company_au": "AFTER UPDATE OF name ON companies BEGIN "
    "INSERT OR IGNORE INTO contact_search_dirty (contact_id) "
    "SELECT id FROM contacts WHERE company_id = new.id; END",
}


def _has_fts5(conn) -> bool:
    try:
        return bool(
            conn.execute(sa.text("SELECT sqlite_compileoption_used('ENABLE_FTS5')")).scalar()
        ) or _probe(conn)
    except sa.exc.DBAPIError:
        return False


def _probe(conn) -> bool:
    """FTS5 can be there without the compile option listed (a loadable build)."""
    try:
        with conn.begin_nested():
            conn.execute(sa.text("CREATE VIRTUAL TABLE temp._fts5_probe USING fts5(x)"))
            conn.execute(sa.text("DROP TABLE temp._fts5_probe"))
        return True
    except sa.exc.DBAPIError:
        return False


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite" or not _has_fts5(conn):
        return
    op.execute(
        "CREATE VIRTUAL TABLE contact_search USING fts5("
        "name, email, company, tags, tokenize = 'trigram')"
    )
    op.execute("CREATE TABLE contact_search_dirty (contact_id INTEGER PRIMARY KEY)")
    op.execute(f"INSERT INTO {COLUMNS} {ROW}")
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS contact_search")
    op.execute("DROP TABLE IF EXISTS contact_search_dirty")
