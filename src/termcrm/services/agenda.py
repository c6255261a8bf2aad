"""The daily agenda behind `termcrm today` and the TUI's agenda screen.

Sections, each capped at `limit` entries with its full count in `Agenda.counts`:

- `overdue`: open tasks past due (see `services.tasks` for what that means), oldest first;
- `due_today`: open tasks due today that are not overdue yet, by time;
- `next_7_days`: open tasks due tomorrow through 7 days from today;
- `deals_closing`: open deals whose expected close is within 7 days or already past;
- `going_cold`: contacts whose last interaction is older than their cadence
  (`services.cadence`), longest untouched first.

`owner` restricts every section to one team member's records (case-insensitive);
`sections` leaves out the ones a view does not show (the TUI has no open cases).
Every query is a bounded range over an index with a LIMIT; nothing scans interactions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from termcrm import dates
from termcrm.services import cadence, owners, records, tasks
from termcrm.store.models import Case, Contact, Deal, Task
from termcrm.vocab import CASE_PRIORITIES, OPEN_DEAL_STAGES

SECTIONS = ("overdue", "due_today", "next_7_days", "deals_closing", "open_cases", "going_cold")
AHEAD_DAYS = 7
COLD_COUNT_CAP = 1000


@dataclass
class Agenda:
    """Everything `today` shows, UI-free: models plus the counts behind each capped list."""

    now: datetime
    today: date
    owner: str | None
    overdue: list[Task] = field(default_factory=list)
    due_today: list[Task] = field(default_factory=list)
    next_7_days: list[Task] = field(default_factory=list)
    deals_closing: list[Deal] = field(default_factory=list)
    #: open service cases, the most urgent first
    open_cases: list[Case] = field(default_factory=list)
    going_cold: list[cadence.ColdContact] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    #: contact names for the tasks and deals shown, by contact id
    names: dict[int, str] = field(default_factory=dict)
    #: going cold is counted up to this many (a count equal to it means "at least")
    cold_cap: int = COLD_COUNT_CAP

    @property
    def empty(self) -> bool:
        return not any(self.counts.get(s) for s in SECTIONS)

    def contact_name(self, contact_id: int | None) -> str | None:
        return self.names.get(contact_id) if contact_id is not None else None


def _tasks(session: Session, where, limit: int) -> list[Task]:
    stmt = select(Task).where(where).order_by(col(Task.due_at), col(Task.id)).limit(limit)
    return list(session.exec(stmt).all())


def _task_counts(session: Session, sections: dict[str, Any], bound) -> dict[str, int]:
    """The full counts behind the task lists, in one range scan over `ix_tasks_open_due`."""
    stmt = select(*(func.count(case((where, 1))) for where in sections.values())).where(bound)
    return dict(zip(sections, session.exec(stmt).one(), strict=True))


def _total(session: Session, model, where, found: list, limit: int) -> int:
    """The full count behind a capped list; no second query when the list is not full."""
    if len(found) < limit:
        return len(found)
    return session.exec(select(func.count()).select_from(model).where(where)).one()


def _deals(session: Session, today: date, owner: str | None, limit: int):
    where = and_(
        col(Deal.stage).in_(OPEN_DEAL_STAGES),
        col(Deal.expected_close).is_not(None),
        col(Deal.expected_close) <= today + timedelta(days=AHEAD_DAYS),
    )
    if owner:
        where = and_(where, owners.condition(session, Deal.owner, owner))
    found = list(
        session.exec(
            select(Deal).where(where).order_by(col(Deal.expected_close), col(Deal.id)).limit(limit)
        ).all()
    )
    return found, _total(session, Deal, where, found, limit)


def _open_cases(session: Session, owner: str | None, limit: int) -> tuple[list[Case], int]:
    """Open cases, most urgent first, then the longest open."""
    where = [Case.status == "open"]
    if owner:
        where.append(owners.condition(session, Case.owner, owner))
    rank = case(
        {p: i for i, p in enumerate(reversed(CASE_PRIORITIES))}, value=Case.priority, else_=9
    )
    found = list(
        session.exec(
            select(Case)
            .where(*where)
            .order_by(rank, col(Case.opened_at), col(Case.id))
            .limit(limit)
        ).all()
    )
    total = len(found)
    if total >= limit:
        total = session.exec(select(func.count()).select_from(Case).where(*where)).one()
    return found, int(total)


def build(
    session: Session,
    *,
    owner: str | None = None,
    now: datetime | None = None,
    limit: int = 25,
    cold_limit: int = 20,
    sections: Iterable[str] = SECTIONS,
) -> Agenda:
    """The agenda at `now` (default: the clock), optionally for one owner; the sections not
    in `sections` stay empty (and uncounted)."""
    wanted = set(sections)
    if unknown := wanted - set(SECTIONS):
        raise ValueError(f"unknown agenda sections: {', '.join(sorted(unknown))}")
    current = now or dates.now()
    today = dates.to_local(current).date()
    tomorrow_start = tasks.day_start(today + timedelta(days=1))
    open_ = col(Task.done_at).is_(None)
    due = col(Task.due_at)
    agenda = Agenda(current, today, owner)

    not_late = or_(col(Task.due_has_time).is_(False), due >= current)
    week_end = tasks.day_start(today + timedelta(days=AHEAD_DAYS + 1))
    sections = {
        "overdue": tasks.overdue_clause(current),
        "due_today": and_(open_, due >= tasks.day_start(today), due < tomorrow_start, not_late),
        "next_7_days": and_(open_, due >= tomorrow_start, due < week_end),
    }
    sections = {name: where for name, where in sections.items() if name in wanted}
    mine = owners.condition(session, Task.owner, owner) if owner else None
    if mine is not None:
        sections = {name: and_(where, mine) for name, where in sections.items()}
    for name, where in sections.items():
        setattr(agenda, name, _tasks(session, where, limit))
        agenda.counts[name] = len(getattr(agenda, name))
    if any(n >= limit for n in agenda.counts.values()):  # a capped list: count them all
        bound = and_(open_, due < week_end, *([mine] if mine is not None else []))
        agenda.counts.update(_task_counts(session, sections, bound))
    if "deals_closing" in wanted:
        agenda.deals_closing, agenda.counts["deals_closing"] = _deals(session, today, owner, limit)
    if "open_cases" in wanted:
        agenda.open_cases, agenda.counts["open_cases"] = _open_cases(session, owner, limit)
    if "going_cold" in wanted:
        agenda.going_cold, agenda.counts["going_cold"] = cadence.going_cold(
            session, owner=owner, now=current, limit=cold_limit, count_cap=COLD_COUNT_CAP
        )

    ids = {
        t.contact_id
        for t in (*agenda.overdue, *agenda.due_today, *agenda.next_7_days)
        if t.contact_id is not None
    } | {d.contact_id for d in (*agenda.deals_closing, *agenda.open_cases) if d.contact_id}
    if ids:
        agenda.names = dict(
            session.exec(select(Contact.id, Contact.name).where(col(Contact.id).in_(ids))).all()
        )
    return agenda


# -- as data ------------------------------------------------------------------------------------


def _task(agenda: Agenda, t: Task) -> dict[str, Any]:
    data = records.task(t, contact_name=agenda.contact_name(t.contact_id))
    data["days_late"] = tasks.days_late(t, agenda.now)
    data["when"] = tasks.status(t, agenda.now)
    return data


def _deal(agenda: Agenda, d: Deal) -> dict[str, Any]:
    data = records.deal(d, contact_name=agenda.contact_name(d.contact_id))
    data["days_to_close"] = (d.expected_close - agenda.today).days
    data["past_close"] = d.expected_close < agenda.today
    return data


def _cold(c: cadence.ColdContact) -> dict[str, Any]:
    p = c.contact
    return {
        "contact_id": p.id,
        "name": p.name,
        "email": p.email,
        "phone": p.phone,
        "stage": p.stage,
        "owner": p.owner,
        "cadence_days": c.cadence_days,
        "last_interaction_at": dates.iso(c.last_interaction_at),
        "last_touch_at": dates.iso(c.last_touch_at),
        "days_since": c.days_since,
        "days_overdue": c.days_overdue,
    }


def to_record(agenda: Agenda) -> dict[str, Any]:
    """`today --json`: one object with a list per section and the full counts."""
    return {
        "date": agenda.today.isoformat(),
        "generated_at": dates.iso(agenda.now),
        "owner": agenda.owner,
        "overdue": [_task(agenda, t) for t in agenda.overdue],
        "due_today": [_task(agenda, t) for t in agenda.due_today],
        "next_7_days": [_task(agenda, t) for t in agenda.next_7_days],
        "deals_closing": [_deal(agenda, d) for d in agenda.deals_closing],
        "open_cases": [
            records.case(c, contact_name=agenda.contact_name(c.contact_id))
            for c in agenda.open_cases
        ],
        "going_cold": [_cold(c) for c in agenda.going_cold],
        "counts": {s: agenda.counts.get(s, 0) for s in SECTIONS},
    }
