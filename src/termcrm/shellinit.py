"""`termcrm shell-init bash|zsh|fish`: the rc-file snippet, on the fast path.

`eval "$(termcrm shell-init bash)"` runs in every new shell, so, like `termcrm remind`, this
module imports only the standard library (no typer, rich or SQLAlchemy): `termcrm.entry`
dispatches here before the CLI is imported.

The snippet refers to termcrm by the absolute path of the executable that printed it, so it
works in shells where termcrm's virtual environment is not active, and it does nothing at all
(no "command not found") when that file no longer exists. It runs only in interactive shells and
silences every error of `remind`.

It runs `remind` with that executable's own interpreter and `-S` (no `site` start-up: no .pth
files, no console-script wrapper), with termcrm's directory and the site directories put on
`sys.path` directly: the same code, about a third less start-up in every new shell (the rc
line's target in benchmarks/run.py). `remind` needs only the standard library (and, on
PostgreSQL, a libpq it finds on that path).

bash gets more: `shell-init` itself reads what `remind` would print (`remind.due_now`), and
the snippet prints it when the shell evaluating it is the one that ran `shell-init` (`$$` is
`shell-init`'s parent: `eval "$(termcrm shell-init bash)"`), so a new shell starts one Python
instead of two. Only the snippet, once evaluated, sets the day's stamp (`termcrm shell-init
bash | less` uses up nothing). Only printed into a pipe: written into a file or onto the
terminal (to keep), the snippet holds no reminder; and a copy sourced later, in another
shell, runs `remind` as the other shells' snippets do. Every stored text the reminder names
is neutralised by `remind` and single-quoted here: the snippet never runs a word of it.
"""

from __future__ import annotations

import os
import sys

SHELLS = ("bash", "zsh", "fish")
USAGE = """Usage: termcrm shell-init bash|zsh|fish

  Print the snippet that runs `termcrm remind` when an interactive shell starts.

  ~/.bashrc:                  eval "$(termcrm shell-init bash)"
  ~/.zshrc:                   eval "$(termcrm shell-init zsh)"
  ~/.config/fish/config.fish: termcrm shell-init fish | source

  Example: crm shell-init bash
"""

#: the snippets; {exe} is the quoted executable, {cmd} the quoted command line of `remind`
SNIPPETS = {
    "bash": """\
# termcrm: remind of due follow-ups when an interactive shell starts
if [[ $- == *i* && -x {exe} ]]; then
  {cmd} 2>/dev/null || true
fi
""",
    # bash, with what `remind` printed for the shell that ran shell-init ({pid}): {shown}
    # prints it and sets the day's stamp; any other shell runs `remind` itself
    "bash-read": """\
# termcrm: remind of due follow-ups when an interactive shell starts
if [[ $- == *i* && -x {exe} ]]; then
  if [[ $$ == {pid} ]]; then  # the shell that ran shell-init: termcrm read it just now
    {shown}
  else  # a saved copy: termcrm reads it now
    {cmd} 2>/dev/null || true
  fi
fi
""",
    "zsh": """\
# termcrm: remind of due follow-ups when an interactive shell starts
if [[ -o interactive && -x {exe} ]]; then
  {cmd} 2>/dev/null || true
fi
""",
    "fish": """\
# termcrm: remind of due follow-ups when an interactive shell starts
if status is-interactive; and test -x {exe}
    {cmd} 2>/dev/null; or true
end
""",
}

#: the global options a snippet passes on to `remind` when shell-init was given them
_PASSED_ON = ("--db", "--user")


class UsageError(Exception):
    """Bad input: one `Error:` line, exit 2."""


def quote(word: str, shell: str) -> str:
    """`word` as one literal word of `shell` (single quotes, fish escapes inside them; a plain
    word such as /usr/local/bin/termcrm stays as it is)."""
    if word and all(c.isascii() and (c.isalnum() or c in "@%+=:,./-_") for c in word):
        return word
    if shell == "fish":
        return "'" + word.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + word.replace("'", "'\\''") + "'"


def executable(argv0: str | None = None) -> list[str]:
    """The command that runs this termcrm, absolute: the console script that is running, or
    this interpreter with `-m termcrm` (for `python -m termcrm`)."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    if os.path.basename(argv0) in ("termcrm", "crm") and os.path.isfile(argv0):
        return [os.path.abspath(argv0)]
    return [os.path.abspath(sys.executable), "-m", "termcrm"]


def _literal(text: str) -> str:
    """`text` as a Python string literal in double quotes (the snippet single-quotes the code
    around it, so this keeps it readable); `repr` for anything unprintable."""
    if not text.isprintable():
        return repr(text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fast_remind(command: list[str]) -> list[str]:
    """`command remind`, run by this interpreter with `-S`: termcrm's own directory and the
    site directories on `sys.path` (psycopg's bundled libpq lives there), `sys.argv[0]` kept
    so that the reminder names the command the user knows."""
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = [package_parent]
    for entry in sys.path:
        if entry.endswith(("site-packages", "dist-packages")) and entry not in paths:
            paths.append(entry)
    code = (
        f"import sys;sys.argv[0]={_literal(command[0])};"
        f"sys.path[:0]=[{','.join(map(_literal, paths))}];"
        "from termcrm.remind import main;sys.exit(main())"
    )
    return [os.path.abspath(sys.executable), "-S", "-c", code, "remind"]


def snippet(
    shell: str,
    command: list[str],
    options: list[str] | None = None,
    *,
    fast: bool = True,
    due=None,
) -> str:
    """The snippet for `shell` (bash, zsh or fish, any case): while `command[0]` exists, run
    `remind` (through `fast_remind` unless `fast` is False); for bash with `due` (see
    `read_due`), show that in the shell that ran this process instead."""
    name = shell.strip().lower()
    if name not in SHELLS:
        raise UsageError(f"Unknown shell {shell!r}; supported: {', '.join(SHELLS)}")
    run = fast_remind(command) if fast else [*command, "remind"]
    words = [quote(w, name) for w in [*run, *(options or [])]]
    fields = {"exe": quote(command[0], name), "cmd": " ".join(words)}
    if name != "bash" or due is None:
        return SNIPPETS[name].format(**fields)
    # `$$` of the shell evaluating `eval "$(termcrm shell-init bash)"`: this one's parent
    return SNIPPETS["bash-read"].format(pid=os.getppid(), shown=_shown(due), **fields)


def read_due(options: list[str]):
    """What `termcrm remind` (with the `--db`/`--user` of `options`) would print now, read
    here: a `remind.Due`, its `lines` empty when there is nothing to print; None when that
    is not known (an error: the snippet runs `remind`, which decides). `remind` is imported
    only here, for bash into a pipe: a snippet written to a file needs none of it."""
    from termcrm import remind

    opts = remind.parse_args(options)
    try:
        due = remind.due_now(db=opts["db"], user=opts["user"])
    except remind.Quiet:
        return remind.Due([], "", "")  # nothing due, shown today already, no database
    except Exception:
        return None
    try:  # noqa: SIM105  (contextlib costs an import on the fast path)
        remind.private_dirs(os.path.dirname(due.stamp))  # the snippet only writes the file
    except OSError:
        pass  # no stamp: the worst case is one more reminder
    return due


def _to_a_shell() -> bool:
    """Whether what is printed goes to a pipe (`eval "$(...)"`, `| source`), not into a
    file (`>> ~/.bashrc`) or onto a terminal to copy: a snippet kept for later must not
    hold today's reminder, the names and titles in it."""
    import stat

    try:
        return stat.S_ISFIFO(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError):
        return False


def _shown(due) -> str:
    """bash that prints `due.lines` and sets the stamp (`:` when there is nothing)."""
    if not due.lines:
        return ":"
    lines = " ".join(quote(line, "bash") for line in due.lines)
    stamp = f"{{ printf '%s\\n' {quote(due.today, 'bash')} > {quote(due.stamp, 'bash')}; }}"
    return f"printf '%s\\n' {lines}\n    {stamp} 2>/dev/null"


def parse_args(argv: list[str]) -> tuple[str | None, list[str], bool]:
    """(shell, global options to pass on, help?) from the full command line."""
    positional, passed, help_ = [], [], False
    it = iter(argv)
    for arg in it:
        if arg in _PASSED_ON:
            value = next(it, None)
            if value is not None:
                passed += [arg, value]
        elif arg.startswith(tuple(f"{o}=" for o in _PASSED_ON)):
            passed.append(arg)
        elif arg in ("-h", "--help"):
            help_ = True
        elif not arg.startswith("-"):  # --debug and other global flags are skipped
            positional.append(arg)
    words = positional[1:]  # after `shell-init` itself
    if len(words) > 1:
        raise UsageError(f"Got unexpected extra argument ({words[1]})")
    return (words[0] if words else None), passed, help_


def main(argv: list[str] | None = None) -> int:
    """Print the snippet; exit 2 with one `Error:` line for a missing or unknown shell."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        shell, passed, help_ = parse_args(args)
        if help_:
            sys.stdout.write(USAGE)
            return 0
        if shell is None:
            raise UsageError("Missing argument 'SHELL' (bash, zsh or fish)")
        due = read_due(passed) if shell.strip().lower() == "bash" and _to_a_shell() else None
        text = snippet(shell, executable(), passed, due=due)
    except UsageError as exc:
        sys.stderr.write(f"Error: {exc}\n")
        return 2
    sys.stdout.write(text)
    return 0
