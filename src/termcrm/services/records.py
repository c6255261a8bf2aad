"""Records as plain dicts: the one shape used by `--json`, `--csv` and `export`.

Keys are snake_case; datetimes ISO 8601 in UTC, dates YYYY-MM-DD; money both as a decimal
string (`value`) and in minor units (`value_minor`) with its currency.
"""

from __future__ import annotations

from typing import Any

from termcrm.amounts import money as money  # the one rule, re-exported for records
from termcrm.dates import iso


def default_uid(contact_id: int | None) -> str | None:
    """The UID of a contact that brought none: stable, the one vCard exports always wrote."""
    return f"contact-{contact_id}@termcrm" if contact_id is not None else None


def contact(view) -> dict[str, Any]:
    """A `ContactView` as a record."""
    c = view.contact
    return {
        "id": c.id,
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "title": c.title,
        "company": view.company,
        "first_name": c.first_name,
        "middle_name": c.middle_name,
        "last_name": c.last_name,
        "name_prefix": c.name_prefix,
        "name_suffix": c.name_suffix,
        "uid": c.uid or default_uid(c.id),
        "stage": c.stage,
        "source": c.source,
        "owner": c.owner,
        "tags": list(view.tags),
        "fields": dict(view.fields),
        "cadence_days": c.cadence_days,
        "notes": c.notes,
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at),
    }


def company(view) -> dict[str, Any]:
    """A `companies.CompanySummary` (or a bare `Company`) as a record: its tags and custom
    fields always, its numbers of contacts and open deals where the summary has them."""
    c = getattr(view, "company", view)
    contacts = getattr(view, "contacts", None)
    open_deals = getattr(view, "open_deals", None)
    out = {
        "id": c.id,
        "name": c.name,
        "domain": c.domain,
        "industry": c.industry,
        "owner": c.owner,
        "tags": list(getattr(view, "tags", ())),
        "fields": dict(getattr(view, "fields", {})),
        "notes": c.notes,
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at),
    }
    if contacts is not None:
        out["contacts"] = contacts
    if open_deals is not None:
        out["open_deals"] = open_deals
    return out


def interaction(i, *, contact_name: str | None = None) -> dict[str, Any]:
    return {
        "id": i.id,
        "contact_id": i.contact_id,
        "contact": contact_name,
        "kind": i.kind,
        "direction": i.direction,
        "occurred_at": iso(i.occurred_at),
        "summary": i.summary,
        "body": i.body,
        "duration_min": i.duration_min,
        "outcome": i.outcome,
        "metric": i.metric,
        "score": i.score,
        "logged_by": i.logged_by,
        "created_at": iso(i.created_at),
        "updated_at": iso(i.updated_at),
    }


def deal(d, *, contact_name: str | None = None, company_name: str | None = None) -> dict[str, Any]:
    return {
        "id": d.id,
        "title": d.title,
        "contact_id": d.contact_id,
        "contact": contact_name,
        "company_id": d.company_id,
        "company": company_name,
        "value": money(d.value_minor),
        "value_minor": d.value_minor,
        "currency": d.currency,
        "stage": d.stage,
        "probability": d.probability,
        "expected_close": iso(d.expected_close),
        "closed_at": iso(d.closed_at),
        "lost_reason": d.lost_reason,
        "notes": d.notes,
        "owner": d.owner,
        "created_at": iso(d.created_at),
        "updated_at": iso(d.updated_at),
    }


def task(t, *, contact_name: str | None = None) -> dict[str, Any]:
    return {
        "id": t.id,
        "title": t.title,
        "due_at": iso(t.due_at),
        "due_date": iso(t.due_at.astimezone().date()) if t.due_at else None,
        "due_has_time": t.due_has_time,
        "contact_id": t.contact_id,
        "contact": contact_name,
        "deal_id": t.deal_id,
        "priority": t.priority,
        "notes": t.notes,
        "recur": t.recur,
        "done": t.done_at is not None,
        "done_at": iso(t.done_at),
        "owner": t.owner,
        "created_at": iso(t.created_at),
        "updated_at": iso(t.updated_at),
    }


def case(c, *, contact_name: str | None = None) -> dict[str, Any]:
    return {
        "id": c.id,
        "contact_id": c.contact_id,
        "contact": contact_name,
        "subject": c.subject,
        "priority": c.priority,
        "notes": c.notes,
        "status": c.status,
        "owner": c.owner,
        "opened_at": iso(c.opened_at),
        "resolved_at": iso(c.resolved_at),
        "resolution_note": c.resolution_note,
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at),
    }


def money_by_currency(by_currency: dict[str, int]) -> dict[str, str]:
    """Amounts per currency (never added across currencies), as decimal strings."""
    return {cur: money(v) for cur, v in sorted(by_currency.items())}


def stage_change(h) -> dict[str, Any]:
    """One entry of a deal's (or contact's) stage history."""
    return {
        "from_stage": h.from_stage,
        "to_stage": h.to_stage,
        "changed_at": iso(h.changed_at),
        "changed_by": h.changed_by,
    }


def deal_with_history(row, history) -> dict[str, Any]:
    """`deal show --json`: a `DealRow` as a record with its stage history, oldest first."""
    data = deal(row.deal, contact_name=row.contact, company_name=row.company)
    data["history"] = [stage_change(h) for h in history]
    return data


def pipeline(board) -> dict[str, Any]:
    """`pipeline --json`: the board with every column's count, totals and deals."""
    return {
        "closed_since": iso(board.closed_since),
        "open_total": money_by_currency(board.open_total),
        "stages": [
            {
                "stage": c.stage,
                "count": c.count,
                "total": money_by_currency(c.total),
                "weighted": money_by_currency(c.weighted),
                "deals": [
                    deal(r.deal, contact_name=r.contact, company_name=r.company) for r in c.deals
                ],
            }
            for c in board.columns
        ],
    }
