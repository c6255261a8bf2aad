"""Merging two contacts that are one person: everything of OTHER moves to KEEP.

The rules, in one place:
- every row that refers to OTHER (interactions, deals, tasks, cases, stage history, and any
  table added later with a foreign key to `contacts.id`) is moved to KEEP;
- tags: KEEP gets OTHER's; custom fields and consents KEEP lacks are moved; a custom field
  both have with different values is a conflict like any other field; for a consent both
  have, the more recent answer wins (it is the person's latest word);
- KEEP's empty fields are filled from OTHER's; where both have a different value, `prefer`
  (`keep`, the default, or `other`) decides; notes are never lost: both are kept, the
  preferred first; the vCard UID is a field like the others;
- the name's parts (first, middle, last, prefix, suffix) go with the name: KEEP takes
  OTHER's when it takes OTHER's name, and fills its own missing ones from OTHER's when the
  two names are the same (as a search compares them);
- OTHER is deleted (not trashed: nothing of it is lost), and a stage change is recorded
  when KEEP's stage changes. All of it in the caller's one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import column, func, select, table, update
from sqlmodel import Session, SQLModel

from termcrm.dates import now
from termcrm.errors import Invalid
from termcrm.services import audit, names
from termcrm.store.models import Company, Contact, ContactConsent, ContactField, ContactTag
from termcrm.textfold import search_key

#: the contact's own attributes that merge, in the order they are shown
FIELDS = ("name", "email", "phone", "title", "company_id", "stage", "source", "owner")
FIELDS_TAIL = ("cadence_days", "uid")
#: tables keyed by (contact, something): merged row by row, not moved wholesale
_KEYED = {ContactTag.__tablename__, ContactField.__tablename__, ContactConsent.__tablename__}


@dataclass(frozen=True)
class FieldChoice:
    """A field both contacts have, with different values, and which one is kept."""

    field: str
    keep: Any
    other: Any
    winner: str  # keep | other

    @property
    def value(self) -> Any:
        return self.keep if self.winner == "keep" else self.other


@dataclass
class MergePlan:
    keep: Contact
    other: Contact
    prefer: str
    filled: dict[str, Any] = field(default_factory=dict)
    conflicts: list[FieldChoice] = field(default_factory=list)
    moved: dict[str, int] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, str] = field(default_factory=dict)
    notes_combined: bool = False
    #: KEEP's name parts emptied: they were the parts of the name OTHER's replaces
    cleared: list[str] = field(default_factory=list)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _referrers() -> list[tuple[str, str]]:
    """(table, column) of every foreign key to `contacts.id` outside the keyed tables."""
    out = []
    for tbl in SQLModel.metadata.sorted_tables:
        if tbl.name in _KEYED:
            continue
        for fk in tbl.foreign_keys:
            if fk.column.table.name == "contacts" and fk.column.name == "id":
                out.append((tbl.name, fk.parent.name))
    return out


def _display(session: Session, name: str, value: Any) -> Any:
    if name == "company_id" and value is not None:
        company = session.get(Company, value)
        return company.name if company else value
    return value


def _name_parts(plan: MergePlan) -> None:
    """The name's parts into `plan.filled`, or `plan.cleared` where KEEP's would describe a
    name it no longer has."""
    keep, other = plan.keep, plan.other
    theirs_wins = "name" in plan.filled or any(
        c.field == "name" and c.winner == "other" for c in plan.conflicts
    )
    if theirs_wins:
        for part in names.PARTS:
            if not _blank(getattr(other, part)):
                plan.filled[part] = getattr(other, part)
            elif not _blank(getattr(keep, part)):
                plan.cleared.append(part)
    elif search_key(keep.name or "") == search_key(other.name or ""):
        for part in names.PARTS:
            if _blank(getattr(keep, part)) and not _blank(getattr(other, part)):
                plan.filled[part] = getattr(other, part)


def plan_merge(session: Session, keep: Contact, other: Contact, prefer: str = "keep") -> MergePlan:
    """What `merge` would do, without changing anything (`--dry-run` shows this)."""
    if prefer not in ("keep", "other"):
        raise Invalid(f"Invalid --prefer {prefer!r}: use keep or other")
    if keep.id == other.id:
        raise Invalid(f"Cannot merge contact #{keep.id} into itself")
    plan = MergePlan(keep, other, prefer)
    for name in (*FIELDS, *FIELDS_TAIL):
        mine, theirs = getattr(keep, name), getattr(other, name)
        if _blank(theirs) or mine == theirs:
            continue
        if _blank(mine):
            plan.filled[name] = theirs
        else:
            plan.conflicts.append(
                FieldChoice(
                    name,
                    _display(session, name, mine),
                    _display(session, name, theirs),
                    prefer,
                )
            )
    _name_parts(plan)
    plan.notes_combined = not _blank(keep.notes) and not _blank(other.notes)
    if _blank(keep.notes) and not _blank(other.notes):
        plan.filled["notes"] = other.notes
    have = set(session.scalars(select(ContactTag.tag).where(ContactTag.contact_id == keep.id)))
    plan.tags = sorted(
        t
        for t in session.scalars(select(ContactTag.tag).where(ContactTag.contact_id == other.id))
        if t not in have
    )
    mine_f = dict(
        session.execute(
            select(ContactField.key, ContactField.value).where(ContactField.contact_id == keep.id)
        ).all()
    )
    for key, value in session.execute(
        select(ContactField.key, ContactField.value).where(ContactField.contact_id == other.id)
    ):
        if key not in mine_f:
            plan.custom_fields[key] = value
        elif mine_f[key] != value:
            plan.conflicts.append(FieldChoice(f"field:{key}", mine_f[key], value, prefer))
    for tname, cname in _referrers():
        n = session.execute(
            select(func.count()).select_from(table(tname)).where(column(cname) == other.id)
        ).scalar_one()
        if n:
            plan.moved[tname] = n
    return plan


def merge_contacts(
    session: Session,
    keep: Contact,
    other: Contact,
    *,
    prefer: str = "keep",
    actor: str | None = None,
) -> MergePlan:
    """Merge `other` into `keep` (see the module docstring); returns what was done."""
    from termcrm.services.contacts import record_stage

    plan = plan_merge(session, keep, other, prefer)
    for tname, cname in _referrers():
        t = table(tname, column(cname))
        session.execute(update(t).where(t.c[cname] == other.id).values({cname: keep.id}))
    for tag in plan.tags:
        session.add(ContactTag(contact_id=keep.id, tag=tag))
    for key, value in plan.custom_fields.items():
        session.add(ContactField(contact_id=keep.id, key=key, value=value))
    for choice in plan.conflicts:
        if choice.field.startswith("field:") and choice.winner == "other":
            row = session.get(ContactField, (keep.id, choice.field[6:]))
            row.value = choice.other
    _merge_consents(session, keep, other)
    session.flush()
    other_values = {n: getattr(other, n) for n in (*FIELDS, *FIELDS_TAIL, "notes")}
    session.delete(other)  # through the ORM: the audit trail records it
    session.flush()
    old_stage = keep.stage
    for name, value in plan.filled.items():
        setattr(keep, name, value)
    for name in plan.cleared:
        setattr(keep, name, None)
    for choice in plan.conflicts:
        if not choice.field.startswith("field:") and choice.winner == "other":
            setattr(keep, choice.field, other_values[choice.field])
    if plan.notes_combined:
        first, second = keep.notes, other_values["notes"]
        if prefer == "other":
            first, second = second, first
        keep.notes = first if first.strip() == second.strip() else f"{first}\n\n{second}"
    keep.updated_at = now()
    session.add(keep)
    session.flush()
    if keep.stage != old_stage:
        record_stage(session, keep, old_stage, actor)
        session.flush()
    audit.record(
        session,
        action="merge",
        entity="contact",
        record_id=keep.id,
        contact_id=keep.id,
        label=keep.name,
        changes={"merged": [f"#{other.id}", f"#{keep.id}"]},
    )
    return plan


def _merge_consents(session: Session, keep: Contact, other: Contact) -> None:
    mine = {
        c.kind: c
        for c in session.scalars(select(ContactConsent).where(ContactConsent.contact_id == keep.id))
    }
    for theirs in session.scalars(
        select(ContactConsent).where(ContactConsent.contact_id == other.id)
    ).all():
        current = mine.get(theirs.kind)
        if current is None:
            session.add(
                ContactConsent(
                    contact_id=keep.id,
                    kind=theirs.kind,
                    granted=theirs.granted,
                    recorded_at=theirs.recorded_at,
                    recorded_by=theirs.recorded_by,
                )
            )
        elif theirs.recorded_at > current.recorded_at:
            current.granted = theirs.granted
            current.recorded_at = theirs.recorded_at
            current.recorded_by = theirs.recorded_by
            session.add(current)
