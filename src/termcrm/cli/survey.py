"""`termcrm log survey CONTACT --nps N | --csat N`: satisfaction answers (issue 6)."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import ContactArg, JsonOpt, WhenOpt
from termcrm.cli._output import out

NpsOpt = Annotated[
    int | None, typer.Option("--nps", help="Net Promoter answer, 0..10 (how likely to recommend).")
]
CsatOpt = Annotated[int | None, typer.Option("--csat", help="Satisfaction answer, 1..5.")]
CommentOpt = Annotated[str | None, typer.Option("--comment", help="What they said, verbatim.")]


def survey(
    contact: ContactArg,
    nps: NpsOpt = None,
    csat: CsatOpt = None,
    when: WhenOpt = None,
    comment: CommentOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Record a satisfaction answer: exactly one of --nps 0..10 or --csat 1..5.

    Example: crm log survey ada --nps 9 --comment "Support was quick"
    """
    from termcrm.services import records, refs, surveys

    surveys.check_answer(nps, csat)  # bad input fails before the database is opened
    st = state()
    with st.store().write() as s:
        person = refs.contact(s, contact)
        answer = surveys.log_survey(
            s, person, nps=nps, csat=csat, when=when, comment=comment, actor=st.actor
        )
    if json_:
        out.json(records.interaction(answer, contact_name=person.name))
    else:
        out.ok(f"Logged survey #{answer.id} for {person.name}: {answer.summary}")


def register(log_app: typer.Typer) -> None:
    """Add the `survey` command to the `log` sub-app."""
    log_app.command("survey")(survey)
