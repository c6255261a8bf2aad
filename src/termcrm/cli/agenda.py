"""Top-level `today`, `remind` and `shell-init`: the follow-ups nobody forgets."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._context import state
from termcrm.cli._options import JsonOpt, OwnerFilterOpt
from termcrm.cli._output import out

SHELLS = ("bash", "zsh", "fish")

#: what `shell-init` prints: runs the reminder in interactive shells only, silently on failure
SNIPPETS = {
    "bash": """\
# termcrm: remind of due follow-ups when an interactive shell starts
if [[ $- == *i* ]] && command -v {prog} >/dev/null 2>&1; then
  {prog} remind 2>/dev/null || true
fi
""",
    "zsh": """\
# termcrm: remind of due follow-ups when an interactive shell starts
if [[ -o interactive ]] && (( $+commands[{prog}] )); then
  {prog} remind 2>/dev/null || true
fi
""",
    "fish": """\
# termcrm: remind of due follow-ups when an interactive shell starts
if status is-interactive; and command -q {prog}
    {prog} remind 2>/dev/null; or true
end
""",
}


def register(root: typer.Typer) -> None:
    """Add `today`, `remind` and `shell-init` to the root app."""
    root.command("today")(today)
    root.command("remind")(remind)
    root.command("shell-init")(shell_init)


def today(
    owner: OwnerFilterOpt = None,
    mine: Annotated[
        bool, typer.Option("--mine", help="Only your records (same as --owner YOU).")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """The daily agenda: overdue, due today, next 7 days, deals closing, contacts going cold.

    Example: crm today --owner grace
    """
    from termcrm.services import agenda

    st = state()
    who = st.actor if mine and not owner else owner
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
    shell: Annotated[str, typer.Argument(help=f"Your shell: {'|'.join(SHELLS)}.")],
) -> None:
    """Print the snippet that runs `termcrm remind` when an interactive shell starts.

    Add to ~/.bashrc: eval "$(termcrm shell-init bash)"  (zsh: ~/.zshrc;
    fish: `termcrm shell-init fish | source` in ~/.config/fish/config.fish).
    Example: crm shell-init bash
    """
    from termcrm.errors import Invalid

    name = shell.strip().lower()
    if name not in SNIPPETS:
        raise Invalid(f"Unknown shell {shell!r}; supported: {', '.join(SHELLS)}")
    out.line(SNIPPETS[name].format(prog="termcrm").rstrip("\n"))
