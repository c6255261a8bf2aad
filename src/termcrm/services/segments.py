"""Segments: the contact filters beyond search, tag, company, stage and owner, and saved
filters by name.

The filters are fields of the one `ContactQuery` (`services/search.py`); their conditions
are built here, in `conditions`, which `search._filtered` applies. Relative dates
(`--contacted-before 30d`) are kept as typed and resolved when the query runs, so a saved
segment's members are always evaluated now.

A saved segment is that query as JSON in the `segments` table (migration 0008).
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields, replace
from decimal import Decimal, InvalidOperation

from sqlalchemy import and_, exists, func, not_, or_, select
from sqlmodel import Session

from termcrm import dates
from termcrm.errors import Conflict, Invalid, NotFound
from termcrm.services import validate
from termcrm.services._query import ieq
from termcrm.store.models import (
    Contact,
    ContactConsent,
    ContactField,
    ContactTag,
    Deal,
    Interaction,
    Segment,
)
from termcrm.vocab import CLOSED_DEAL_STAGES

#: NPS categories: the latest answer's score range
NPS = {"detractor": (0, 6), "passive": (7, 8), "promoter": (9, 10)}


def _when(phrase: str, what: str):
    try:
        return dates.parse_when(phrase, backwards=True).at
    except Invalid as exc:
        raise Invalid(f"Invalid {what} {phrase!r}: {exc.message}", field=what) from exc


def _amount(value: str) -> int:
    try:
        amount = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        raise Invalid(
            f"Invalid --deal-value-above {value!r}: use an amount like 5000", field="deal value"
        ) from None
    return int(amount * 100)


def _has_tag(tags):
    return exists().where(
        ContactTag.contact_id == Contact.id, or_(*(ieq(ContactTag.tag, t) for t in tags))
    )


def conditions(query) -> list:
    """The SQL conditions of the query's segment filters (each given one must hold)."""
    out = []
    for tag in query.tags:
        out.append(_has_tag([tag]))
    if query.any_tags:
        out.append(_has_tag(query.any_tags))
    if query.no_tags:
        out.append(not_(_has_tag(query.no_tags)))
    for key, value in query.fields:
        out.append(
            exists().where(
                ContactField.contact_id == Contact.id,
                ContactField.key == key,
                ieq(ContactField.value, value),
            )
        )
    contacted = exists().where(Interaction.contact_id == Contact.id)
    if query.contacted_before:
        at = _when(query.contacted_before, "--contacted-before")
        later = exists().where(Interaction.contact_id == Contact.id, Interaction.occurred_at >= at)
        out.append(and_(contacted, not_(later)))
    if query.contacted_after:
        at = _when(query.contacted_after, "--contacted-after")
        out.append(
            exists().where(Interaction.contact_id == Contact.id, Interaction.occurred_at >= at)
        )
    if query.never_contacted:
        out.append(not_(contacted))
    open_deal = and_(Deal.contact_id == Contact.id, Deal.stage.notin_(CLOSED_DEAL_STAGES))
    if query.has_open_deal:
        out.append(exists().where(open_deal))
    if query.deal_value_above:
        minor = _amount(query.deal_value_above)
        out.append(exists().where(open_deal, Deal.value_minor > minor))
    if query.nps:
        category = validate.choice(query.nps, tuple(NPS), "nps")
        low, high = NPS[category]
        out.append(_latest_nps_between(low, high))
    if query.consent:
        out.append(
            exists().where(
                ContactConsent.contact_id == Contact.id,
                ContactConsent.kind == query.consent.strip().lower(),
                ContactConsent.granted.is_(True),
            )
        )
    return out


def _latest_nps_between(low: int, high: int):
    """The contact's latest NPS answer scored from `low` to `high`."""
    latest = (
        select(Interaction.score)
        .where(Interaction.contact_id == Contact.id, Interaction.metric == "nps")
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(1)
        .correlate(Contact)
        .scalar_subquery()
    )
    return latest.between(low, high)


# -- saved segments ---------------------------------------------------------------------------


def _to_json(query) -> str:
    data = {k: v for k, v in asdict(query).items() if v not in (None, (), [], False, "")}
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _from_json(text_: str):
    from termcrm.services.search import ContactQuery

    known = {f.name for f in fields(ContactQuery)}
    data = {k: v for k, v in json.loads(text_).items() if k in known}
    for key in ("tags", "any_tags", "no_tags"):
        if key in data:
            data[key] = tuple(data[key])
    if "fields" in data:
        data["fields"] = tuple(tuple(p) for p in data["fields"])
    return ContactQuery(**data)


def check(session: Session, query) -> None:
    """Raise Invalid now for a filter that could not run (a bad date, amount or choice)."""
    from termcrm.services.search import _filtered

    _filtered(session, select(Contact.id), query.cleaned())


def save(session: Session, name: str, query, actor: str | None = None) -> Segment:
    """Save `query` as segment `name` (replacing one of that name)."""
    name = validate.text(name, "segment name", required=True, max_len=100)
    if query.segment:
        raise Invalid("A segment cannot be saved from another segment; repeat its filters")
    check(session, query)
    existing = find(session, name)
    if existing is None:
        existing = Segment(name=name, filters=_to_json(query), created_by=actor)
    else:
        existing.filters, existing.updated_at = _to_json(query), dates.now()
    session.add(existing)
    session.flush()
    return existing


def find(session: Session, name: str) -> Segment | None:
    return session.scalars(select(Segment).where(ieq(Segment.name, name))).first()


def get(session: Session, name: str) -> Segment:
    found = find(session, name)
    if found is None:
        raise NotFound(f"No segment named {name!r} (see 'termcrm segment list')")
    return found


def list_segments(session: Session) -> list[Segment]:
    return list(session.scalars(select(Segment).order_by(func.lower(Segment.name))))


def delete(session: Session, name: str) -> Segment:
    segment = get(session, name)
    session.delete(segment)
    session.flush()
    return segment


def query_of(segment: Segment):
    return _from_json(segment.filters)


def resolve(session: Session, query):
    """`query` with its `segment` (a name) replaced by that segment's filters, combined with
    the other filters given (each must match)."""
    if not query.segment:
        return query
    saved = query_of(get(session, query.segment))
    merged = {}
    for f in fields(query):
        mine, theirs = getattr(query, f.name), getattr(saved, f.name)
        if f.name == "segment":
            merged[f.name] = None
        elif isinstance(mine, tuple):
            merged[f.name] = tuple(dict.fromkeys((*theirs, *mine)))
        elif mine not in (None, False, "") and theirs not in (None, False, "") and mine != theirs:
            raise Conflict(
                f"--{f.name.replace('_', '-')} {mine!r} contradicts segment {segment_name(query)}"
            )
        else:
            merged[f.name] = mine if mine not in (None, False, "") else theirs
    return replace(query, **merged)


def segment_name(query) -> str:
    return repr(query.segment)


def describe(segment: Segment) -> str:
    """The saved filters as the options that made them: `--tag vip --stage lead`."""
    parts = []
    for key, value in json.loads(segment.filters).items():
        option = "--" + key.replace("_", "-")
        if key in ("tags", "any_tags", "no_tags"):
            option = {"tags": "--tag", "any_tags": "--any-tag", "no_tags": "--no-tag"}[key]
            parts += [f"{option} {v}" for v in value]
        elif key == "fields":
            parts += [f"--field {k}={v}" for k, v in value]
        elif value is True:
            parts.append(option)
        else:
            parts.append(f"{option} {value}")
    return " ".join(parts)


def members(session: Session, name: str) -> tuple[Segment, list[Contact]]:
    """A segment and its members now, by id (for bulk work: `contact edit`, `task add`)."""
    from termcrm.services.search import ContactQuery, matching_ids

    segment = get(session, name)
    ids = matching_ids(session, ContactQuery(segment=segment.name))
    found = session.scalars(select(Contact).where(Contact.id.in_(ids)).order_by(Contact.id))
    return segment, list(found)


def check_bulk(contact: str | None, segment: str | None, **single: object) -> None:
    """`--segment` works on many contacts: not with a CONTACT, nor with what only one person
    can have (`single`: option name -> value given)."""
    if contact is not None and segment is not None:
        raise Invalid("Give a CONTACT or --segment, not both")
    if segment is None:
        if contact is None:
            raise Invalid("Give a CONTACT (or --segment NAME)", field="contact")
        return
    given = [f"--{k}" for k, v in single.items() if v is not None]
    if given:
        raise Invalid(f"{', '.join(given)} belong(s) to one person: not with --segment")
