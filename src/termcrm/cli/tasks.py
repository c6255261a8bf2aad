"""`termcrm task ...`: follow-ups and to-dos (add, list, show, done, snooze, edit, delete)."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import (
    ContactOpt,
    CsvOpt,
    DueOpt,
    EditOpt,
    IdOnlyOpt,
    JsonOpt,
    LimitOpt,
    MineOpt,
    NotesOpt,
    OwnerFilterOpt,
    OwnerOpt,
    YesOpt,
)
from termcrm.cli._output import out

app = typer.Typer(
    help="Tasks and follow-ups: add, list, done, snooze, edit, delete.", no_args_is_help=True
)

TaskArg = Annotated[str, typer.Argument(help="Task id (as shown by `task list`).")]
RecurOpt = Annotated[
    str | None,
    typer.Option(
        "--recur",
        help="Repeat: daily|weekly|monthly|yearly|Nd|Nw|Nm; end in '!' to count from completion.",
    ),
]
PriorityOpt = Annotated[
    str | None, typer.Option("--priority", help="Priority: low|normal|high (default normal).")
]
DealOpt = Annotated[str | None, typer.Option("--deal", help="Deal id the task belongs to.")]


def _records(s, tasks) -> list[dict]:
    from termcrm.services.tasks import task_records

    return task_records(s, tasks)


def _summary(task) -> str:
    from termcrm import dates

    due = f", due {dates.show(task.due_at, with_time=task.due_has_time)}" if task.due_at else ""
    return f"#{task.id} {task.title}{due}"


@app.command("add")
def add(
    title: Annotated[str, typer.Argument(help="What to do.")],
    contact: ContactOpt = None,
    deal: DealOpt = None,
    due: DueOpt = None,
    recur: RecurOpt = None,
    priority: PriorityOpt = None,
    owner: OwnerOpt = None,
    notes: NotesOpt = None,
    edit_: EditOpt = False,
    quiet: IdOnlyOpt = False,
    segment: Annotated[
        str | None,
        typer.Option("--segment", help="One task for every member of this segment (asks first)."),
    ] = None,
    yes: YesOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Add a task or follow-up, optionally recurring (`--edit` writes its notes in $EDITOR;
    `-q` prints only its id); with --segment one for each member of the segment.

    Example: crm task add "Call back Grace" --contact grace --due "next fri 10:00" --recur 2w
    """
    from termcrm.cli._editor import long_text
    from termcrm.services import refs, segments, tasks

    notes = long_text(notes, edit_it=edit_, what="the notes on this task", context=title)
    st = state()
    with st.store().write() as s:
        if segment is not None:
            if contact is not None or deal is not None:
                segments.check_bulk(contact, segment, deal=deal)
            group, people = segments.members(s, segment)
            question = f"Add {len(people)} tasks, one for each contact in segment {group.name}?"
            if people and not yes and not typer.confirm(question):
                out.hint("Nothing added.")
                raise typer.Exit(1)
        else:
            people = [refs.contact(s, contact) if contact else None]
        added = [
            tasks.add_task(
                s,
                title,
                due=due,
                contact=person,
                deal=deal,
                priority=priority,
                recur=recur,
                owner=owner,
                actor=st.actor,
                notes=notes,
            )
            for person in people
        ]
        rows = _records(s, added)
    if json_:
        out.json(rows if segment is not None else rows[0])
    elif segment is not None:
        out.ok(f"Added {len(added)} tasks for segment {group.name}")
    elif quiet:
        out.line(str(added[0].id))
    else:
        out.ok(f"Added task {_summary(added[0])}")


def _scope(overdue: bool, today: bool, week: bool, all_: bool) -> str:
    from termcrm.errors import Invalid

    chosen = [n for n, on in (("overdue", overdue), ("today", today), ("week", week)) if on]
    if (all_ and chosen) or len(chosen) > 1:
        raise Invalid("Choose one of --overdue, --today, --week, --all")
    return "all" if all_ else (chosen[0] if chosen else "open")


@app.command("list")
def list_(
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue tasks.")] = False,
    today: Annotated[bool, typer.Option("--today", help="Only tasks due today.")] = False,
    week: Annotated[
        bool, typer.Option("--week", help="Tasks due today and in the next 7 days.")
    ] = False,
    all_: Annotated[bool, typer.Option("--all", help="Open and done tasks.")] = False,
    owner: OwnerFilterOpt = None,
    mine: MineOpt = False,
    contact: ContactOpt = None,
    limit: LimitOpt = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
) -> None:
    """List tasks, soonest due first; without a filter every open task.

    Example: crm task list --overdue --owner grace --json
    """
    from termcrm import dates
    from termcrm.services import recurrence, tasks

    scope = _scope(overdue, today, week, all_)
    now = dates.now()
    with state().store().read() as s:
        found = tasks.list_tasks(
            s, scope=scope, owner=state().owner_filter(owner, mine), contact=contact, limit=limit
        )
        rows = _records(s, found)
    if json_:
        out.json(rows)
        return
    if csv_:
        out.csv(rows)
        return
    table = []
    for t, r in zip(found, rows, strict=True):
        rule = recurrence.parse_rule(t.recur) if t.recur else None
        status = tasks.status(t, now)
        table.append(
            [
                t.id,
                dates.show(t.due_at, with_time=t.due_has_time) if t.due_at else "",
                status,
                t.title,
                r["contact"],
                t.priority,
                rule.text if rule else "",
                t.owner,
            ]
        )
    out.table(
        ("ID", "Due", "When", "Title", "Contact", "Priority", "Recur", "Owner"),
        table,
        empty="No tasks match.",
        justify={"ID": "right"},
    )


@app.command("show")
def show(task: TaskArg, json_: JsonOpt = False) -> None:
    """Show one task.

    Example: crm task show 12 --json
    """
    from termcrm import dates
    from termcrm.services import recurrence, refs

    with state().store().read() as s:
        found = refs.task(s, task)
        record = _records(s, [found])[0]
    if json_:
        out.json(record)
        return
    rule = recurrence.parse_rule(found.recur) if found.recur else None
    rows = [
        ("Task", f"#{found.id} {found.title}"),
        ("Due", dates.show(found.due_at, with_time=found.due_has_time) if found.due_at else ""),
        ("Status", "done " + dates.show(found.done_at) if found.done_at else "open"),
        ("Contact", record["contact"]),
        ("Deal", f"#{found.deal_id}" if found.deal_id else None),
        ("Priority", found.priority),
        ("Repeats", rule.describe() if rule else None),
        ("Owner", found.owner),
        ("Notes", found.notes),
    ]
    for label, value in rows:
        if value:
            out.line(f"{label + ':':<9} {value}")


@app.command("done")
def done(
    task: TaskArg,
    from_completion: Annotated[
        bool,
        typer.Option(
            "--from-completion",
            help="Recurring: count the next due date from today, not from the old due date.",
        ),
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Mark a task done; a recurring task gets its next occurrence.

    Example: crm task done 12
    """
    from termcrm.services import tasks

    with state().store().write() as s:
        finished, following = tasks.complete_task(s, task, from_completion=from_completion)
        records = _records(s, [finished] + ([following] if following else []))
    if json_:
        data = records[0]
        data["next"] = records[1] if following else None
        out.json(data)
        return
    out.ok(f"Done: #{finished.id} {finished.title}")
    if following is not None:
        out.ok(f"Next: {_summary(following)}")


@app.command("snooze")
def snooze(
    task: TaskArg,
    until: Annotated[
        str, typer.Argument(metavar="W", help="New due: '3d', '2w', 'tomorrow', 'next mon', ISO.")
    ],
    json_: JsonOpt = False,
) -> None:
    """Move an open task's due date; amounts count from now.

    Example: crm task snooze 12 3d
    """
    from termcrm.services import tasks

    with state().store().write() as s:
        moved = tasks.snooze_task(s, task, until)
        record = _records(s, [moved])[0]
    if json_:
        out.json(record)
    else:
        out.ok(f"Snoozed task {_summary(moved)}")


@app.command("edit")
def edit(
    task: TaskArg,
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
    due: Annotated[str | None, typer.Option("--due", help="New due date ('' clears it).")] = None,
    recur: Annotated[
        str | None, typer.Option("--recur", help="New recurrence rule ('' stops repeating).")
    ] = None,
    priority: PriorityOpt = None,
    owner: OwnerOpt = None,
    contact: ContactOpt = None,
    deal: DealOpt = None,
    notes: NotesOpt = None,
    edit_: EditOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Change a task; only the options given change (`--edit` opens its notes in $EDITOR).

    Example: crm task edit 12 --due "next mon 9:00" --priority high
    """
    from termcrm.cli._editor import current_text
    from termcrm.services import refs, tasks

    extra: dict = {}
    notes = current_text(
        notes,
        edit_it=edit_,
        what="the notes on this task",
        read=lambda s: ((r := refs.task(s, task)).notes, f"#{r.id} {r.title}"),
    )
    with state().store().write() as s:
        if contact is not None:
            extra["contact"] = refs.contact(s, contact) if contact.strip() else None
        if deal is not None:
            extra["deal"] = deal if deal.strip() else None
        changed = tasks.edit_task(
            s,
            task,
            title=title,
            due=due,
            priority=priority,
            recur=recur,
            owner=owner,
            notes=notes,
            **extra,
        )
        record = _records(s, [changed])[0]
    if json_:
        out.json(record)
    else:
        out.ok(f"Updated task {_summary(changed)}")


@app.command("delete")
def delete(task: TaskArg, yes: YesOpt = False) -> None:
    """Delete a task (to finish it, use `task done`).

    Example: crm task delete 12 --yes
    """
    from termcrm.services import refs, tasks

    with state().store().write() as s:
        found = refs.task(s, task)
        label = f"#{found.id} {found.title}"
        if not yes and not typer.confirm(f"Delete task {label}?"):
            out.hint("Nothing deleted.")
            raise typer.Exit(1)
        entry = tasks.delete_task(s, found, actor=state().actor)
    out.ok(f"Deleted task {label}")
    out.trashed(entry.id)
