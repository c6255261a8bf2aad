"""Contact search text: each indexed contact's name, email, company and tags in one folded
text, beside the trigram index of 0004 (SQLite).

A search of one or two characters is too short for trigrams. It was answered by a LIKE
on each of the four columns of the FTS table's copy, then the search rule again on every
row found: 25-40 ms on 100,000 contacts, most of a keystroke's budget in the TUI. One LIKE
on one text, with the fields (and the tags) kept apart by a separator no search can
match across, costs a third of that and finds exactly what the rule finds, so the rule
only decides the contacts changed since the last refresh.

The table is filled here from the FTS table (its fields already folded) and from then on
by `search_index.refresh_contact_search`, with the FTS table. Nothing on PostgreSQL or on
a SQLite without FTS5 (no 0004 table).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from termcrm.store.search_index import CONTACT_SEARCH, SEARCH_TEXT, SEARCH_TEXT_ROW

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    has_index = conn.execute(
        sa.text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"),
        {"n": CONTACT_SEARCH},
    ).first()
    if has_index is None:
        return
    op.execute(f"CREATE TABLE {SEARCH_TEXT} (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    op.execute(f"INSERT INTO {SEARCH_TEXT}(id, body) {SEARCH_TEXT_ROW}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP TABLE IF EXISTS {SEARCH_TEXT}")
