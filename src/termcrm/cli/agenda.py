"""Top-level `today`, `remind` and `shell-init`: the follow-ups nobody forgets."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import JsonOpt, MineOpt, OwnerFilterOpt
from termcrm.cli._output import out


def register(root: typer.Typer) -> None:
    """Add `today`, `remind` and `shell-init` to the root app."""
    root.command("today")(today)
    root.command("remind")(remind)
    root.command("shell-init")(shell_init)


def today(
    owner: OwnerFilterOpt = None,
    mine: MineOpt = False,
    everyone: Annotated[
        bool,
        typer.Option(
            "--everyone", help="Everyone's agenda (a member's default on PostgreSQL is --mine)."
        ),
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """The daily agenda: overdue, due today, next 7 days, deals closing, contacts going cold.

    Example: crm today --owner grace
    """
    from termcrm.services import agenda, team

    st = state()
    if not (owner or mine or everyone):
        mine = team.agenda_mine_by_default(st.store())
    who = st.owner_filter(owner, mine)
    with st.store().read() as s:
        day = agenda.build(s, owner=who)
        record = agenda.to_record(day) if json_ else None
    if json_:
        out.json(record)
        return
    from termcrm.render import agenda as view

    if out.is_tty:
        out.print(view.agenda_view(day))
    else:
        out.line("\n".join(view.plain_lines(day)))


def remind(
    always: Annotated[
        bool, typer.Option("--always", "-a", help="Show it even if shown today already.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Say on stderr why nothing shows.")
    ] = False,
) -> None:
    """A short reminder for shell start-up; prints nothing when nothing is due.

    At most once a day per user and database unless --always; never fails (exit 0).
    Example: crm remind --always
    """
    from termcrm import remind as fast

    st = state()
    args = ["--always"] if always else []
    if debug or st.debug:
        args.append("--debug")
    if st.db:
        args += ["--db", st.db]
    if st.user:
        args += ["--user", st.user]
    fast.main(args)


def shell_init(
    shell: Annotated[str, typer.Argument(help="Your shell: bash|zsh|fish.")],
) -> None:
    """Print the snippet that runs `termcrm remind` when an interactive shell starts.

    Add to ~/.bashrc: eval "$(termcrm shell-init bash)"  (zsh: ~/.zshrc;
    fish: `termcrm shell-init fish | source` in ~/.config/fish/config.fish).
    The snippet calls this termcrm by its absolute path. The console script answers this
    command on its fast path (termcrm.shellinit) without loading the CLI.
    Example: crm shell-init bash
    """
    from termcrm import shellinit
    from termcrm.errors import Invalid

    passed = _given_global_options()
    try:
        text = shellinit.snippet(shell, shellinit.executable(), passed)
    except shellinit.UsageError as exc:
        raise Invalid(str(exc)) from None
    out.line(text.rstrip("\n"))


def _given_global_options() -> list[str]:
    """`--db`/`--user` as given on the command line (not from the environment), so that the
    snippet runs `remind` on the same database as the fast path's snippet would."""
    from termcrm.cli._click import get_current_context

    root = get_current_context().find_root()
    passed: list[str] = []
    for name, flag in (("db_target", "--db"), ("user", "--user")):
        source = root.get_parameter_source(name)
        if source is not None and source.name == "COMMANDLINE" and root.params.get(name):
            passed += [flag, root.params[name]]
    return passed
