"""Options and arguments that recur across commands, declared once."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.vocab import CONTACT_STAGES, DEAL_STAGES

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (snake_case keys, ISO dates).")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
LimitOpt = Annotated[
    int | None,
    typer.Option("--limit", "-n", min=0, max=10**9, help="Show at most N records (up to 10^9)."),
]

ContactArg = Annotated[
    str, typer.Argument(help="Contact: id, exact email, or a unique part of the name.")
]
ContactOpt = Annotated[
    str | None,
    typer.Option("--contact", "-c", help="Contact: id, exact email, or a unique part of the name."),
]
CompanyOpt = Annotated[
    str | None, typer.Option("--company", help="Company name (created if new) or id.")
]
OwnerOpt = Annotated[
    str | None, typer.Option("--owner", help="Team member responsible (default: you).")
]
OwnerFilterOpt = Annotated[str | None, typer.Option("--owner", help="Only this owner's records.")]
MineOpt = Annotated[bool, typer.Option("--mine", help="Only your records (same as --owner YOU).")]
ContactStageOpt = Annotated[
    str | None, typer.Option("--stage", help=f"Lifecycle stage: {'|'.join(CONTACT_STAGES)}.")
]
DealStageOpt = Annotated[
    str | None, typer.Option("--stage", help=f"Deal stage: {'|'.join(DEAL_STAGES)}.")
]
WhenOpt = Annotated[
    str | None,
    typer.Option("--when", help="When it happened: ISO date/time or 'yesterday', '2d ago'..."),
]
DueOpt = Annotated[
    str | None,
    typer.Option("--due", help="Due date: ISO or 'tomorrow', 'next fri', 'in 3 days', 'eow'..."),
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="From this date: ISO, 'yesterday', '30d' (ago)...")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Up to this date: ISO, 'today', '7d' (ago)...")
]
EditOpt = Annotated[
    bool,
    typer.Option("--edit", help="Write the long text in $VISUAL/$EDITOR (empty cancels)."),
]
NotesOpt = Annotated[
    str | None, typer.Option("--notes", help="Free notes ('-' reads standard input).")
]
IdOnlyOpt = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Print only the new record's id (for scripts: id=$(crm ... -q))."
    ),
]

TagOpt = Annotated[list[str] | None, typer.Option("--tag", "-t", help="Tag (repeatable).")]
AddTagOpt = Annotated[
    list[str] | None, typer.Option("--tag", "--add-tag", "-t", help="Add a tag (repeatable).")
]
RemoveTagOpt = Annotated[
    list[str] | None,
    typer.Option("--remove-tag", "--untag", help="Remove a tag (repeatable)."),
]
FieldOpt = Annotated[
    list[str] | None,
    typer.Option("--field", "-f", help="Custom field KEY=VALUE (repeatable; KEY= removes it)."),
]
