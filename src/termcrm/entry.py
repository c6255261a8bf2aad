"""The console-script entry point of `termcrm` and `crm`.

`termcrm remind` and `termcrm shell-init` run in every new shell, and completion on every TAB,
so they are dispatched here before the Typer app (and with it typer, rich, pydantic and
SQLAlchemy) is imported at all; so is `termcrm tui` where it can start without the CLI
(`termcrm.tui.launch`).
"""

from __future__ import annotations

import gc
import os
import sys

#: global options that take a value, so the fast path can find the subcommand after them
_VALUE_OPTIONS = {"--db", "--user"}

#: commands that run long or handle many records: they keep Python's cyclic garbage collector
_LONG_RUNNING = {"tui", "import", "export", "demo", "db"}


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
    instruction = os.environ.get("_TERMCRM_COMPLETE")
    if instruction and argv is None:  # a TAB: see termcrm.complete
        from termcrm.complete import main as complete_main

        sys.exit(complete_main(instruction))
    command = _subcommand(args)
    if command == "remind":
        try:
            from termcrm.remind import main as remind_main
        except ImportError:  # remind not available: never break a shell
            sys.exit(0)
        sys.exit(remind_main(args))
    if command == "shell-init":
        from termcrm.shellinit import main as shell_init_main

        sys.exit(shell_init_main(args))
    # pydantic (under Typer and SQLModel) would scan every installed package's entry points
    # for its plugins on the first model: ~20 ms of each start-up, for plugins termcrm never uses
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if command == "tui" and argv is None:  # the app shows its first page before the CLI loads
        from termcrm.tui.launch import main as tui_main

        status = tui_main(args)
        if status is not None:
            sys.exit(status)
    # A short command's objects die with the process, and the ones it makes have no reference
    # cycles to reclaim (query rows, models, rich renderables): the cyclic collector would only
    # rescan the ever-growing heap of imported modules, ~15% of a command's start-up. Only when
    # this process is the command (console script, `python -m termcrm`); an in-process caller
    # passing `argv` keeps its collector.
    process = argv is None
    if process and command not in _LONG_RUNNING:
        gc.disable()
    try:
        from termcrm.cli.app import run

        run(args)
    finally:
        if process:  # exiting: spare the interpreter's final collection a scan of the heap
            gc.freeze()
