"""The writers' shared part: ids, stamps, owners, companies and contact references.

A writer validates and writes batches of rows of one record kind inside the import's
transaction (`pipeline.run_import`); one module per kind holds its own rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, text, update

from termcrm import dates
from termcrm.errors import Invalid, TermcrmError
from termcrm.services import refs, validate
from termcrm.services.transfer import values as cells
from termcrm.services.transfer.rows import ImportResult, Options, Row
from termcrm.services.transfer.sources import NAME_AND_EMAIL
from termcrm.store import bulk, sqlfunc
from termcrm.store.models import Company


class _Cache(dict):
    """A dict that forgets everything when it grows big, so memory stays flat."""

    def __init__(self, limit: int = 20_000) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key, value) -> None:
        if len(self) >= self.limit:
            self.clear()
        super().__setitem__(key, value)


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Ids:
    """New ids for one table, from the database.

    PostgreSQL: its id sequence (`nextval`, one round trip per batch), so concurrent writers
    never pick the same id. SQLite: the next rowid as SQLite itself assigns it (the largest
    plus one), counted on from there; safe because an import holds the database's write
    lock (`BEGIN IMMEDIATE`) from its first statement, so no other writer can take one.
    """

    def __init__(self, conn: Connection, table) -> None:
        self.conn = conn
        self.table = table
        self.sequence = conn.dialect.name == "postgresql"
        self.next: int | None = None

    def empty(self) -> bool:
        return self.conn.execute(select(self.table.c.id).limit(1)).first() is None

    def take(self, n: int) -> list[int]:
        if n <= 0:
            return []
        if self.sequence:
            return list(
                self.conn.execute(
                    text(
                        "SELECT nextval(pg_get_serial_sequence(:t, 'id')) "
                        "FROM generate_series(1, :n)"
                    ),
                    {"t": self.table.name, "n": n},
                ).scalars()
            )
        if self.next is None:
            top = self.conn.execute(select(func.max(self.table.c.id))).scalar()
            self.next = (top or 0) + 1
        first = self.next
        self.next += n
        return list(range(first, first + n))

    def keep(self, wanted: int) -> None:
        """A file's own id is used (restoring into an empty table): count on past it."""
        if not self.sequence and (self.next is None or wanted >= self.next):
            self.next = wanted + 1


def insert_new(conn: Connection, table, rows: list[dict[str, Any]]) -> set[int]:
    """Insert `rows` (with their ids); returns the ids of the rows that went in.

    On PostgreSQL a row that another transaction committed meanwhile (the same email or
    company name: the unique indexes decide) is left out instead of failing the whole
    import; the caller treats it as the duplicate it is. SQLite needs no such care: the
    import holds the write lock, so the duplicate check before the insert saw everything.
    """
    if not rows:
        return set()
    if conn.dialect.name != "postgresql":
        bulk.bulk_insert(conn, table, rows)
        return {r["id"] for r in rows}
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    stmt = pg_insert(table).on_conflict_do_nothing().returning(table.c.id)
    return set(conn.execute(stmt, rows).scalars())


class Writer:
    """Validates and writes batches of rows of one record kind."""

    table: Any = None

    def __init__(self, conn: Connection, result: ImportResult, opts: Options) -> None:
        self.conn = conn
        self.result = result
        self.opts = opts
        self.now = dates.now()
        self.companies = _Cache()
        self.contacts = _Cache()
        tbl = self.table.__table__
        self.ids = Ids(conn, tbl)
        self.company_ids = Ids(conn, Company.__table__)
        #: termcrm's own ids are kept when restoring into an empty table
        self.keep_ids = opts.own_format and self.ids.empty()
        db_lower = sqlfunc.db_lower

        def lower(value: str) -> str:
            # ASCII lowers the same everywhere; only the rest needs the database's rule
            return value.lower() if value.isascii() else db_lower(conn, value)

        self.lower = lower
        #: PostgreSQL: owners are team members (`owner_login`), looked up once per name
        self.team = conn.dialect.name == "postgresql"
        self.owners = _Cache()
        self._owner_rule = None
        self._me = None

    # shared helpers ---------------------------------------------------------------------

    def file_id(self, value: str) -> str:
        """The `id` cell of termcrm's own files, checked (it is kept when restoring)."""
        if value.strip() and self.opts.own_format:
            validate.record_id(value, self.result.kind[:-1])
        return value

    def wanted_id(self, values: dict[str, str]) -> int | None:
        """The file's own id, kept when restoring termcrm's files into an empty table."""
        if self.keep_ids and values.get("id", "").strip():
            wanted = validate.record_id(values["id"], self.result.kind[:-1])
            self.ids.keep(wanted)
            return wanted
        return None

    def owner(self, values: dict[str, str]) -> str | None:
        """The row's owner: its `owner` cell when the file has the column, else the acting
        user; checked by `owner_login`."""
        if "owner" in self.opts.columns:
            return self.owner_login(validate.text(values.get("owner"), "owner", max_len=100))
        return self.owner_login(self.opts.actor)

    def owner_login(self, owner: str | None) -> str | None:
        """`owner` by the rule of `services.team.owner_rule`: on PostgreSQL a team member
        (an unknown name makes the row bad), stored as their login is spelt; on SQLite free
        text."""
        if owner is None or not self.team:
            return owner
        found = self.owners.get(owner)
        if found is None:
            if self._owner_rule is None:
                from termcrm.services import team

                self._owner_rule = team.owner_rule(self.conn)
            found = self.owners[owner] = self._owner_rule(owner)
        return found

    def check_change(self, record_id: int) -> None:
        """PostgreSQL: `Invalid` (the row is bad) when the acting login may not change the
        stored record `record_id` (`--on-duplicate update`), by `services.team.refused`:
        its owner, anyone when it has none, and admins may. Row-level security would
        otherwise skip the update without a word."""
        if not self.team:
            return
        from termcrm.services import team
        from termcrm.store import teamsql

        if self._me is None:
            self._me = team.identity(self.conn)
        tbl = self.table.__table__
        column = teamsql.OWNED.get(tbl.name)
        if self._me is None or self._me.is_admin or column is None:
            return
        named = teamsql.AUDITED.get(tbl.name, (None, None))[1]
        owner, name = self.conn.execute(
            select(tbl.c[column], tbl.c[named] if named else text("NULL")).where(
                tbl.c.id == record_id
            )
        ).one()
        refusal = team.refused(self._me, team.record_label(tbl.name, record_id, name), owner)
        if refusal:
            raise Invalid(refusal)

    def stamps(self, values: dict[str, str]) -> tuple[datetime, datetime]:
        c = values.get("created_at", "")
        created = cells.parse_datetime(c, "created_at")[0] if c.strip() else self.now
        u = values.get("updated_at", "")
        if u.strip():
            # most records were never edited: the same text is the same instant (and the
            # same object lets the store's datetime conversion reuse its last result)
            updated = created if u == c else cells.parse_datetime(u, "updated_at")[0]
        else:
            updated = created if "created_at" in values else self.now
        return created, updated

    def history(self, values: dict[str, str], stages) -> list[tuple] | None:
        """The record's stage history from termcrm's own `stage_history` column (an empty
        cell there: none); None when the file has no such column (one entry is made)."""
        if "stage_history" in values:
            return cells.stage_history(values["stage_history"], stages)
        if self.opts.own_format and "stage_history" in self.opts.columns:
            return []
        return None

    def company_id(self, name: str | None) -> int | None:
        """The id of the company of that name (any case), created when new."""
        if not name:
            return None
        key = self.lower(name)
        cid = self.companies.get(key)
        if cid is None:
            self.prefetch_companies([name])
            cid = self.companies[key]
        return cid

    def prefetch_companies(self, names: Iterable[str]) -> None:
        """Resolve the batch's company names in one query; create the new ones in one insert."""
        wanted: dict[str, str] = {}
        for n in names:
            low = self.lower(n)
            if low not in self.companies:
                wanted.setdefault(low, n)
        for cid, low in bulk.select_in(
            self.conn,
            lambda part: select(Company.id, func.lower(Company.name)).where(
                func.lower(Company.name).in_(part)
            ),
            list(wanted),
            "SELECT id, lower(name) FROM companies WHERE lower(name) IN ({marks})",
        ):
            self.companies[low] = cid
            wanted.pop(low, None)
        if not wanted:
            return
        names = list(wanted.values())
        rows = [
            {"id": cid, "name": name, "created_at": self.now, "updated_at": self.now}
            for cid, name in zip(self.company_ids.take(len(names)), names, strict=True)
        ]
        inserted = insert_new(self.conn, Company.__table__, rows)
        for row in rows:
            if row["id"] in inserted:
                self.companies[self.lower(row["name"])] = row["id"]
        self.result.companies_created += len(inserted)
        if len(inserted) < len(rows):
            # another writer created some of them meanwhile (PostgreSQL): use theirs
            late = [low for low in wanted if low not in self.companies]
            for cid, low in self.conn.execute(
                select(Company.id, func.lower(Company.name)).where(
                    func.lower(Company.name).in_(late)
                )
            ):
                self.companies[low] = cid

    def _contact_reference(self, values: dict[str, str]) -> str | None:
        """The row's contact reference in `services.refs` terms: contact_email, else
        contact_id, else contact (an id, an email or a name, as on the command line)."""
        email = values.get("contact_email", "").strip()
        if email:
            if "@" not in email:
                raise Invalid(f"Invalid contact_email {email!r}: not an email address")
            return email
        if values.get("contact_id", "").strip():
            return f"#{validate.record_id(values['contact_id'], 'contact')}"
        other = values.get("contact", "").strip()
        if other and (m := NAME_AND_EMAIL.match(other.split(";")[0])):
            return m["email"]  # HubSpot's `Name (email)`
        return other or None

    def prefetch_contacts(self, rows: Iterable[dict[str, str]]) -> None:
        """Resolve the batch's contact references at once (`refs.contact_ids`)."""
        wanted = []
        for values in rows:
            try:
                ref = self._contact_reference(values)
            except Invalid:
                continue  # reported with its row
            if ref is not None and ref not in self.contacts:
                wanted.append(ref)
        for ref, found in refs.contact_ids(self.conn, wanted).items():
            self.contacts[ref] = found

    def contact_ref(self, values: dict[str, str], *, required: bool) -> int | None:
        """The id of the contact a row refers to (the rules of `services.refs`)."""
        ref = self._contact_reference(values)
        if ref is None:
            if required:
                raise Invalid("names no contact (give contact_email or contact_id)")
            return None
        found = self.contacts.get(ref)
        if found is None:  # not prefetched (or the cache was just emptied)
            found = self.contacts[ref] = refs.contact_ids(self.conn, [ref])[ref]
        if isinstance(found, TermcrmError):
            raise Invalid(found.message)
        return found

    # the batch loop ---------------------------------------------------------------------------

    def write(self, batch: list[tuple[int, Row]]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        if self.keep_ids:  # restored ids: the id sequence moves past them
            bulk.sync_id_sequence(self.conn, self.table.__tablename__)


#: How a row is recognised as already imported (besides its own id in termcrm files).
NATURAL_KEYS = {
    "companies": ("name",),
    "interactions": ("contact_id", "kind", "occurred_at", "summary"),
    "deals": ("contact_id", "title"),
    "tasks": ("contact_id", "title", "due_at"),
    "cases": ("contact_id", "subject", "opened_at"),
}


#: how a skip names the natural key it matched
_KEY_WORDS = {
    "companies": "name",
    "interactions": "contact, kind, time and summary",
    "deals": "contact and title",
    "tasks": "contact, title and due date",
    "cases": "contact, subject and opening time",
}


class RecordWriter(Writer):
    """Companies, interactions, deals, tasks and cases: validated, deduplicated by their
    natural key (in the database, which holds the earlier rows), bulk inserted."""

    def parse(self, v: dict[str, str]) -> dict[str, Any]:
        raise NotImplementedError

    def parse_row(self, row: Row) -> dict[str, Any]:
        return self.parse(row.values)

    def after_insert(self, recs: list[dict]) -> None:
        pass

    def after_update(self, record_id: int, rec: dict) -> None:
        pass

    def existing(self, rec: dict) -> int | None:
        tbl = self.table.__table__
        conds = []
        for key in NATURAL_KEYS[self.result.kind]:
            col = tbl.c[key]
            val = rec.get(key)
            if key == "name":
                conds.append(func.lower(col) == self.lower(val))
            elif key in ("opened_at",) and not rec.get("_has_" + key):
                continue
            elif val is None:
                conds.append(col.is_(None))
            else:
                conds.append(col == val)
        return self.conn.execute(select(tbl.c.id).where(*conds).limit(1)).scalar()

    def write(self, batch: list[tuple[int, Row]]) -> None:
        res = self.result
        tbl = self.table.__table__
        self.prefetch_contacts(row.values for _line, row in batch)
        new: list[dict] = []
        seen: dict[tuple, int] = {}
        for line, row in batch:
            try:
                rec = self.parse_row(row)
                self.file_id(row.values.get("id", ""))
            except Invalid as exc:
                res.add_bad(line, exc.message)
                continue
            key = tuple(
                (rec.get(k) or "").lower() if k == "name" else rec.get(k)
                for k in NATURAL_KEYS[res.kind]
            )
            existing = self.existing(rec)
            earlier = seen.get(key)
            if existing is None and earlier is None:
                seen[key] = line
                rec["id"] = self.wanted_id(row.values)
                new.append(rec)
                continue
            mode = self.opts.on_duplicate
            if mode == "error":
                where = f"#{existing}" if existing else f"line {earlier}"
                res.add_bad(line, f"duplicate of {res.kind[:-1]} {where}")
            elif mode == "skip" or existing is None:
                where = f"{res.kind[:-1]} #{existing}" if existing else f"line {earlier}"
                res.add_skip(
                    line,
                    f"same {_KEY_WORDS[res.kind]} as {where}",
                    existing=existing,
                    earlier=None if existing else earlier,
                )
            else:
                try:
                    self.check_change(existing)
                except Invalid as exc:
                    res.add_bad(line, exc.message)
                    continue
                values = {
                    k: val
                    for k, val in rec.items()
                    if k in tbl.c and k not in ("id", "created_at") and val is not None
                }
                values["updated_at"] = self.now
                self.conn.execute(update(tbl).where(tbl.c.id == existing).values(**values))
                self.after_update(existing, rec)
                res.updated += 1
        if new:
            fresh = iter(self.ids.take(sum(1 for r in new if r["id"] is None)))
            for r in new:
                if r["id"] is None:
                    r["id"] = next(fresh)
            rows = [{k: val for k, val in r.items() if k in tbl.c} for r in new]
            if res.writing:
                bulk.bulk_insert(self.conn, tbl, rows)
                self.after_insert(new)
            res.created += len(new)
