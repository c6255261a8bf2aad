"""The root command: global options, the sub-apps, and the one place errors become exit codes."""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from termcrm import __version__
from termcrm.cli._click import exceptions as click_exc
from termcrm.cli._context import State
from termcrm.cli._output import out
from termcrm.errors import TermcrmError


class CrmGroup(TyperGroup):
    """The root group. It maps every error a user can cause to one `Error: ...` line on
    stderr and its exit code (wrapping `main`, so the console script and CliRunner agree),
    and it builds subcommands lazily: only the one invoked, not the whole tree.
    """

    _listing = False

    def list_commands(self, ctx) -> list[str]:
        return [*super().list_commands(ctx), *LAZY]

    def get_command(self, ctx, name: str):
        command = super().get_command(ctx, name)
        if command is not None or name not in LAZY:
            return command
        if self._listing:  # the help screen needs a name and a line, not the command
            return TyperCommand(name=name, help=_short_help(name))
        if name not in _built:
            _built[name] = _build(name)
        return _built[name]

    def format_help(self, ctx, formatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def shell_complete(self, ctx, incomplete: str):
        """Command names with their one-line help, without building every command."""
        self._listing = True
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            self._listing = False

    def _main_shell_completion(self, ctx_args, prog_name, complete_var=None) -> None:
        """Answer a TAB (`_TERMCRM_COMPLETE` set by the completion script), for `termcrm` and
        `crm` alike; a failure gives no candidates and never a message in the prompt."""
        if not os.environ.get(COMPLETE_VAR):
            return
        from termcrm.cli import _completion

        _completion.register_shells()
        for built in _built.values():  # built before completion began (in-process callers)
            _completion.attach(built)
        try:
            super()._main_shell_completion(ctx_args, prog_name, COMPLETE_VAR)
        except Exception:
            sys.exit(1)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv
        code = 0
        try:
            _check_decodable(argv)
            rv = super().main(
                args=argv,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = rv if isinstance(rv, int) else 0
        except TermcrmError as exc:
            if debug:
                raise
            for problem in getattr(exc, "problems", [exc]):  # several invalid inputs: a line each
                out.error(problem.message)
            code = exc.exit_code
        except typer.Exit as exc:
            code = exc.exit_code
        except click_exc.UsageError as exc:
            hint = ""
            if exc.ctx is not None:
                hint = f" (see '{exc.ctx.command_path} --help')"
            out.error(exc.format_message().splitlines()[0] + hint)
            code = 2
        except click_exc.ClickException as exc:
            out.error(exc.format_message())
            code = exc.exit_code
        except KeyboardInterrupt:
            sys.stderr.write("Aborted.\n")
            code = 130
        except (typer.Abort, EOFError):
            out.error("Aborted; nothing was changed")
            code = 1
        except BrokenPipeError:
            code = 0
        except Exception as exc:
            if debug:
                raise
            out.error(f"unexpected {type(exc).__name__}: {exc} (run with --debug for details)")
            code = 1
        if standalone_mode:
            sys.exit(code)
        return code


def _check_decodable(argv: list[str]) -> None:
    """Bytes the shell handed over that are not UTF-8 (Python keeps them as lone surrogates)
    can be neither stored nor compared: refuse them before any command runs."""
    from termcrm.errors import Invalid

    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as exc:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise Invalid(
                f"'{shown}' is not valid UTF-8 text; check the terminal's encoding"
            ) from exc


_built: dict[str, Any] = {}

#: the options Typer adds to a sub-app, which only the root offers here
_TYPER_COMPLETION_OPTIONS = ("install_completion", "show_completion")

#: the environment variable of the completion protocol (the scripts in cli/_completion.py)
COMPLETE_VAR = "_TERMCRM_COMPLETE"

app = typer.Typer(
    cls=CrmGroup,
    name="termcrm",
    help="termcrm: a terminal CRM for small teams. Contacts, timeline, pipeline, follow-ups, KPIs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"termcrm {__version__}")
        raise typer.Exit()


def _show_completion(ctx: typer.Context, param: Any, value: bool) -> None:
    from termcrm.cli import _completion

    _completion.show_callback(ctx, param, value)


def _install_completion(ctx: typer.Context, param: Any, value: bool) -> None:
    from termcrm.cli import _completion

    _completion.install_callback(ctx, param, value)


@app.callback()
def main(
    ctx: typer.Context,
    db_target: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="TERMCRM_DB",
            show_envvar=True,
            help="Database: a file path or a SQLAlchemy URL (sqlite:///..., postgresql+psycopg://...).",
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option("--user", envvar="TERMCRM_USER", help="Team member acting (default: login)."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    install_completion: Annotated[
        bool,
        typer.Option(
            "--install-completion",
            callback=_install_completion,
            is_eager=True,
            expose_value=False,
            help="Install TAB completion for your shell ($SHELL: bash, zsh or fish).",
        ),
    ] = False,
    show_completion: Annotated[
        bool,
        typer.Option(
            "--show-completion",
            callback=_show_completion,
            is_eager=True,
            expose_value=False,
            help="Print the TAB completion script for your shell, to install it yourself.",
        ),
    ] = False,
) -> None:
    """termcrm: a terminal CRM for small teams.

    Example: crm log call ada "Renewal talk" --follow-up "next fri"
    """
    ctx.obj = State(db=db_target, user=user, debug=debug)
    ctx.call_on_close(ctx.obj.close)


class _Collector:
    """Stands in for the root app when a module's `register(root)` adds top-level commands,
    so that the functions are known without Typer building their commands yet."""

    def __init__(self) -> None:
        self.functions: dict[str, Callable[..., Any]] = {}

    def command(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def add(function: Callable[..., Any]) -> Callable[..., Any]:
            self.functions[name] = function
            return function

        return add


#: the command tree, in help order: name -> (module in termcrm.cli, its sub-app attribute, or
#: None for a top-level command that the module's `register(root)` adds). Modules are imported
#: on first use: a command pays only for its own module.
LAZY: dict[str, tuple[str, str | None]] = {
    "contact": ("contacts", "app"),
    "company": ("companies", "app"),
    "log": ("log", "app"),
    "interactions": ("interactions", "app"),
    "deal": ("deals", "app"),
    "pipeline": ("deals", None),
    "task": ("tasks", "app"),
    "today": ("agenda", None),
    "remind": ("agenda", None),
    "shell-init": ("agenda", None),
    "case": ("cases", "app"),
    "report": ("report", None),
    "history": ("history", None),
    "import": ("io", "import_app"),
    "export": ("io", "export_app"),
    "tui": ("tui", None),
    "demo": ("demo", None),
    "segment": ("segments", "app"),
    "trash": ("trash", "app"),
    "db": ("db", "app"),
    "team": ("team", "app"),
}


def _target(name: str) -> typer.Typer | Callable[..., Any]:
    """The sub-app or command function behind `name`, importing only its module."""
    module_name, attribute = LAZY[name]
    module = importlib.import_module(f"termcrm.cli.{module_name}")
    if attribute is not None:
        return getattr(module, attribute)
    collector = _Collector()
    module.register(collector)
    return collector.functions[name]


def _short_help(name: str) -> str:
    target = _target(name)
    text = target.info.help if isinstance(target, typer.Typer) else target.__doc__
    return inspect.cleandoc(text or "").split("\n\n")[0]


def _build(name: str) -> Any:
    """The Click command for `name`, built by Typer only now that it is needed.

    Typer reads every parameter of every command when it builds a group; doing that for the
    ~60 commands of the whole tree cost more than the rest of a command's start-up.
    """
    target = _target(name)
    if isinstance(target, typer.Typer):
        command = typer.main.get_command(target)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    # completion is installed for the whole program, at the top (`termcrm --install-completion`)
    command.params = [p for p in command.params if p.name not in _TYPER_COMPLETION_OPTIONS]
    if os.environ.get(COMPLETE_VAR):
        from termcrm.cli import _completion

        _completion.attach(command)
    return command


def run(argv: list[str] | None = None) -> Any:
    """Run the CLI (the console script calls this through `termcrm.entry`)."""
    name = Path(sys.argv[0]).name
    command = typer.main.get_command(app)
    return command.main(args=argv, prog_name=name if name in ("crm", "termcrm") else "termcrm")
