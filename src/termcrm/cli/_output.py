"""The one output object: tables, records, JSON and CSV to stdout; errors and hints to stderr.

On a terminal tables are rich-formatted; piped, they are plain aligned text that scripts can
rely on. `NO_COLOR` is honoured by rich.

Stored text never drives the terminal (`termcrm.render.safe`): every table cell, line and
message is neutralised here, rich renderables are built from `Text` and the console reads no
markup, `--csv` on stdout is neutralised and JSON escapes every control character.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from termcrm.render.safe import clean, escape_json


class NeutralStream:
    """A text stream that neutralises what passes through (data written to a terminal)."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(clean(text, multiline=True))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


class Out:
    def __init__(self) -> None:
        self._console = None
        self._err_console = None

    @property
    def is_tty(self) -> bool:
        return sys.stdout.isatty()

    @property
    def console(self):
        from rich.console import Console

        if self._console is None or self._console.file is not sys.stdout:
            self._console = Console(
                file=sys.stdout, highlight=False, markup=False, soft_wrap=not self.is_tty
            )
        return self._console

    # -- records ------------------------------------------------------------------------------

    def json(self, data: Any) -> None:
        """A record (object) or a list (array) as JSON; `[]` for an empty list."""
        encoded = json.dumps(data, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write(escape_json(encoded) + "\n")

    def csv(self, rows: Iterable[dict[str, Any]], columns: Sequence[str] | None = None) -> None:
        """Records as CSV (formula-injection safe), lists and dicts as JSON text in a cell;
        control characters neutralised, since stdout may well be a terminal."""
        from termcrm.services.transfer.formats.csv import write_csv

        write_csv(NeutralStream(sys.stdout), list(rows), columns)

    def table(
        self,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        title: str | None = None,
        empty: str = "Nothing to show.",
        justify: dict[str, str] | None = None,
    ) -> None:
        rows = [[clean(v) for v in row] for row in rows]
        if not rows:
            self.hint(empty)
            return
        if self.is_tty:
            from rich.table import Table
            from rich.text import Text

            table = Table(
                title=None if title is None else Text(clean(title)),
                header_style="bold",
                title_justify="left",
            )
            for col in columns:
                table.add_column(col, justify=(justify or {}).get(col, "left"), overflow="fold")
            for row in rows:
                table.add_row(*(Text(v) for v in row))
            self.console.print(table)
            return
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
        lines = [columns, *rows]
        for line in lines:
            cells = [v.ljust(w) for v, w in zip(line, widths, strict=True)]
            sys.stdout.write("  ".join(cells).rstrip() + "\n")

    def print(self, renderable: Any = "") -> None:
        """A rich renderable (card, board, panel), plain when piped."""
        self.console.print(renderable)

    def line(self, text: str = "") -> None:
        sys.stdout.write(clean(text, multiline=True) + "\n")

    # -- messages -----------------------------------------------------------------------------

    def ok(self, text: str) -> None:
        """Confirmation of a change, on stdout."""
        sys.stdout.write(clean(text, multiline=True) + "\n")

    def hint(self, text: str) -> None:
        sys.stderr.write(clean(text, multiline=True) + "\n")

    def trashed(self, trash_id: int) -> None:
        """What every delete command says after its confirmation line."""
        self.hint(f"Moved to the trash; undo with: termcrm trash restore {trash_id}")

    def error(self, text: str) -> None:
        first = (clean(text, multiline=True).strip().splitlines() or [""])[0]
        sys.stderr.write(f"Error: {first}\n")


out = Out()


def confirm_delete(question: str, yes: bool) -> None:
    """Ask `question` unless `--yes` was given; a no deletes nothing and exits 1."""
    import typer

    if not yes and not typer.confirm(question):
        out.hint("Nothing deleted.")
        raise typer.Exit(1)
