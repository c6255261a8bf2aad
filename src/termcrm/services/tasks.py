"""Tasks and follow-ups: creation, due dates, recurrence, completion, snoozing.

What "due" means, defined once here:

- A task with a date only (`due_has_time=False`) has `due_at` = the local midnight starting
  that day. It is due all that day and overdue from the next local day on.
- A task with a time of day (`due_has_time=True`) is overdue as soon as that instant passes.
- A task without a due date is never overdue.

The CLI (`task ...`, `today`), the TUI's agenda and `remind` all use these rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from termcrm import dates
from termcrm.errors import Conflict, Invalid
from termcrm.services import owners, recurrence, refs, validate
from termcrm.store.models import Contact, Deal, Task
from termcrm.vocab import TASK_PRIORITIES

#: the filters of `task list`: open tasks by default, `all` adds done ones
SCOPES = ("open", "overdue", "today", "week", "all")
#: how far ahead `--week` (and the agenda's "next 7 days") looks, in days after today
WEEK_DAYS = 7


# -- what "due" means ---------------------------------------------------------------------------


def due_date(task: Task) -> date | None:
    """The local calendar day a task is due."""
    return dates.to_local(task.due_at).date() if task.due_at else None


def is_overdue(task: Task, now: datetime | None = None) -> bool:
    """Open, and past its due time (timed) or its due day (date only)."""
    if task.done_at is not None or task.due_at is None:
        return False
    current = now or dates.now()
    if task.due_has_time:
        return dates.as_utc(task.due_at) < current
    return due_date(task) < dates.to_local(current).date()


def days_late(task: Task, now: datetime | None = None) -> int:
    """Whole local days between the due day and today (0 when due today or later)."""
    day = due_date(task)
    if day is None:
        return 0
    today = dates.to_local(now or dates.now()).date()
    return max(0, (today - day).days)


def lateness(task: Task, now: datetime | None = None) -> str:
    """How late an overdue task is, for people: `2 days late`, `3 hours late`."""
    current = now or dates.now()
    days = days_late(task, current)
    if days:
        return dates.humanize_delta(-days)
    if task.due_has_time and task.due_at is not None:
        minutes = int((current - dates.as_utc(task.due_at)).total_seconds() // 60)
        if minutes >= 60:
            hours = minutes // 60
            return f"{hours} hour{'s' if hours != 1 else ''} late"
        return f"{max(minutes, 1)} min late"
    return ""


def when_due(task: Task, now: datetime | None = None) -> str:
    """`today`, `tomorrow 14:30`, `in 3 days`, `2 days late`: the due date for people."""
    if task.due_at is None:
        return ""
    today = dates.to_local(now or dates.now()).date()
    label = dates.humanize_delta((due_date(task) - today).days)
    if task.due_has_time:
        label += " " + dates.to_local(task.due_at).strftime("%H:%M")
    return label


def status(task: Task, now: datetime | None = None) -> str:
    """A task's state for people, as every list shows it: `done 18 Nov 2026`, `2 hours late`,
    `today 15:00`, `in 2 days`; "" when it is open with no due date. The time of day counts:
    a task due at 09:00 is late at 10:00 (`remind` restates this, see its tests)."""
    if task.done_at is not None:
        return f"done {dates.show(task.done_at, with_time=False)}"
    current = now or dates.now()
    return lateness(task, current) if is_overdue(task, current) else when_due(task, current)


def day_start(d: date) -> datetime:
    return dates.day_bounds(d)[0]


# -- look-up ------------------------------------------------------------------------------------


def open_task(session: Session, ref: str | int | Task) -> Task:
    """Like `refs.task`, but a task already done is a Conflict."""
    task = refs.task(session, ref)
    if task.done_at is not None:
        raise Conflict(
            f"Task #{task.id} is already done (on {dates.show(task.done_at, with_time=False)})"
        )
    return task


def _open_due_between(stmt, start: datetime | None, end: datetime | None):
    stmt = stmt.where(col(Task.done_at).is_(None), col(Task.due_at).is_not(None))
    if start is not None:
        stmt = stmt.where(col(Task.due_at) >= start)
    if end is not None:
        stmt = stmt.where(col(Task.due_at) < end)
    return stmt


def overdue_clause(now: datetime):
    """SQL for "open and overdue", shaped for the `ix_tasks_open_due` index."""
    today_start = day_start(dates.to_local(now).date())
    return and_(
        col(Task.done_at).is_(None),
        col(Task.due_at) < now,
        or_(col(Task.due_at) < today_start, col(Task.due_has_time).is_(True)),
    )


def scoped(stmt, scope: str, now: datetime):
    """Restrict a `select(Task)` to one of `SCOPES`."""
    today = dates.to_local(now).date()
    if scope == "all":
        return stmt
    if scope == "open":
        return stmt.where(col(Task.done_at).is_(None))
    if scope == "overdue":
        return stmt.where(overdue_clause(now))
    if scope == "today":
        return _open_due_between(stmt, day_start(today), day_start(today + timedelta(days=1)))
    if scope == "week":
        end = day_start(today + timedelta(days=WEEK_DAYS + 1))
        return _open_due_between(stmt, day_start(today), end)
    raise Invalid(f"Unknown task filter {scope!r}; choose one of: {', '.join(SCOPES)}")


def list_tasks(
    session: Session,
    *,
    scope: str = "open",
    owner: str | None = None,
    contact: Contact | str | None = None,
    now: datetime | None = None,
    limit: int | None = None,
) -> list[Task]:
    """Tasks by `scope` (see `SCOPES`), soonest due first (no due date last), then by id.

    `--today` lists everything due on today's date (a timed task already past included);
    `--week` today and the next 7 days; `--overdue` what is late. Done tasks only with `all`.
    """
    current = now or dates.now()
    stmt = scoped(select(Task), scope, current)
    if owner:
        stmt = stmt.where(owners.condition(session, Task.owner, owner))
    if contact is not None:
        person = refs.contact(session, contact)
        stmt = stmt.where(Task.contact_id == person.id)
    stmt = stmt.order_by(
        col(Task.due_at).is_(None), col(Task.due_at), col(Task.id)
    )  # portable "nulls last"
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.exec(stmt).all())


def contact_names(session: Session, tasks: Iterable[Task]) -> dict[int, str]:
    """Names of the contacts these tasks belong to, by id (one query)."""
    ids = {t.contact_id for t in tasks if t.contact_id is not None}
    if not ids:
        return {}
    rows = session.exec(select(Contact.id, Contact.name).where(col(Contact.id).in_(ids))).all()
    return dict(rows)


def task_records(session: Session, tasks: Iterable[Task]) -> list[dict]:
    """Tasks as records (`--json`, `--csv`) with their contact's name."""
    from termcrm.services import records

    tasks = list(tasks)
    names = contact_names(session, tasks)
    return [records.task(t, contact_name=names.get(t.contact_id)) for t in tasks]


# -- writes -------------------------------------------------------------------------------------


def _recur(recur: str | None) -> str | None:
    with validate.about("recur"):
        return recurrence.normalize(recur)


def _parse_due(due: str | dates.When | None) -> dates.When | None:
    if due is None or isinstance(due, dates.When):
        return due
    if not due.strip():
        return None
    return dates.parse_when(due, field="due")


def add_task(
    session: Session,
    title: str,
    *,
    due: str | dates.When | None = None,
    contact: Contact | None = None,
    deal: Deal | str | int | None = None,
    priority: str | None = None,
    recur: str | None = None,
    owner: str | None = None,
    actor: str | None = None,
    notes: str | None = None,
) -> Task:
    """Create an open task; `due` is a phrase (`next fri`) or a parsed `When`.

    `recur` is validated (`Invalid` for a bad rule) and stored in its canonical form.
    """
    checks = validate.Checks()  # every invalid value reported at once
    title = checks(validate.text, title, "title", required=True, max_len=500)
    when = checks(_parse_due, due)
    priority = checks(validate.choice, priority or "normal", TASK_PRIORITIES, "priority")
    recur = checks(_recur, recur)
    owner = checks(validate.text, owner, "owner", max_len=100)
    notes = checks(validate.text, notes, "notes", max_len=20000)
    checks.done()
    deal = refs.deal(session, deal) if deal is not None else None
    task = Task(
        title=title,
        due_at=when.at if when else None,
        due_has_time=bool(when and when.has_time),
        contact_id=contact.id if contact else (deal.contact_id if deal else None),
        deal_id=deal.id if deal else None,
        priority=priority,
        recur=recur,
        owner=owner or actor,
        notes=notes,
    )
    session.add(task)
    session.flush()
    return task


def complete_task(
    session: Session,
    task: Task | str | int,
    *,
    from_completion: bool = False,
    now: datetime | None = None,
) -> tuple[Task, Task | None]:
    """Mark a task done; for a recurring one also create its next occurrence.

    Returns `(done, next_or_None)`. NotFound for a missing task, Conflict when it is done
    already. See `recurrence.next_occurrence` for how the next due date is chosen.
    """
    task = open_task(session, task)
    current = now or dates.now()
    task.done_at = current
    task.updated_at = current
    session.add(task)
    following = None
    rule = recurrence.parse_rule(task.recur) if task.recur else None
    if rule is not None:
        nxt = recurrence.next_occurrence(
            rule,
            task.due_at,
            task.due_has_time,
            completed_at=current,
            from_completion=from_completion,
        )
        following = Task(
            title=task.title,
            notes=task.notes,
            series_id=task.series_id or task.id,
            due_at=nxt.due_at,
            due_has_time=nxt.due_has_time,
            contact_id=task.contact_id,
            deal_id=task.deal_id,
            priority=task.priority,
            recur=nxt.recur,
            owner=task.owner,
        )
        session.add(following)
    session.flush()
    return task, following


def snooze_task(
    session: Session, task: Task | str | int, phrase: str, *, now: datetime | None = None
) -> Task:
    """Move an open task's due date to `phrase` (`3d`, `2w`, `tomorrow`, `next mon`, ISO).

    Amounts count from now. A timed task keeps its time of day when the phrase names only a
    day. Invalid for a phrase that does not parse or lies in the past.
    """
    task = open_task(session, task)
    current = now or dates.now()
    when = dates.parse_when(phrase, base=current, field="until")
    at, has_time = when.at, when.has_time
    if not has_time and task.due_has_time and task.due_at is not None:
        tod = dates.to_local(task.due_at).time().replace(tzinfo=None)
        at = dates.combine_local(when.local_date, tod)
        has_time = True
    past = at <= current if has_time else when.local_date < dates.to_local(current).date()
    if past:
        raise Invalid(f"Cannot snooze to {phrase!r}: that is in the past", field="until")
    task.due_at, task.due_has_time = at, has_time
    task.updated_at = current
    session.add(task)
    session.flush()
    return task


_UNSET = object()


def edit_task(
    session: Session,
    task: Task | str | int,
    *,
    title: str | None = None,
    due: str | None = None,
    priority: str | None = None,
    recur: str | None = None,
    owner: str | None = None,
    contact: Contact | object | None = _UNSET,
    deal: Deal | str | int | object | None = _UNSET,
    notes: str | None = None,
) -> Task:
    """Change the given fields; `due=""`, `recur=""`, `owner=""`, `notes=""` clear them."""
    task = refs.task(session, task)
    checks = validate.Checks()  # every invalid value reported at once
    changes = {}
    if title is not None:
        changes["title"] = checks(validate.text, title, "title", required=True, max_len=500)
    if due is not None:
        when = checks(_parse_due, due)
        changes["due_at"] = when.at if when else None
        changes["due_has_time"] = bool(when and when.has_time)
    if priority is not None:
        changes["priority"] = checks(validate.choice, priority, TASK_PRIORITIES, "priority")
    if recur is not None:
        changes["recur"] = checks(_recur, recur)
    if owner is not None:
        changes["owner"] = checks(validate.text, owner, "owner", max_len=100)
    if notes is not None:
        changes["notes"] = checks(validate.text, notes, "notes", max_len=20000)
    checks.done()
    for attr, value in changes.items():
        setattr(task, attr, value)
    if contact is not _UNSET:
        task.contact_id = contact.id if contact is not None else None
    if deal is not _UNSET:
        found = refs.deal(session, deal) if deal is not None else None
        task.deal_id = found.id if found else None
        if found is not None and task.contact_id is None:
            task.contact_id = found.contact_id
    task.updated_at = dates.now()
    session.add(task)
    session.flush()
    return task


def delete_task(session: Session, task: Task | str | int, actor: str | None = None):
    """Move a task to the trash; returns its trash entry."""
    from termcrm.services import trash

    task = refs.task(session, task)
    return trash.move_to_trash(session, "task", task.id, f"#{task.id} {task.title}", actor)
