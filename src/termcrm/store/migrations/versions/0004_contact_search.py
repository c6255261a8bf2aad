"""Contact search index: an FTS5 trigram table over name, email, company and tags (SQLite).

Searching contacts by substring (`contact list --search`, the TUI's search box) is a
LIKE over four columns: a full scan, 150-400 ms on 100,000 contacts. This index finds the
candidate rows of a 3+ character search at once; the LIKE still decides, so results are
the same.

Writers are not slowed down by it: triggers only note the id of a contact that changed in
`contact_search_dirty` (a few microseconds; keeping the FTS table itself up to date in
triggers made bulk imports 4 times slower). Searches treat noted contacts as candidates
too, so results are right at once; `search_index.refresh_contact_search` folds them into the
index in small batches (the TUI does it in the background).
PostgreSQL gets nothing here and keeps the plain LIKE; so does a SQLite built without FTS5.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# the trigger text is shared with the bulk writer, which lifts two of them for big inserts
from termcrm.store.search_index import SEARCH_ROW, TRIGGERS, trigger_sql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = "contact_search(rowid, name, email, company, tags)"


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
    op.execute(f"INSERT INTO {COLUMNS} {SEARCH_ROW}")
    for name in TRIGGERS:
        op.execute(trigger_sql(name))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS contact_search")
    op.execute("DROP TABLE IF EXISTS contact_search_dirty")
