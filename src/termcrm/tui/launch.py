"""`termcrm tui` straight from the console script, without the CLI: the fast path.

`termcrm.entry` hands `termcrm [--db X] [--user U] tui` here before Typer is imported. For
an existing SQLite file at this termcrm's schema revision on a local disk, the app starts at
once and shows the first page of contacts read with sqlite3 alone (`termcrm.firstpage`),
opening the store (SQLAlchemy, the models) in a worker meanwhile. Anything else (another
option, `--help`, PostgreSQL, a new or older file that needs creating or migrating, a
network filesystem, which the CLI warns about) returns None, and the CLI runs the command
as it always did, with its one-line errors.
"""

from __future__ import annotations

#: the options the fast path understands; any other word sends the command to the CLI
_VALUED = ("--db", "--user")


def _options(args: list[str]) -> dict[str, str | None] | None:
    """{"db": ..., "user": ...} from `[--db X] [--user U] tui`, or None for anything else."""
    opts: dict[str, str | None] = {"db": None, "user": None}
    words = iter(args)
    command = None
    for word in words:
        if word in _VALUED:
            value = next(words, None)
            if value is None:
                return None
            opts[word[2:]] = value
        elif word.startswith(tuple(f"{o}=" for o in _VALUED)):
            key, _, value = word[2:].partition("=")
            opts[key] = value
        elif word == "tui" and command is None:
            command = word
        else:
            return None
    return opts if command == "tui" else None


def main(args: list[str]) -> int | None:
    """Run the app on the fast path and return its exit status, or None: the CLI's turn."""
    from termcrm import paths

    opts = _options(args)
    if opts is None:
        return None
    target = paths.db_target(opts["db"])
    path = paths.sqlite_path(target)
    if path is None or not path.is_file() or paths.network_filesystem(path):
        return None
    from termcrm import firstpage

    if not firstpage.at_head(str(path)):
        return None
    import gc

    # start-up makes hundreds of thousands of objects that live as long as the app (modules,
    # styles, widgets) and no garbage: each full collection meanwhile rescans them all, ~20 ms
    # of the launch; the app turns the collector back on once it is loaded (CrmApp._loaded)
    gc.disable()
    ahead = firstpage.Ahead(str(path))  # read while Textual and the app's code load
    from termcrm.tui.app import CrmApp

    CrmApp(db_target=target, actor=opts["user"], first_page_from=ahead).run()
    return 0
