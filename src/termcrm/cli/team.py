"""`termcrm team ...`: the logins of a team's CRM on PostgreSQL and their roles."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import JsonOpt
from termcrm.cli._output import out

app = typer.Typer(
    help="The team on PostgreSQL: logins and their roles (admin, member, viewer).",
    no_args_is_help=True,
)

NameArg = Annotated[str, typer.Argument(help="The team member's database login name.")]
RoleHelp = "admin (everything), member (adds; changes own records), viewer (reads)."
#: a script's way to set a password without a prompt (never on the command line)
PASSWORD_ENV = "TERMCRM_PASSWORD"


def _password() -> str:
    given = os.environ.get(PASSWORD_ENV)
    if given:
        return given
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@app.command("add")
def add(
    name: NameArg,
    role: Annotated[str, typer.Option("--role", help=RoleHelp)],
    password: Annotated[
        bool,
        typer.Option(
            "--password",
            help=f"Ask for a password (not echoed; or from ${PASSWORD_ENV}).",
        ),
    ] = False,
) -> None:
    """Add a team member: create their database login and give it a role.

    Example: crm team add grace --role member --password
    """
    from termcrm.services import team

    secret = _password() if password else None
    with state().store().write() as s:
        created = team.add(s, name, role, password=secret)
    how = "created the login" if created else "the login existed already"
    out.ok(f"Added {name.strip()} as {role.strip().lower()} ({how}).")


@app.command("list")
def list_(json_: JsonOpt = False) -> None:
    """List the team: each login, its role and how many records it owns.

    Example: crm team list --json
    """
    from termcrm.services import team

    with state().store().read() as s:
        found = team.members(s)
    if json_:
        out.json([m.to_dict() for m in found])
        return
    out.table(
        ("Name", "Role", "Records"),
        [(m.name, m.role, m.records) for m in found],
        empty="Nobody is on the team yet; add someone with `termcrm team add NAME --role member`.",
        justify={"Records": "right"},
    )


@app.command("role")
def role(
    name: NameArg, new_role: Annotated[str, typer.Argument(metavar="ROLE", help=RoleHelp)]
) -> None:
    """Change a team member's role.

    Example: crm team role grace admin
    """
    from termcrm.services import team

    with state().store().write() as s:
        team.change_role(s, name, new_role)
    out.ok(f"{name.strip()} is now {new_role.strip().lower()}.")


@app.command("remove")
def remove(
    name: NameArg,
    reassign_to: Annotated[
        str, typer.Option("--reassign-to", help="Who takes over the records they own.")
    ],
) -> None:
    """Take a member off the team; their records go to another member.

    Example: crm team remove mallory --reassign-to grace
    """
    from termcrm.services import team

    with state().store().write() as s:
        moved = team.remove(s, name, reassign_to=reassign_to)
    out.ok(f"Removed {name.strip()}; {moved} records now belong to {reassign_to.strip()}.")
