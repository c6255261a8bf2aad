"""The console-script entry point of `termcrm` and `crm`.

`termcrm remind` runs in every new shell, so it is dispatched here before the Typer app
(and with it typer, rich, pydantic and SQLAlchemy) is imported at all.
"""

from __future__ import annotations

import os
import sys

#: global options that take a value, so the fast path can find the subcommand after them
_VALUE_OPTIONS = {"--db", "--user"}


def _subcommand(argv: list[str]) -> str | None:
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in _VALUE_OPTIONS:
            skip = True
            continue
        if arg.startswith("-"):
            continue
        return arg
    return None


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if _subcommand(args) == "remind":
        try:
            from termcrm.remind import main as remind_main
        except ImportError:  # remind not available: never break a shell
            sys.exit(0)
        sys.exit(remind_main(args))
    # pydantic (under Typer and SQLModel) would scan every installed package's entry points
    # for its plugins on the first model: ~20 ms of each start-up, for plugins termcrm never uses
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from termcrm.cli.app import run

    run(args)
