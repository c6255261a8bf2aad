"""The contact search index (SQLite FTS5, migration 0004): its triggers' SQL, the
candidate look-ups the search policy uses, and folding changed contacts into it."""

from __future__ import annotations

import weakref

from sqlalchemy import Engine, text

from termcrm.store.sqlfunc import SEARCH_KEY_SQL
from termcrm.textfold import search_key

#: the FTS5 trigram table of migration 0004 (SQLite only)
CONTACT_SEARCH = "contact_search"
#: migration 0013's table beside it: each indexed contact's four fields in one folded text
SEARCH_TEXT = "contact_search_text"
#: what separates the fields (and the tags) in `SEARCH_TEXT`: a search holding it is not
#: looked up there (`contact_search_exact`), so no match can span two fields
FIELD_SEPARATOR = "\x1f"

_NOTE = "INSERT OR IGNORE INTO contact_search_dirty (contact_id) VALUES"

#: the triggers of migration 0004, by name: each only notes a changed contact in
#: `contact_search_dirty`. The migration creates them from here, and `bulk.bulk_insert`
#: lifts the two AFTER INSERT ones only when their stored text is exactly this.
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

#: the AFTER INSERT note triggers a bulk insert may lift, by table: (trigger, the column
#: holding the contact id)
NOTE_ON_INSERT = {
    "contacts": ("contact_search_ai", "id"),
    "contact_tags": ("contact_search_tag_ai", "contact_id"),
}


def trigger_sql(name: str) -> str:
    """The statement creating trigger `name`, as SQLite keeps it in `sqlite_master`."""
    return f"CREATE TRIGGER {name} {TRIGGERS[name]}"


_search_ready: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()
#: with more contacts than this waiting to be indexed, searches do without the index
STALE_MAX = 5000


def not_a_model_table(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's `include_object`: the search index (the FTS5 table and its shadow
    tables) is made by a migration, not by the models, so autogenerate leaves it alone."""
    return not (type_ == "table" and name and name.startswith(CONTACT_SEARCH))


def contact_search_candidates(session, text_: str):
    """A subquery of the contact ids whose name, email, company or tags may contain
    `text_` (a superset: callers still apply their LIKE), or None when no index helps:
    PostgreSQL, SQLite without FTS5, or fewer than 3 characters (trigrams)."""
    from sqlalchemy import Integer, column

    needle = search_key(text_)
    if len(needle) < 3:
        return None
    if not _search_index_usable(session):
        return None
    phrase = '"' + needle.replace('"', '""') + '"'
    # contacts changed since the index was last refreshed are candidates as they stand
    return (
        text(
            f"SELECT rowid FROM {CONTACT_SEARCH} WHERE {CONTACT_SEARCH} MATCH :phrase"
            f" UNION ALL SELECT contact_id FROM {CONTACT_SEARCH}_dirty"
        )
        .bindparams(phrase=phrase)
        .columns(column("rowid", Integer))
    )


def _search_index_usable(session) -> bool:
    """SQLite with the search index, and not too much waiting to be folded into it."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    key = getattr(bind, "engine", bind)
    if key not in _search_ready:
        found = session.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"),
            {"n": CONTACT_SEARCH},
        ).first()
        _search_ready[key] = found is not None
    if not _search_ready[key]:
        return False
    backlog = session.execute(
        text(f"SELECT 1 FROM {CONTACT_SEARCH}_dirty LIMIT 1 OFFSET :n"), {"n": STALE_MAX}
    ).first()
    # too much not yet indexed (a bulk import): the plain LIKE is faster
    return backlog is None


def contact_search_exact(session, pattern: str):
    """For searches too short for trigrams: `(matches, unindexed)`, two subqueries of
    contact ids, or None where there is no index (see `contact_search_candidates`) or
    `pattern` holds the field separator.

    `matches` are the contacts whose indexed name, email, company or a tag is LIKE
    `pattern` (a `like_pattern` of a `search_key`, escaped with a backslash), and the
    contacts changed since the index was refreshed, which are `unindexed`. For all but
    those, `matches` is exactly what the search rule finds: `SEARCH_TEXT` holds the four
    fields folded by the same `search_key`, and a pattern without the separator matches
    within one of them. The rule must still decide the unindexed ones.

    One LIKE over one folded text a contact is ~3 times quicker than four over the FTS
    table's copy, and many times quicker than walking the name index when few contacts
    match. Subqueries, so the database runs each once for the query they are part of,
    instead of Python handing it thousands of ids as parameters."""
    from sqlalchemy import Integer, column

    if FIELD_SEPARATOR in pattern or not _search_index_usable(session):
        return None
    dirty = f"SELECT contact_id FROM {CONTACT_SEARCH}_dirty"
    matches = (
        text(
            f"SELECT id FROM {SEARCH_TEXT} WHERE body LIKE :p ESCAPE '\\'"
            f" AND id NOT IN ({dirty}) UNION ALL {dirty}"
        )
        .bindparams(p=pattern)
        .columns(column("id", Integer))
    )
    return matches, text(dirty).columns(column("contact_id", Integer))


def contact_search_sample(session, pattern: str, *, rows: int) -> int | None:
    """How many of the first `rows` indexed contacts (in id order, which has nothing to do
    with name order) match `pattern` as in `contact_search_exact`: how common a short
    search is, for a fraction of the price of scanning it all. None without the index."""
    if not _search_index_usable(session):
        return None
    return session.execute(
        text(
            f"SELECT count(*) FROM (SELECT body FROM {SEARCH_TEXT} LIMIT :n)"
            f" WHERE body LIKE :p ESCAPE '\\'"
        ),
        {"p": pattern, "n": rows},
    ).scalar_one()


#: the indexed row of each contact (name, email, company, tags), by contact id, each as
#: `textfold.search_key` gives it (case and accents folded: searches fold their text too)
SEARCH_ROW = f"""
    SELECT c.id, {SEARCH_KEY_SQL}(c.name), coalesce({SEARCH_KEY_SQL}(c.email), ''),
           coalesce({SEARCH_KEY_SQL}(co.name), ''),
           coalesce({SEARCH_KEY_SQL}((SELECT group_concat(t.tag, ' ') FROM contact_tags t
                     WHERE t.contact_id = c.id)), '')
    FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
"""

#: the `SEARCH_TEXT` row of each indexed contact, from its FTS row (name, email and company
#: already folded) and its tags folded one by one: the fields and the tags separated by
#: `FIELD_SEPARATOR`, so that no match spans two of them
SEARCH_TEXT_ROW = f"""
    SELECT s.rowid, s.name || char(31) || s.email || char(31) || s.company || char(31) ||
           coalesce((SELECT group_concat({SEARCH_KEY_SQL}(t.tag), char(31))
                     FROM contact_tags t WHERE t.contact_id = s.rowid), '')
    FROM {CONTACT_SEARCH} s
"""


def forget_contacts(session, ids: list[int]) -> None:
    """Remove deleted contacts from the search index at once, in the caller's transaction
    (their name, email, company and tags must not outlive them until the next refresh)."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite" or not ids:
        return
    exists = session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"),
        {"n": CONTACT_SEARCH},
    ).first()
    if exists is None:
        return
    marks = ", ".join(str(int(i)) for i in ids)
    session.execute(text(f"DELETE FROM {CONTACT_SEARCH} WHERE rowid IN ({marks})"))
    session.execute(text(f"DELETE FROM {SEARCH_TEXT} WHERE id IN ({marks})"))
    session.execute(text(f"DELETE FROM {CONTACT_SEARCH}_dirty WHERE contact_id IN ({marks})"))


def refresh_contact_search(session, *, batch: int = 2000) -> int:
    """Fold up to `batch` changed contacts into the search index (call it inside a write
    transaction); returns how many were folded in, 0 when the index is up to date or there
    is none. Triggers note changed contacts cheaply; this does the FTS work later, in
    small batches, so neither imports nor the write lock pay for it."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return 0
    exists = session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"),
        {"n": f"{CONTACT_SEARCH}_dirty"},
    ).first()
    if exists is None:
        return 0
    ids = [
        r[0]
        for r in session.execute(
            text(f"SELECT contact_id FROM {CONTACT_SEARCH}_dirty LIMIT :n"), {"n": batch}
        )
    ]
    if not ids:
        return 0
    marks = ", ".join(str(int(i)) for i in ids)
    session.execute(text(f"DELETE FROM {CONTACT_SEARCH} WHERE rowid IN ({marks})"))
    session.execute(
        text(
            f"INSERT INTO {CONTACT_SEARCH}(rowid, name, email, company, tags) "
            f"{SEARCH_ROW} WHERE c.id IN ({marks})"
        )
    )
    session.execute(text(f"DELETE FROM {SEARCH_TEXT} WHERE id IN ({marks})"))
    session.execute(
        text(f"INSERT INTO {SEARCH_TEXT}(id, body) {SEARCH_TEXT_ROW} WHERE s.rowid IN ({marks})")
    )
    session.execute(text(f"DELETE FROM {CONTACT_SEARCH}_dirty WHERE contact_id IN ({marks})"))
    return len(ids)


def forget_contact(session, contact_id: int) -> None:
    """Take a contact out of the search index at once and for good (erasure): its row, its
    note in the queue, and, by merging the index's segments (FTS5 `optimize`), the entries
    a plain delete would only mark as deleted. Call it inside the erasing transaction."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite" or not _index_exists(session):
        return
    session.execute(text(f"DELETE FROM {CONTACT_SEARCH} WHERE rowid = :i"), {"i": contact_id})
    session.execute(text(f"DELETE FROM {SEARCH_TEXT} WHERE id = :i"), {"i": contact_id})
    session.execute(
        text(f"DELETE FROM {CONTACT_SEARCH}_dirty WHERE contact_id = :i"), {"i": contact_id}
    )
    session.execute(text(f"INSERT INTO {CONTACT_SEARCH}({CONTACT_SEARCH}) VALUES ('optimize')"))


def _index_exists(session) -> bool:
    return (
        session.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"),
            {"n": CONTACT_SEARCH},
        ).first()
        is not None
    )
