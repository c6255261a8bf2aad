"""`termcrm log KIND CONTACT SUMMARY`: record an interaction (one subcommand per kind)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from typer.core import TyperGroup

from termcrm.cli import survey
from termcrm.cli._click import exceptions as click_exc
from termcrm.cli._context import state
from termcrm.cli._options import ContactArg, EditOpt, JsonOpt
from termcrm.cli._output import out
from termcrm.vocab import INTERACTION_KINDS

EXAMPLES = {
    "call": 'crm log call ada "Renewal talk" --follow-up "next fri"',
    "email": 'crm log email ada "Sent the proposal" --direction out',
    "meeting": 'crm log meeting ada "Quarterly review" --when "2026-12-01 14:00" --duration 60',
    "note": 'crm log note ada "Prefers calls in the morning"',
    "chat": 'crm log chat ada "Asked about SSO on Slack" --direction in',
    "sms": 'crm log sms ada "Confirmed Tuesday"',
    "social": 'crm log social ada "Liked our launch post"',
}


class LogGroup(TyperGroup):
    """Names the valid kinds when a user types an unknown one (exit 2)."""

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            kinds = ", ".join(self.list_commands(ctx))
            raise click_exc.UsageError(
                f"Unknown interaction kind {name!r}; choose one of: {kinds}", ctx
            )
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=LogGroup,
    help="Log an interaction: call, email, meeting, note, chat, sms, social, survey.",
    no_args_is_help=True,
)


def _make(kind: str) -> Callable[..., None]:
    def command(
        contact: ContactArg,
        summary: Annotated[str, typer.Argument(help="What happened, in one line.")],
        when: Annotated[
            str | None,
            typer.Option(
                "--when", "-w", help="When: ISO or 'yesterday', '2h ago'... (default now)."
            ),
        ] = None,
        body: Annotated[
            str | None,
            typer.Option("--body", "-b", help="Longer text ('-' reads standard input)."),
        ] = None,
        direction: Annotated[
            str | None, typer.Option("--direction", "-d", help="in (they reached out) | out.")
        ] = None,
        duration: Annotated[
            int | None, typer.Option("--duration", min=0, help="Length in minutes.")
        ] = None,
        outcome: Annotated[str | None, typer.Option("--outcome", help="The result.")] = None,
        follow_up: Annotated[
            str | None,
            typer.Option("--follow-up", "-f", help="Also add a follow-up task due then."),
        ] = None,
        edit_: EditOpt = False,
        json_: JsonOpt = False,
    ) -> None:
        from termcrm.cli._editor import long_text
        from termcrm.services import interactions, records, refs

        what = f"the body of the {kind} with {contact}"
        body = long_text(body, edit_it=edit_, what=what, context=summary)
        st = state()
        with st.store().write() as s:
            person = refs.contact(s, contact)
            logged = interactions.log_interaction(
                s,
                person,
                kind,
                summary,
                when=when,
                body=body,
                direction=direction,
                duration=duration,
                outcome=outcome,
                follow_up=follow_up,
                actor=st.actor,
            )
        if json_:
            data = records.interaction(logged.interaction, contact_name=person.name)
            data["follow_up"] = (
                records.task(logged.follow_up, contact_name=person.name)
                if logged.follow_up
                else None
            )
            out.json(data)
            return
        out.ok(f"Logged {kind} #{logged.interaction.id} with {person.name}")
        if logged.follow_up is not None:
            from termcrm import dates

            due = dates.show(logged.follow_up.due_at, with_time=logged.follow_up.due_has_time)
            out.ok(f"Follow-up task #{logged.follow_up.id} due {due}")

    command.__name__ = f"log_{kind}"
    article = "an" if kind[0] in "aeiou" else "a"
    command.__doc__ = f"Log {article} {kind} with a contact.\n\nExample: {EXAMPLES[kind]}"
    return command


for _kind in INTERACTION_KINDS:
    app.command(_kind)(_make(_kind))

survey.register(app)
