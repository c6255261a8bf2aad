"""Importing records from CSV (and vCard) files: all-or-nothing, deduplicated, streaming.

The file streams through in batches inside one write transaction: each batch is validated
row by row with the rules of the services (`validate.*`), deduplicated against the database
(which holds the earlier batches of the same file, so no in-memory set grows with the file),
and written with bulk SQLAlchemy Core inserts. A bad row is remembered with its file line and
reason and validation goes on to the end; if any row was bad, or this is a dry run, the
transaction rolls back and nothing is written.

Duplicates: contacts by email (case-insensitive), or by name and company when a row has no
email; companies by name; interactions, deals, tasks and cases by their natural key (see
`NATURAL_KEYS`). `on_duplicate` skips them (default), updates the existing record from the
file, or makes them bad rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy import delete as sa_delete

from termcrm import dates
from termcrm.errors import Invalid
from termcrm.services import csvmap, validate
from termcrm.services.csvsafe import ESCAPED_SECOND, split_list
from termcrm.store import bulk, sqlfunc
from termcrm.store.models import (
    Case,
    Company,
    Contact,
    ContactField,
    ContactStageChange,
    ContactTag,
    Deal,
    DealStageChange,
    Interaction,
    Task,
)
from termcrm.vocab import (
    ALL_INTERACTION_KINDS,
    CASE_PRIORITIES,
    CASE_STATUSES,
    CLOSED_DEAL_STAGES,
    CONTACT_STAGES,
    DEAL_STAGES,
    DIRECTIONS,
    SURVEY_METRICS,
    TASK_PRIORITIES,
)

KINDS = ("contacts", "companies", "interactions", "deals", "tasks", "cases")
ON_DUPLICATE = ("skip", "update", "error")
BATCH = 2000
MAX_REPORTED = 10_000

Progress = Callable[[int, int], None]

#: HubSpot lifecycle stages (labels and internal values, normalised) -> termcrm stages.
HUBSPOT_STAGES = {
    "subscriber": "lead",
    "lead": "lead",
    "other": "lead",
    "marketingqualifiedlead": "prospect",
    "mql": "prospect",
    "salesqualifiedlead": "prospect",
    "sql": "prospect",
    "opportunity": "prospect",
    "customer": "customer",
    "evangelist": "customer",
}


@dataclass
class BadRow:
    line: int
    reason: str


@dataclass
class ImportResult:
    kind: str
    path: str
    source_format: str = "CSV"
    encoding: str = "utf-8"
    delimiter: str = ","
    mapping: list[tuple[str, str]] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    companies_created: int = 0
    bad: list[BadRow] = field(default_factory=list)
    bad_total: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.bad_total == 0

    def add_bad(self, line: int, reason: str) -> None:
        self.bad_total += 1
        if len(self.bad) < MAX_REPORTED:
            self.bad.append(BadRow(line, reason))

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.path,
            "format": self.source_format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "companies_created": self.companies_created,
            "mapping": [{"column": c, "field": f} for c, f in self.mapping],
            "errors": [{"line": b.line, "reason": b.reason} for b in self.bad],
            "error_count": self.bad_total,
        }


class ImportFailed(Invalid):
    """Some rows were bad: nothing was written. Carries the full report."""

    def __init__(self, result: ImportResult) -> None:
        n = result.bad_total
        super().__init__(
            f"{n} bad row{'s' if n != 1 else ''} in {result.path}; nothing was imported"
        )
        self.result = result


class _Rollback(Exception):
    """Ends a dry run: the transaction rolls back."""


# -- values -----------------------------------------------------------------------------------

_DATE_FORMATS = (
    "%d %b %Y",  # LinkedIn: 15 Jun 2026
    "%d %B %Y",
    "%m/%d/%Y",  # US tools: Salesforce, HubSpot, Outlook
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%y",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%b %d, %Y",
    "%B %d, %Y",
)


def parse_datetime(value: str, what: str) -> tuple[datetime, bool]:
    """(aware UTC datetime, has_time) from ISO or the formats exports use; naive is local."""
    v = value.strip()
    try:
        dt = datetime.fromisoformat(v[:-1] + "+00:00" if v.endswith(("Z", "z")) else v)
    except ValueError:
        dt = None
    if dt is not None:
        has_time = len(v) > 10
    else:
        for fmt in _DATE_FORMATS:
            try:
                dt = datetime.strptime(v, fmt)
            except ValueError:
                continue
            has_time = "%H" in fmt or "%I" in fmt
            break
        else:
            try:
                when = dates.parse_when(v)
            except Invalid as exc:
                raise Invalid(f"Invalid {what} {value!r}: not a date") from exc
            return when.at, when.has_time
    if dt.tzinfo is None:
        dt = dt.astimezone()  # naive = local time
    return dt.astimezone(UTC), has_time


def parse_day(value: str, what: str) -> date:
    v = value.strip()
    try:
        return date.fromisoformat(v)
    except ValueError:
        return parse_datetime(v, what)[0].astimezone().date()


_SIMPLE_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})$"
)
_SPECIAL_TLDS = {"arpa", "invalid", "local", "localhost", "onion", "test"}


def email(value: str) -> str | None:
    """`validate.email`, with a fast path for plain ASCII addresses that gives the same
    normalised result (the domain lower-cased) without the validator's ~50 µs per call."""
    v = value.strip()
    if not v:
        return None
    m = _SIMPLE_EMAIL.match(v)
    if m and len(v) <= 254 and v.index("@") <= 64 and "--" not in m.group(1):
        domain = m.group(1).lower()
        if domain.rsplit(".", 1)[1] not in _SPECIAL_TLDS:
            return v[: v.index("@") + 1] + domain
    return validate.email(v)


def _bool(value: str, what: str) -> bool:
    v = value.strip().lower()
    if v in ("true", "yes", "y", "1", "x", "done"):
        return True
    if v in ("false", "no", "n", "0", ""):
        return False
    raise Invalid(f"Invalid {what} {value!r}: use true or false")


def _choice(values: dict[str, str], key: str, choices, default: str | None) -> str | None:
    """The cell `key` as one of `choices` (`validate.choice`), or `default` when blank."""
    raw = values.get(key, "").strip()
    return validate.choice(raw, choices, key) if raw else default


def _int(value: str, what: str) -> int:
    try:
        return int(value.strip())
    except ValueError as exc:
        raise Invalid(f"Invalid {what} {value!r}: a whole number") from exc


def _recur(value: str) -> str | None:
    """A recurrence rule as `task add --recur` takes it, in its canonical form."""
    from termcrm.services import recurrence

    return recurrence.normalize(value) if value.strip() else None


def contact_stage(value: str) -> str:
    """A termcrm stage, or a HubSpot lifecycle stage mapped onto one."""
    v = value.strip().lower()
    if v in CONTACT_STAGES:
        return v
    mapped = HUBSPOT_STAGES.get(csvmap.norm(v))
    if mapped:
        return mapped
    return validate.choice(value, CONTACT_STAGES, "stage")


# -- the import ---------------------------------------------------------------------------------


@dataclass
class Options:
    on_duplicate: str = "skip"
    actor: str | None = None
    own_format: bool = False
    columns: set[str] = field(default_factory=set)  # the fields the file has columns for


def import_file(
    store,
    kind: str,
    path: str | Path,
    *,
    overrides: Iterable[str] = (),
    dry_run: bool = False,
    on_duplicate: str = "skip",
    encoding: str | None = None,
    delimiter: str | None = None,
    actor: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import `path` as records of `kind`. Raises ImportFailed (exit 2) if any row is bad;
    on a dry run returns the result with nothing written."""
    if kind not in KINDS:
        raise Invalid(f"Unknown record type {kind!r}; choose one of: {', '.join(KINDS)}")
    on_duplicate = validate.choice(on_duplicate, ON_DUPLICATE, "--on-duplicate value")
    path = Path(path).expanduser()
    if kind == "contacts" and _is_vcard(path):
        from termcrm.services import vcard

        return vcard.import_vcard(
            store, path, dry_run=dry_run, on_duplicate=on_duplicate, actor=actor,
            encoding=encoding,
        )  # fmt: skip
    if _is_json(path):
        return import_json(
            store, kind, path, dry_run=dry_run, on_duplicate=on_duplicate, actor=actor,
            progress=progress,
        )  # fmt: skip
    from termcrm.services.csvread import open_source

    over = csvmap.parse_overrides(list(overrides))
    with open_source(
        path,
        csvmap.known_headers(kind) | set(over),
        encoding=encoding,
        delimiter=delimiter,
    ) as src:
        mapping = csvmap.build(kind, src.headers, over)
        result = ImportResult(
            kind=kind,
            path=str(path),
            source_format=mapping.source_format,
            encoding=src.encoding,
            delimiter=src.delimiter,
            mapping=mapping.describe(),
            dry_run=dry_run,
        )
        opts = Options(
            on_duplicate=on_duplicate,
            actor=actor,
            own_format=mapping.source_format == "termcrm",
            columns=set(mapping.sources),
        )
        rows = _rows(src, mapping, result, opts)
        run_import(store, kind, rows, result, opts, progress=progress, position=src)
    return result


def run_import(
    store,
    kind: str,
    rows: Iterator[tuple[int, csvmap.Row | None]],
    result: ImportResult,
    opts: Options,
    *,
    progress: Progress | None = None,
    position=None,
) -> ImportResult:
    """Validate and write `rows` (line, Row) in one transaction; roll back on any bad row."""
    writer_cls = WRITERS[kind]
    try:
        with store.write() as session, bulk.bulk_cache(session.connection()):
            conn = session.connection()
            writer = writer_cls(conn, result, opts)
            batch: list[tuple[int, csvmap.Row]] = []
            for line, row in rows:
                if row is None:
                    continue
                batch.append((line, row))
                if len(batch) >= BATCH:
                    writer.write(batch)
                    batch = []
                    if progress and position is not None:
                        progress(position.position(), position.size)
            if batch:
                writer.write(batch)
            writer.finish()
            if progress and position is not None:
                progress(position.size, position.size)
            if not result.ok:
                result.bad.sort(key=lambda b: b.line)
                raise ImportFailed(result)
            if result.dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return result


def _rows(src, mapping: csvmap.Mapping, result: ImportResult, opts: Options):
    width = len(mapping.headers)
    own = opts.own_format
    esc = ESCAPED_SECOND
    try:
        for line, cells in src.records():
            if len(cells) != width:
                if not "".join(cells).strip():
                    continue
                result.rows += 1
                result.add_bad(
                    line, f"has {len(cells)} fields, the header has {width} (a ragged row)"
                )
                yield line, None
                continue
            if not "".join(cells).strip():
                continue
            result.rows += 1
            if own:  # csvsafe.unescape, inline: it runs for every cell
                cells = [c[1:] if c[:1] == "'" and c[1:2] in esc else c for c in cells]
            yield line, csvmap.apply(mapping, cells)
    except UnicodeDecodeError as exc:
        raise Invalid(
            f"{src.path} is not {src.encoding} ({exc.reason}); try --encoding cp1252"
        ) from exc


def _is_json(path: Path) -> bool:
    if path.suffix.lower() == ".json":
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(16).lstrip(b"\xef\xbb\xbf").lstrip()
    except OSError:
        return False
    return head.startswith(b"[")


def _json_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def import_json(
    store,
    kind: str,
    path: Path,
    *,
    dry_run: bool = False,
    on_duplicate: str = "skip",
    actor: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """termcrm's own JSON export (an array of records) read back; keys it does not know
    (derived ones such as `due_date`) are ignored. Bad records are reported by number."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise Invalid(f"No such file: {path}") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise Invalid(f"{path} is not a JSON array of records: {exc}") from exc
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise Invalid(f"{path} is not a JSON array of records")
    targets = set(csvmap.ALIASES[kind])
    keys = sorted({k for r in data for k in r})
    result = ImportResult(
        kind=kind,
        path=str(path),
        source_format="termcrm JSON",
        encoding="utf-8",
        delimiter="",
        mapping=[(k, k if k in targets else "ignored") for k in keys],
        dry_run=dry_run,
    )
    opts = Options(
        on_duplicate=on_duplicate,
        actor=actor,
        own_format=True,
        columns={k for k in keys if k in targets},
    )

    def rows():
        for n, rec in enumerate(data, 1):
            result.rows += 1
            values = {}
            for k, val in rec.items():
                if k in targets and k not in ("tags", "fields"):
                    cell = _json_cell(val)
                    if cell.strip():
                        values[k] = cell
            tags = [str(t) for t in rec.get("tags") or []] if kind == "contacts" else []
            custom = {}
            if kind == "contacts" and isinstance(rec.get("fields"), dict):
                custom = {str(k): str(v) for k, v in rec["fields"].items() if str(v) != ""}
            yield n, csvmap.Row(values, tags, custom)

    return run_import(store, kind, rows(), result, opts, progress=progress)


def _is_vcard(path: Path) -> bool:
    if path.suffix.lower() in (".vcf", ".vcard"):
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf").lstrip()
    except OSError:
        return False
    return head.upper().startswith(b"BEGIN:VCARD")


# -- writers --------------------------------------------------------------------------------


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
        max_id = conn.execute(select(func.max(tbl.c.id))).scalar()
        #: termcrm's own ids are kept when restoring into an empty table
        self.keep_ids = opts.own_format and max_id is None
        self.next_id = (max_id or 0) + 1
        db_lower = sqlfunc.db_lower

        def lower(value: str) -> str:
            # ASCII lowers the same everywhere; only the rest needs the database's rule
            return value.lower() if value.isascii() else db_lower(conn, value)

        self.lower = lower

    # shared helpers ---------------------------------------------------------------------

    def file_id(self, value: str) -> str:
        """The `id` cell of termcrm's own files, checked (it is kept when restoring)."""
        if value.strip() and self.opts.own_format:
            validate.record_id(value, self.result.kind[:-1])
        return value

    def take_id(self, values: dict[str, str]) -> int:
        if self.keep_ids and values.get("id", "").strip():
            wanted = validate.record_id(values["id"], self.result.kind[:-1])
            self.next_id = max(self.next_id, wanted + 1)
            return wanted
        nid = self.next_id
        self.next_id += 1
        return nid

    def owner(self, values: dict[str, str]) -> str | None:
        if "owner" in self.opts.columns:
            return validate.text(values.get("owner"), "owner", max_len=100)
        return self.opts.actor

    def stamps(self, values: dict[str, str]) -> tuple[datetime, datetime]:
        c = values.get("created_at", "")
        created = parse_datetime(c, "created_at")[0] if c.strip() else self.now
        u = values.get("updated_at", "")
        if u.strip():
            # most records were never edited: the same text is the same instant (and the
            # same object lets the store's datetime conversion reuse its last result)
            updated = created if u == c else parse_datetime(u, "updated_at")[0]
        else:
            updated = created if "created_at" in values else self.now
        return created, updated

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
        next_id = (self.conn.execute(select(func.max(Company.id))).scalar() or 0) + 1
        rows = []
        for low, name in wanted.items():
            rows.append((next_id, name, self.now, self.now))
            self.companies[low] = next_id
            next_id += 1
        bulk.bulk_insert(
            self.conn, Company.__table__, rows, ["id", "name", "created_at", "updated_at"]
        )
        self.result.companies_created += len(rows)
        self.new_companies = True

    def contact_ref(self, values: dict[str, str], *, required: bool) -> int | None:
        """The contact a row refers to: by email, else id, else a unique name."""
        email_ref = values.get("contact_email", "").strip()
        id_ref = values.get("contact_id", "").strip()
        other = values.get("contact", "").strip()
        if not (email_ref or id_ref or other):
            if required:
                raise Invalid("names no contact (give contact_email or contact_id)")
            return None
        key = (email_ref.lower(), id_ref, other.lower())
        if key in self.contacts:
            return self.contacts[key]
        cid = None
        if email_ref or (other and "@" in other and not id_ref):
            address = email_ref or other
            cid = self.conn.execute(
                select(Contact.id).where(func.lower(Contact.email) == self.lower(address))
            ).scalar()
            if cid is None:
                raise Invalid(f"no contact with email {address!r}")
        elif id_ref or other.lstrip("#").isdigit():
            n = validate.record_id(id_ref or other, "contact")
            cid = self.conn.execute(select(Contact.id).where(Contact.id == n)).scalar()
            if cid is None:
                raise Invalid(f"no contact #{n}")
        else:
            ids = self.conn.execute(
                select(Contact.id).where(func.lower(Contact.name) == self.lower(other)).limit(2)
            ).all()
            if not ids:
                raise Invalid(f"no contact named {other!r}")
            if len(ids) > 1:
                raise Invalid(f"{other!r} names several contacts; use contact_email")
            cid = ids[0][0]
        self.contacts[key] = cid
        return cid

    # the batch loop ---------------------------------------------------------------------------

    def write(self, batch: list[tuple[int, csvmap.Row]]) -> None:
        raise NotImplementedError

    new_companies = False

    def finish(self) -> None:
        bulk.sync_id_sequence(self.conn, self.table.__tablename__)
        if self.new_companies and self.table is not Company:
            bulk.sync_id_sequence(self.conn, "companies")


class ContactWriter(Writer):
    table = Contact

    def __init__(self, conn, result, opts) -> None:
        super().__init__(conn, result, opts)
        self.c_contacts = Contact.__table__
        self.c_tags = ContactTag.__table__
        self.c_fields = ContactField.__table__
        self.c_stages = ContactStageChange.__table__
        self.dt = bulk.datetime_param(conn)

    def parse(self, row: csvmap.Row) -> dict[str, Any]:
        """One row as a validated contact (values hold only non-blank cells)."""
        v = row.values
        get = v.get
        text = validate.text
        multi = csvmap.GOOGLE_MULTI
        fields = row.custom
        mail = None
        addr = get("email")
        if addr is not None:
            if multi in addr:
                addr, *more = [p.strip() for p in addr.split(multi)]
                fields["other emails"] = multi.join(more)
            mail = email(addr)
        phone = get("phone")
        if phone is not None and multi in phone:
            phone, *more = [p.strip() for p in phone.split(multi)]
            fields["other phones"] = multi.join(more)
        # validate.text, skipped for the usual clean cell (it returns those as they are)
        company = get("company")
        if company is not None and not (
            company and company == company.strip() and len(company) <= 200
        ):
            company = text(company, "company", max_len=200)
        name = get("name")
        if name is not None and not (name and name == name.strip() and len(name) <= 200):
            name = text(name, "name", max_len=200)
        if name is None:
            parts = [
                v[k].strip() for k in ("first_name", "middle_name", "last_name", "suffix") if k in v
            ]
            name = text(" ".join(parts), "name", max_len=200) if parts else None
        named = name is not None
        if name is None:
            name = mail or company
            if name is None:
                raise Invalid("has no name, email or company")
        if "fields" in v:
            fields.update(_fields_json(v["fields"]))
            for key in [k for k in fields if len(k) > 100]:
                fields[key[:100]] = fields.pop(key)
        cadence = None
        if "cadence_days" in v:
            from termcrm.services.contacts import parse_cadence

            cadence = parse_cadence(v["cadence_days"])
        if "created_at" in v or "updated_at" in v:
            created, updated = self.stamps(v)
        else:
            created = updated = self.now
        if phone is not None and not (phone and phone == phone.strip() and len(phone) <= 64):
            phone = text(phone, "phone", max_len=64)
        title = get("title")
        if title is not None and not (title and title == title.strip() and len(title) <= 200):
            title = text(title, "title", max_len=200)
        stage = contact_stage(v["stage"]) if "stage" in v else None
        source = get("source")
        if source is not None and not (source and source == source.strip() and len(source) <= 100):
            source = text(source, "source", max_len=100)
        owner = self.owner(v)
        notes = get("notes")
        if notes is not None and not (notes and notes == notes.strip() and len(notes) <= 20000):
            notes = text(notes, "notes", max_len=20000)
        tags = row.tags
        raw_id = get("id", "")
        rec = {
            "name": name,
            "named": named,
            "email": mail,
            "phone": phone,
            "title": title,
            "company": company,
            "stage": stage,
            "source": source,
            "owner": owner,
            "notes": notes,
            "cadence_days": cadence,
            "created_at": created,
            "updated_at": updated,
            "tags": sorted({validate.tag(t) for t in tags}) if tags else [],
            "fields": fields,
            "id": raw_id,
            "_nid": None,
        }
        if self.opts.own_format and raw_id.strip():  # checked last, as before
            rec["_nid"] = validate.record_id(raw_id, "contact")  # kept when restoring
        return rec

    def write(self, batch: list[tuple[int, csvmap.Row]]) -> None:
        res = self.result
        recs: list[tuple[int, dict]] = []
        for line, row in batch:
            try:
                rec = self.parse(row)
            except Invalid as exc:
                res.add_bad(line, exc.message)
                continue
            recs.append((line, rec))
        self.prefetch_companies([r["company"] for _, r in recs if r["company"]])
        companies = self.companies
        for _, rec in recs:
            company = rec["company"]
            if company is None:
                rec["company_id"] = None
            else:
                key = self.lower(company)
                cid = companies.get(key)
                rec["company_id"] = cid if cid is not None else self.company_id(company)
        # duplicates: in the database (earlier batches included) and earlier in this batch
        low = self.lower
        own_ids = self.opts.own_format
        for _, r in recs:
            if r["email"]:
                r["key"] = ("e", low(r["email"]))
            elif own_ids and r["id"].strip():
                # termcrm's own rows without email are the same record only by id and name
                r["key"] = ("i", r["id"].strip(), low(r["name"]))
            else:
                r["key"] = ("n", low(r["name"]), r["company_id"])
        emails = list({r["key"][1] for _, r in recs if r["key"][0] == "e"})
        by_email: dict[str, int] = {}
        for cid, lowered in bulk.select_in(
            self.conn,
            lambda part: select(Contact.id, func.lower(Contact.email)).where(
                func.lower(Contact.email).in_(part)
            ),
            emails,
            "SELECT id, lower(email) FROM contacts WHERE lower(email) IN ({marks})",
        ):
            by_email[lowered] = cid
        names = list({r["key"][1] for _, r in recs if r["key"][0] == "n"})
        by_name: dict[tuple, int] = {}
        for cid, lowered, comp in bulk.select_in(
            self.conn,
            lambda part: select(Contact.id, func.lower(Contact.name), Contact.company_id).where(
                Contact.email.is_(None), func.lower(Contact.name).in_(part)
            ),
            names,
            "SELECT id, lower(name), company_id FROM contacts "
            "WHERE email IS NULL AND lower(name) IN ({marks})",
        ):
            by_name.setdefault(("n", lowered, comp), cid)
        ids = [int(r["key"][1]) for _, r in recs if r["key"][0] == "i" and r["key"][1].isdigit()]
        if ids and not self.keep_ids:
            for chunk in _chunks(ids):
                for cid, lowered in self.conn.execute(
                    select(Contact.id, func.lower(Contact.name)).where(
                        Contact.email.is_(None), Contact.id.in_(chunk)
                    )
                ):
                    by_name[("i", str(cid), lowered)] = cid
        pending: dict[Any, tuple[int, dict]] = {}
        new: list[dict] = []
        for line, rec in recs:
            key = rec["key"]
            existing = by_email.get(key[1]) if key[0] == "e" else by_name.get(key)
            earlier = pending.get(key)
            if existing is None and earlier is None:
                pending[key] = (line, rec)
                new.append(rec)
                continue
            mode = self.opts.on_duplicate
            if mode == "error":
                what = f"email {rec['email']}" if rec["email"] else f"name {rec['name']!r}"
                where = f"contact #{existing}" if existing else f"line {earlier[0]}"
                res.add_bad(line, f"duplicate: the {what} is already used by {where}")
            elif mode == "skip":
                res.skipped += 1
            elif existing is not None:
                self.update(existing, rec)
                res.updated += 1
            else:
                _merge(earlier[1], rec)
                res.updated += 1
        if new and res.ok:
            self.insert(new)
        elif new:
            res.created += len(new)  # counted for the report; rolled back anyway

    CONTACT_COLUMNS = [
        "id", "name", "email", "phone", "title", "company_id", "stage", "source", "owner",
        "notes", "cadence_days", "created_at", "updated_at",
    ]  # fmt: skip
    STAGE_COLUMNS = ["contact_id", "from_stage", "to_stage", "changed_at", "changed_by"]

    def insert(self, recs: list[dict]) -> None:
        contacts, stages, tags, fields = [], [], [], []
        actor = self.opts.actor
        dt = self.dt
        keep_ids = self.keep_ids
        for rec in recs:
            nid = rec["_nid"]
            if keep_ids and nid is not None:  # `take_id`, with the id checked by `parse`
                cid = nid
                if nid >= self.next_id:
                    self.next_id = nid + 1
            else:
                cid = self.next_id
                self.next_id += 1
            stage = rec["stage"] or "lead"
            created = dt(rec["created_at"])
            updated = created if rec["updated_at"] is rec["created_at"] else dt(rec["updated_at"])
            contacts.append(
                (
                    cid, rec["name"], rec["email"], rec["phone"], rec["title"],
                    rec["company_id"], stage, rec["source"], rec["owner"], rec["notes"],
                    rec["cadence_days"], created, updated,
                )
            )  # fmt: skip
            stages.append((cid, None, stage, created, actor))
            for t in rec["tags"]:
                tags.append((cid, t))
            for k, val in rec["fields"].items():
                fields.append((cid, k, val))
        conn = self.conn
        bulk.bulk_insert(conn, self.c_contacts, contacts, self.CONTACT_COLUMNS, converted=True)
        bulk.bulk_insert(conn, self.c_stages, stages, self.STAGE_COLUMNS, converted=True)
        bulk.bulk_insert(self.conn, self.c_tags, tags, ["contact_id", "tag"])
        bulk.bulk_insert(self.conn, self.c_fields, fields, ["contact_id", "key", "value"])
        self.result.created += len(recs)

    def update(self, cid: int, rec: dict) -> None:
        """Fill and overwrite the existing contact from the file's non-empty values."""
        values: dict[str, Any] = {}
        if rec["named"]:
            values["name"] = rec["name"]
        for key in ("email", "phone", "title", "company_id", "source", "notes", "cadence_days"):
            if rec[key] is not None:
                values[key] = rec[key]
        if "owner" in self.opts.columns and rec["owner"]:
            values["owner"] = rec["owner"]
        old_stage = self.conn.execute(select(Contact.stage).where(Contact.id == cid)).scalar()
        if rec["stage"] and rec["stage"] != old_stage:
            values["stage"] = rec["stage"]
            self.conn.execute(
                insert(ContactStageChange).values(
                    contact_id=cid,
                    from_stage=old_stage,
                    to_stage=rec["stage"],
                    changed_at=self.now,
                    changed_by=self.opts.actor,
                )
            )
        values["updated_at"] = self.now
        self.conn.execute(update(Contact).where(Contact.id == cid).values(**values))
        have = set(
            self.conn.execute(select(ContactTag.tag).where(ContactTag.contact_id == cid)).scalars()
        )
        for t in rec["tags"]:
            if t not in have:
                self.conn.execute(insert(ContactTag).values(contact_id=cid, tag=t))
        if rec["fields"]:
            self.conn.execute(
                sa_delete(ContactField).where(
                    ContactField.contact_id == cid, ContactField.key.in_(list(rec["fields"]))
                )
            )
            self.conn.execute(
                insert(ContactField),
                [{"contact_id": cid, "key": k, "value": v} for k, v in rec["fields"].items()],
            )


def _merge(into: dict, rec: dict) -> None:
    """A later row of the same file updates a pending one (`--on-duplicate update`)."""
    if rec["named"]:
        into["name"], into["named"] = rec["name"], True
    for key in ("email", "phone", "title", "company_id", "stage", "source", "notes", "owner"):
        if rec[key] is not None:
            into[key] = rec[key]
    into["tags"] = sorted(set(into["tags"]) | set(rec["tags"]))
    into["fields"] = {**into["fields"], **rec["fields"]}


def _fields_json(value: str) -> dict[str, str]:
    try:
        data = json.loads(value)
    except ValueError as exc:
        raise Invalid(f"Invalid fields {value[:40]!r}: not a JSON object") from exc
    if not isinstance(data, dict):
        raise Invalid(f"Invalid fields {value[:40]!r}: not a JSON object")
    return {str(k): str(v) for k, v in data.items() if str(v) != ""}


# -- the other record kinds -----------------------------------------------------------------

#: How a row is recognised as already imported (besides its own id in termcrm files).
NATURAL_KEYS = {
    "companies": ("name",),
    "interactions": ("contact_id", "kind", "occurred_at", "summary"),
    "deals": ("contact_id", "title"),
    "tasks": ("contact_id", "title", "due_at"),
    "cases": ("contact_id", "subject", "opened_at"),
}


class RecordWriter(Writer):
    """Companies, interactions, deals, tasks and cases: validated, deduplicated by their
    natural key (in the database, which holds the earlier rows), bulk inserted."""

    def parse(self, v: dict[str, str]) -> dict[str, Any]:
        raise NotImplementedError

    def after_insert(self, recs: list[dict]) -> None:
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

    def write(self, batch: list[tuple[int, csvmap.Row]]) -> None:
        res = self.result
        tbl = self.table.__table__
        new: list[dict] = []
        seen: dict[tuple, int] = {}
        for line, row in batch:
            try:
                rec = self.parse(row.values)
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
                rec["id"] = self.take_id(row.values)
                new.append(rec)
                continue
            mode = self.opts.on_duplicate
            if mode == "error":
                where = f"#{existing}" if existing else f"line {earlier}"
                res.add_bad(line, f"duplicate of {res.kind[:-1]} {where}")
            elif mode == "skip" or existing is None:
                res.skipped += 1
            else:
                values = {
                    k: val
                    for k, val in rec.items()
                    if k in tbl.c and k not in ("id", "created_at") and val is not None
                }
                values["updated_at"] = self.now
                self.conn.execute(update(tbl).where(tbl.c.id == existing).values(**values))
                res.updated += 1
        if new:
            rows = [{k: val for k, val in r.items() if k in tbl.c} for r in new]
            if res.ok:
                bulk.bulk_insert(self.conn, tbl, rows)
                self.after_insert(new)
            res.created += len(new)


class CompanyWriter(RecordWriter):
    table = Company

    def parse(self, v):
        created, updated = self.stamps(v)
        return {
            "name": validate.text(v.get("name"), "company name", required=True, max_len=200),
            "domain": validate.text(v.get("domain"), "domain", max_len=200),
            "industry": validate.text(v.get("industry"), "industry", max_len=100),
            "notes": validate.text(v.get("notes"), "notes", max_len=20000),
            "created_at": created,
            "updated_at": updated,
        }


class InteractionWriter(RecordWriter):
    table = Interaction

    def parse(self, v):
        created, updated = self.stamps(v)
        if not v.get("occurred_at", "").strip():
            raise Invalid("has no date (occurred_at)")
        metric = _choice(v, "metric", SURVEY_METRICS, None)
        score = _int(v["score"], "score") if v.get("score", "").strip() else None
        if metric == "nps" and score is not None and not 0 <= score <= 10:
            raise Invalid(f"Invalid NPS score {score}: 0 to 10")
        if metric == "csat" and score is not None and not 1 <= score <= 5:
            raise Invalid(f"Invalid CSAT score {score}: 1 to 5")
        if "logged_by" in self.opts.columns:
            logged_by = validate.text(v.get("logged_by"), "logged_by", max_len=100)
        else:
            logged_by = self.opts.actor
        return {
            "contact_id": self.contact_ref(v, required=True),
            "kind": validate.choice(v.get("kind", ""), ALL_INTERACTION_KINDS, "kind"),
            "direction": _choice(v, "direction", DIRECTIONS, None),
            "occurred_at": parse_datetime(v["occurred_at"], "occurred_at")[0],
            "summary": validate.text(v.get("summary"), "summary", required=True, max_len=500),
            "body": validate.text(v.get("body"), "body", max_len=100_000),
            "duration_min": validate.positive_int(v.get("duration_min"), "duration"),
            "outcome": validate.text(v.get("outcome"), "outcome", max_len=200),
            "metric": metric,
            "score": score,
            "logged_by": logged_by,
            "created_at": created,
            "updated_at": updated,
        }


class DealWriter(RecordWriter):
    table = Deal

    def parse(self, v):
        created, updated = self.stamps(v)
        stage = _choice(v, "stage", DEAL_STAGES, "lead")
        if v.get("value_minor", "").strip():
            value = _int(v["value_minor"], "value_minor")
            if value < 0:
                raise Invalid(f"Invalid value_minor {value}: must not be negative")
        else:
            value = validate.amount_minor(v.get("value", "").strip() or "0")
        closed = v.get("closed_at", "").strip()
        closed_at = parse_datetime(closed, "closed_at")[0] if closed else None
        if closed_at is None and stage in CLOSED_DEAL_STAGES:
            closed_at = self.now
        close = v.get("expected_close", "").strip()
        company = validate.text(v.get("company"), "company", max_len=200)
        return {
            "title": validate.text(v.get("title"), "title", required=True, max_len=200),
            "contact_id": self.contact_ref(v, required=False),
            "company_id": self.company_id(company),
            "value_minor": value,
            "currency": validate.currency(v.get("currency")),
            "stage": stage,
            "probability": validate.percent(v.get("probability")),
            "expected_close": parse_day(close, "expected_close") if close else None,
            "closed_at": closed_at,
            "lost_reason": validate.text(v.get("lost_reason"), "lost reason", max_len=500),
            "owner": self.owner(v),
            "created_at": created,
            "updated_at": updated,
        }

    def after_insert(self, recs):
        bulk.bulk_insert(
            self.conn,
            DealStageChange.__table__,
            [
                {
                    "deal_id": r["id"],
                    "from_stage": None,
                    "to_stage": r["stage"],
                    "changed_at": r["created_at"],
                    "changed_by": self.opts.actor,
                }
                for r in recs
            ],
        )


class TaskWriter(RecordWriter):
    table = Task

    def parse(self, v):
        created, updated = self.stamps(v)
        due_at, has_time = None, False
        if v.get("due_at", "").strip():
            due_at = parse_datetime(v["due_at"], "due_at")[0]
            has_time = (
                _bool(v["due_has_time"], "due_has_time")
                if "due_has_time" in v
                else due_at != dates.local_midnight(due_at.astimezone().date())
            )
        elif v.get("due", "").strip():
            due_at, has_time = parse_datetime(v["due"], "due")
            if not has_time:
                due_at = dates.local_midnight(due_at.astimezone().date())
        deal_id = None
        if v.get("deal_id", "").strip():
            deal_id = validate.record_id(v["deal_id"], "deal")
            if self.conn.execute(select(Deal.id).where(Deal.id == deal_id)).scalar() is None:
                raise Invalid(f"no deal #{deal_id}")
        done_at = None
        if v.get("done_at", "").strip():
            done_at = parse_datetime(v["done_at"], "done_at")[0]
        elif _bool(v.get("done", ""), "done"):
            done_at = self.now
        contact_id = self.contact_ref(v, required=False)
        if contact_id is None and deal_id is not None:
            contact_id = self.conn.execute(
                select(Deal.contact_id).where(Deal.id == deal_id)
            ).scalar()
        return {
            "title": validate.text(v.get("title"), "title", required=True, max_len=500),
            "due_at": due_at,
            "due_has_time": has_time,
            "contact_id": contact_id,
            "deal_id": deal_id,
            "priority": _choice(v, "priority", TASK_PRIORITIES, "normal"),
            "recur": _recur(v.get("recur", "")),
            "done_at": done_at,
            "owner": self.owner(v),
            "created_at": created,
            "updated_at": updated,
        }


class CaseWriter(RecordWriter):
    table = Case

    def parse(self, v):
        created, updated = self.stamps(v)
        status = _choice(v, "status", CASE_STATUSES, "open")
        opened = v.get("opened_at", "").strip()
        resolved = v.get("resolved_at", "").strip()
        resolved_at = parse_datetime(resolved, "resolved_at")[0] if resolved else None
        if status == "resolved" and resolved_at is None:
            resolved_at = self.now
        return {
            "contact_id": self.contact_ref(v, required=True),
            "subject": validate.text(v.get("subject"), "subject", required=True, max_len=500),
            "priority": _choice(v, "priority", CASE_PRIORITIES, "normal"),
            "status": status,
            "owner": self.owner(v),
            "opened_at": parse_datetime(opened, "opened_at")[0] if opened else created,
            "_has_opened_at": bool(opened),
            "resolved_at": resolved_at,
            "resolution_note": validate.text(
                v.get("resolution_note"), "resolution note", max_len=20000
            ),
            "created_at": created,
            "updated_at": updated,
        }


WRITERS: dict[str, type[Writer]] = {
    "contacts": ContactWriter,
    "companies": CompanyWriter,
    "interactions": InteractionWriter,
    "deals": DealWriter,
    "tasks": TaskWriter,
    "cases": CaseWriter,
}


def import_rows(
    store,
    kind: str,
    records: Iterable[tuple[int, dict[str, str], list[str], dict[str, str]]],
    result: ImportResult,
    *,
    on_duplicate: str = "skip",
    actor: str | None = None,
    columns: set[str] | None = None,
) -> ImportResult:
    """Import already-read records (line, values, tags, custom fields), e.g. from vCards."""
    opts = Options(on_duplicate=on_duplicate, actor=actor, columns=columns or set())
    rows = ((line, csvmap.Row(values, tags, custom)) for line, values, tags, custom in records)
    return run_import(store, kind, rows, result, opts)


__all__ = ["ImportFailed", "ImportResult", "import_file", "import_rows", "split_list"]
