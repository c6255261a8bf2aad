"""Exporting records: CSV (formula-injection safe), JSON, vCard (contacts), iCalendar (tasks).

Records have the shape of `records.py` (the same as `--json`), read page by page so memory
stays flat. Rows that refer to a contact also carry `contact_email`, so that importing the
file into another database finds the contact again. Files are written with mode 0600: they
hold personal data.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from sqlmodel import Session, select

from termcrm import dates
from termcrm.dates import iso
from termcrm.errors import Invalid
from termcrm.services import owners, records
from termcrm.services.transfer.formats import json as jsonfile
from termcrm.services.transfer.formats.csv import cell, writer
from termcrm.services.transfer.rows import KINDS
from termcrm.store.models import (
    Case,
    Company,
    Contact,
    ContactStageChange,
    Deal,
    DealStageChange,
    Interaction,
    Task,
)

FORMATS = ("csv", "json", "vcf", "ics")
PAGE = 1000


def _paged(session: Session, model, *where) -> Iterator[list[Any]]:
    last = 0
    while True:
        rows = session.exec(
            select(model).where(model.id > last, *where).order_by(model.id).limit(PAGE)
        ).all()
        if not rows:
            return
        yield list(rows)
        last = rows[-1].id


def _contact_info(session: Session, ids: set[int | None]) -> dict[int, tuple[str, str | None]]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = session.exec(
        select(Contact.id, Contact.name, Contact.email).where(Contact.id.in_(ids))
    ).all()
    return {cid: (name, mail) for cid, name, mail in rows}


def _with_email(rec: dict[str, Any], info: dict, cid: int | None) -> dict[str, Any]:
    """`contact_email` right after `contact`."""
    out: dict[str, Any] = {}
    for key, value in rec.items():
        out[key] = value
        if key == "contact":
            out["contact_email"] = info.get(cid, (None, None))[1] if cid else None
    return out


def _company_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Company id -> name for one page of records."""
    if not ids:
        return {}
    return dict(session.exec(select(Company.id, Company.name).where(Company.id.in_(ids))).all())


def _histories(session: Session, model, key: str, ids: list[int]) -> dict[int, list[dict]]:
    """Record id -> its stage changes, oldest first, as `stage_history` holds them."""
    out: dict[int, list[dict]] = {}
    if not ids:
        return out
    col = getattr(model, key)
    rows = session.exec(
        select(col, model.from_stage, model.to_stage, model.changed_at, model.changed_by)
        .where(col.in_(ids))
        .order_by(col, model.changed_at, model.id)
    ).all()
    for rid, old, new, at, by in rows:
        out.setdefault(rid, []).append({"from": old, "to": new, "at": iso(at), "by": by})
    return out


#: whom a record of each kind belongs to (an interaction: who logged it), for `owner`
def _owner_column(kind: str):
    return {
        "contacts": Contact.owner,
        "companies": Company.owner,
        "interactions": Interaction.logged_by,
        "deals": Deal.owner,
        "tasks": Task.owner,
        "cases": Case.owner,
    }[kind]


def iter_records(
    session: Session,
    kind: str,
    *,
    open_only: bool = False,
    owner: str | None = None,
    query=None,
) -> Iterator[dict]:
    """Every record of `kind` as a dict, oldest id first. Contacts and deals carry their
    `stage_history` (last), so that a copy keeps what the KPI report reads; with `owner`,
    only that owner's; contacts only those matching `query` (a `ContactQuery`) when given."""
    mine = ()
    if owners.given(owner) and kind in KINDS:
        mine = (owners.condition(session, _owner_column(kind), owner),)
    from termcrm.services.contacts import ContactView, fields_of, tags_of

    if kind == "contacts":
        where = mine
        if query is not None:
            from termcrm.services.search import matching_ids

            where = (*mine, Contact.id.in_(matching_ids(session, query)))
        for page in _paged(session, Contact, *where):
            ids = [c.id for c in page]
            tags, fields = tags_of(session, ids), fields_of(session, ids)
            comp_ids = {c.company_id for c in page if c.company_id}
            names = _company_names(session, comp_ids)
            history = _histories(session, ContactStageChange, "contact_id", ids)
            for c in page:
                view = ContactView(
                    c, names.get(c.company_id), tags.get(c.id, []), fields.get(c.id, {})
                )
                yield {**records.contact(view), "stage_history": history.get(c.id, [])}
    elif kind == "companies":
        from termcrm.services.companies import CompanySummary
        from termcrm.services.labels import COMPANIES

        for page in _paged(session, Company, *mine):
            ids = [c.id for c in page]
            tags, fields = COMPANIES.tags_of(session, ids), COMPANIES.fields_of(session, ids)
            for c in page:
                view = CompanySummary(c, tags=tags.get(c.id, []), fields=fields.get(c.id, {}))
                yield records.company(view)
    elif kind == "interactions":
        for page in _paged(session, Interaction, *mine):
            info = _contact_info(session, {i.contact_id for i in page})
            for i in page:
                rec = records.interaction(i, contact_name=info.get(i.contact_id, (None,))[0])
                yield _with_email(rec, info, i.contact_id)
    elif kind == "deals":
        for page in _paged(session, Deal, *mine):
            info = _contact_info(session, {d.contact_id for d in page})
            comp_ids = {d.company_id for d in page if d.company_id}
            names = _company_names(session, comp_ids)
            history = _histories(session, DealStageChange, "deal_id", [d.id for d in page])
            for d in page:
                rec = records.deal(
                    d,
                    contact_name=info.get(d.contact_id, (None,))[0],
                    company_name=names.get(d.company_id),
                )
                rec["stage_history"] = history.get(d.id, [])
                yield _with_email(rec, info, d.contact_id)
    elif kind == "tasks":
        where = (Task.done_at.is_(None),) if open_only else ()
        for page in _paged(session, Task, *where, *mine):
            info = _contact_info(session, {t.contact_id for t in page})
            for t in page:
                rec = records.task(t, contact_name=info.get(t.contact_id, (None,))[0])
                yield _with_email(rec, info, t.contact_id)
    elif kind == "cases":
        for page in _paged(session, Case, *mine):
            info = _contact_info(session, {c.contact_id for c in page})
            for c in page:
                rec = records.case(c, contact_name=info.get(c.contact_id, (None,))[0])
                yield _with_email(rec, info, c.contact_id)
    else:
        raise Invalid(f"Unknown record type {kind!r}; choose one of: {', '.join(KINDS)}")


def columns(kind: str) -> list[str]:
    """The CSV header of an export of `kind` (stable even when there are no records)."""
    from datetime import UTC

    from termcrm.services.contacts import ContactView

    stamp = datetime(2000, 1, 1, tzinfo=UTC)
    base = {"created_at": stamp, "updated_at": stamp}
    sample = {
        "contacts": lambda: records.contact(ContactView(Contact(name="x", **base))),
        "companies": lambda: records.company(Company(name="x", **base)),
        "interactions": lambda: records.interaction(
            Interaction(contact_id=1, kind="call", summary="x", occurred_at=stamp, **base)
        ),
        "deals": lambda: records.deal(Deal(title="x", **base)),
        "tasks": lambda: records.task(Task(title="x", **base)),
        "cases": lambda: records.case(Case(contact_id=1, subject="x", opened_at=stamp, **base)),
    }[kind]()
    if kind in ("contacts", "deals"):
        sample["stage_history"] = []
    return list(_with_email(sample, {}, None))


def export(
    session: Session,
    kind: str,
    fh: IO[str],
    fmt: str = "csv",
    *,
    open_only: bool = False,
    owner: str | None = None,
    as_events: bool = False,
    query=None,
) -> int:
    """Write every record of `kind` (or `owner`'s) to `fh` in `fmt`; returns how many.
    `query` (contacts, CSV and JSON) keeps the contacts matching it: a segment for a
    mailing tool."""
    if kind not in KINDS:
        raise Invalid(f"Unknown record type {kind!r}; choose one of: {', '.join(KINDS)}")
    if fmt not in FORMATS:
        raise Invalid(f"Unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if query is not None and (kind != "contacts" or fmt not in ("csv", "json")):
        raise Invalid("Contact filters apply to 'export contacts' as CSV or JSON")
    if fmt == "vcf":
        if kind != "contacts":
            raise Invalid("--format vcf exports contacts only")
        from termcrm.services.transfer.formats import vcard

        return vcard.write(fh, iter_records(session, "contacts", owner=owner))
    if fmt == "ics":
        if kind != "tasks":
            raise Invalid("--format ics exports tasks only")
        return export_ics(session, fh, owner=owner, as_events=as_events)
    count = 0
    recs = iter_records(session, kind, open_only=open_only, owner=owner, query=query)
    if fmt == "json":
        return jsonfile.write_array(fh, recs)

    cols = columns(kind)
    w = writer(fh)
    w.writerow(cols)
    for rec in recs:
        w.writerow([cell(rec.get(c)) for c in cols])
        count += 1
    return count


def tasks_ics(
    session: Session,
    *,
    owner: str | None = None,
    contact=None,
    now: datetime | None = None,
    as_events: bool = False,
) -> bytes:
    """The open tasks with a due date (optionally one owner's or contact's) as iCalendar
    to-dos, or events with `as_events`."""
    from termcrm.services import tasks
    from termcrm.services.transfer.formats import ics

    stamp = now or dates.now()
    found = [
        t
        for t in tasks.list_tasks(session, scope="open", owner=owner, contact=contact, now=stamp)
        if t.due_at is not None
    ]
    return ics.calendar(found, tasks.contact_names(session, found), stamp, as_events=as_events)


def export_ics(
    session: Session, fh: IO[str], *, owner: str | None = None, as_events: bool = False
) -> int:
    """Open tasks with a due date as iCalendar to-dos or events (`tasks_ics`)."""
    data = tasks_ics(session, owner=owner, as_events=as_events).decode("utf-8")
    fh.write(data)  # CRLF line ends, as RFC 5545 wants
    return data.count("BEGIN:VEVENT" if as_events else "BEGIN:VTODO")
