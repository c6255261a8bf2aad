"""The root command: global options, the sub-apps, and the one place errors become exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from termcrm import __version__
from termcrm.cli import (
    agenda,
    cases,
    companies,
    contacts,
    db,
    deals,
    demo,
    interactions,
    io,
    log,
    report,
    tasks,
    tui,
)
from termcrm.cli._click import exceptions as click_exc
from termcrm.cli._context import State
from termcrm.cli._output import out
from termcrm.errors import TermcrmError


class CrmGroup(TyperGroup):
    """Maps every error a user can cause to one `Error: ...` line on stderr and its exit code.

    It wraps `main`, so the mapping is the same for the console script and for CliRunner.
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv
        code = 0
        try:
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
            out.error(exc.message)
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
) -> None:
    """termcrm: a terminal CRM for small teams.

    Example: crm log call ada "Renewal talk" --follow-up "next fri"
    """
    ctx.obj = State(db=db_target, user=user, debug=debug)
    ctx.call_on_close(ctx.obj.close)


def _wire(target: typer.Typer) -> None:
    target.add_typer(contacts.app, name="contact")
    target.add_typer(companies.app, name="company")
    target.add_typer(log.app, name="log")
    target.add_typer(deals.app, name="deal")
    target.add_typer(tasks.app, name="task")
    target.add_typer(cases.app, name="case")
    target.add_typer(io.import_app, name="import")
    target.add_typer(io.export_app, name="export")
    target.add_typer(db.app, name="db")
    interactions.register(target)
    deals.register(target)
    agenda.register(target)
    report.register(target)
    tui.register(target)
    demo.register(target)


_wire(app)


def run(argv: list[str] | None = None) -> Any:
    """Run the CLI (the console script calls this through `termcrm.entry`)."""
    name = Path(sys.argv[0]).name
    command = typer.main.get_command(app)
    return command.main(args=argv, prog_name=name if name in ("crm", "termcrm") else "termcrm")
