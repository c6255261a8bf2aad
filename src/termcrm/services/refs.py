"""What a user means by a reference: one resolver for contacts and record ids.

Every shell and the importer come through here, so `crm log call zoe`, a form's contact
field and an import row with `contact=zoe` find the same contact or fail the same way.

A CONTACT reference is, in this order:

1. an id, `12` or `#12`;
2. an email address (it holds `@`): the contact whose address is the same by
   `textfold.fold` (any letter case, in any alphabet);
3. a name: the contacts whose whole name is the reference (ignoring case), else those whose
   name contains it (ignoring case), else those whose name contains it ignoring case and
   accents (`textfold.search_key`: "zoe" finds "Zoë Ölstad", "olstad" finds "Ölstad").
   The first of these that finds anyone decides: one contact is the answer, several are
   `Ambiguous` (listing up to 20), none is `NotFound`.

Record ids (deal, task, case) are `12` or `#12`; `Invalid` when not a number, `NotFound`
when there is no such record.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from termcrm.errors import Ambiguous, Invalid, NotFound, TermcrmError
from termcrm.services import validate
from termcrm.services._query import icontains, ieq
from termcrm.store import sqlfunc
from termcrm.store.models import Case, Contact, Deal, Interaction, Task, email_key
from termcrm.textfold import search_key

#: at most this many candidates are named in an `Ambiguous` error
LISTED = 20


# -- record ids -------------------------------------------------------------------------------


def _record(session: Session, model, ref, what: str):
    if isinstance(ref, model):
        return ref
    rid = validate.record_id(ref, what)
    found = session.get(model, rid)
    if found is None:
        raise NotFound(f"No {what} with id {rid}")
    return found


def deal(session: Session, ref: str | int | Deal) -> Deal:
    return _record(session, Deal, ref, "deal")


def task(session: Session, ref: str | int | Task) -> Task:
    return _record(session, Task, ref, "task")


def case(session: Session, ref: str | int | Case) -> Case:
    return _record(session, Case, ref, "case")


def interaction(session: Session, ref: str | int | Interaction) -> Interaction:
    return _record(session, Interaction, ref, "interaction")


# -- contacts ---------------------------------------------------------------------------------


def _connection(session):
    """The Core connection of a session (the importer hands its connection itself)."""
    return session.connection() if isinstance(session, Session) else session


def email_owner(session: Session, address: str) -> int | None:
    """The id of the contact whose email is `address` by `textfold.fold`, or None: the
    unique `contacts.email_key` column holds every address folded the same way."""
    key = email_key(address.strip())
    if not key:
        return None
    row = session.execute(select(Contact.id).where(Contact.email_key == key)).first()
    return row[0] if row else None


def contact_id(session: Session, ref: str | int) -> int:
    """The id of the one contact `ref` means (see the module's rules); raises otherwise."""
    s = str(ref).strip()
    if not s:
        raise Invalid("Empty contact reference", field="contact")
    cid = validate.numeric_id(s, "contact")
    if cid is not None:
        if session.execute(select(Contact.id).where(Contact.id == cid)).first() is None:
            raise NotFound(f"No contact with id {cid}")
        return cid
    if "@" in s:
        found = email_owner(session, s)
        if found is None:
            raise NotFound(f"No contact with email {s!r}")
        return found
    return _by_name(session, s)


def _labelled(session: Session, ids: list[int]) -> list[tuple[int, str]]:
    rows = dict(
        (cid, f"{name} <{email}>" if email else name)
        for cid, name, email in session.execute(
            select(Contact.id, Contact.name, Contact.email).where(Contact.id.in_(ids))
        )
    )
    return [(cid, rows[cid]) for cid in ids if cid in rows]


def _by_name(session: Session, s: str) -> int:
    found = _sql_name_matches(session, s)
    if found is None:
        found = _by_search_key(session, [s])[s]
    return _one(session, s, found)


def _sql_name_matches(session: Session, s: str) -> list[int] | None:
    """The contacts SQL finds for a name reference (whole name, else a part of it, ignoring
    case), or None when it finds none and the accent-insensitive pass must look."""
    exact = session.execute(select(Contact.id).where(ieq(Contact.name, s)).order_by(Contact.id))
    found = [cid for (cid,) in exact]
    if len(found) > 1:
        raise Ambiguous(f"{s!r} matches {len(found)} contacts", _labelled(session, found[:LISTED]))
    if not found:
        part = select(Contact.id).where(icontains(Contact.name, s))
        found = [cid for (cid,) in session.execute(part.order_by(Contact.id).limit(LISTED + 1))]
    return found or None


def _one(session: Session, s: str, found: list[int]) -> int:
    if not found:
        raise NotFound(f"No contact matches {s!r}")
    if len(found) > 1:
        more = " (and more)" if len(found) > LISTED else ""
        raise Ambiguous(f"{s!r} matches several contacts{more}", _labelled(session, found[:LISTED]))
    return found[0]


def _by_search_key(session: Session, refs: list[str]) -> dict[str, list[int]]:
    """For each name reference, the ids (by id, at most LISTED + 1) of the contacts whose name
    contains it ignoring case and accents; whole-name matches alone when there are any.

    Only names SQL could not compare are read: those outside ASCII, unless a reference
    itself is (an accented reference may mean a plain name)."""
    keys = {ref: search_key(ref) for ref in refs}
    stmt = select(Contact.id, Contact.name).order_by(Contact.id)
    if all(ref.isascii() for ref in refs):
        stmt = stmt.where(sqlfunc.not_plain_ascii(_connection(session), Contact.name))
    whole: dict[str, list[int]] = {ref: [] for ref in refs}
    part: dict[str, list[int]] = {ref: [] for ref in refs}
    for cid, name in session.execute(stmt):
        name_key = search_key(name)
        for ref, key in keys.items():
            if key and key in name_key:
                (whole if key == name_key else part)[ref].append(cid)
    return {ref: (whole[ref] or part[ref])[: LISTED + 1] for ref in refs}


def contact(session: Session, ref: str | int | Contact) -> Contact:
    """The one contact a user means by `ref` (see the module's rules)."""
    if isinstance(ref, Contact):
        return ref
    return session.get(Contact, contact_id(session, ref))


def contact_ids(session: Session, refs: Iterable[str]) -> dict[str, int | TermcrmError]:
    """The batch form (imports): each distinct reference resolved once, to its contact id or
    to the error `contact_id` would raise for it; the accent-insensitive pass runs once for
    all the names SQL could not find."""
    out: dict[str, int | TermcrmError] = {}
    unfound: list[str] = []
    for ref in dict.fromkeys(refs):
        s = str(ref).strip()
        try:
            if s and validate.numeric_id(s, "contact") is None and "@" not in s:
                found = _sql_name_matches(session, s)
                if found is None:
                    unfound.append(ref)
                    continue
                out[ref] = _one(session, s, found)
            else:
                out[ref] = contact_id(session, ref)
        except TermcrmError as exc:
            out[ref] = exc
    if unfound:
        by_key = _by_search_key(session, [str(r).strip() for r in unfound])
        for ref in unfound:
            s = str(ref).strip()
            try:
                out[ref] = _one(session, s, by_key[s])
            except TermcrmError as exc:
                out[ref] = exc
    return out
