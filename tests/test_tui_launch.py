"""`termcrm tui`'s fast path: the first page on screen before the domain layer is loaded.

The console script hands `[--db X] [--user U] tui` to `termcrm.tui.launch`, which starts the
app on a current SQLite file and leaves everything else to the CLI.
"""

from __future__ import annotations

import gc

import pytest
from store_helpers import set_revision
from test_startup_imports import _loaded
from tui_helpers import seed, wait_for

from termcrm.tui import launch
from termcrm.tui.app import CrmApp
from termcrm.tui.widgets.contact_table import ContactTable


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["tui"], {"db": None, "user": None}),
        (["--db", "my crm.db", "tui"], {"db": "my crm.db", "user": None}),
        (["--user=Ünal", "--db=x.db", "tui"], {"db": "x.db", "user": "Ünal"}),
        (["tui", "--help"], None),  # the CLI's help
        (["--debug", "tui"], None),  # an option the fast path does not know
        (["tui", "extra"], None),
        (["--db"], None),
        (["contact", "list"], None),
    ],
)
def test_only_a_plain_tui_command_takes_the_fast_path(args, expected):
    assert launch._options(args) == expected


@pytest.fixture
def ran(monkeypatch):
    """The apps `launch.main` would have run, instead of running them."""
    started: list[CrmApp] = []
    monkeypatch.setattr(CrmApp, "run", lambda self: started.append(self))
    return started


@pytest.fixture
def collector():
    """The cyclic garbage collector as the test found it, afterwards."""
    was = gc.isenabled()
    yield
    if was:
        gc.enable()


def test_a_current_sqlite_file_starts_the_app_with_its_first_page(store, db_path, ran, collector):
    assert launch.main(["--user", "ünal", "tui"]) == 0
    assert not gc.isenabled()  # off for the start-up: the app turns it on when loaded
    (app,) = ran
    assert app.first_page_from.path == str(db_path) and app._store is None
    assert app._actor == "ünal"
    assert app.first_page_from.take(60) == ([], 0)  # read ahead, in its own thread


@pytest.mark.parametrize("case", ["missing", "older", "postgres", "not a database"])
def test_anything_else_is_left_to_the_cli(store, db_path, tmp_path, ran, case):
    args = ["tui"]
    if case == "missing":
        args = ["--db", str(tmp_path / "new.db"), "tui"]  # the CLI creates it, and says so
    elif case == "older":
        set_revision(db_path, "0009")
    elif case == "postgres":
        args = ["--db", "postgresql://127.0.0.1:1/crm", "tui"]
    else:
        (tmp_path / "junk.db").write_text("junk")
        args = ["--db", str(tmp_path / "junk.db"), "tui"]
    assert launch.main(args) is None
    assert ran == []
    assert not (tmp_path / "new.db").exists()


def test_the_fast_path_imports_no_database_layer(tmp_path, store, db_path):
    seed(store)
    body = (
        "import termcrm.tui.launch, termcrm.tui.app\n"
        "from termcrm.firstpage import first_page\n"
        f"rows, total = first_page({str(db_path)!r}, 60)\n"
        "print(total, rows[0].name)\n"
    )
    loaded, r = _loaded(tmp_path, body)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[0] == "4" and "Ada Lovelace" in r.stdout
    assert not loaded & {"sqlalchemy", "sqlmodel", "typer", "click", "alembic"}, loaded


async def test_the_first_page_shows_before_the_store_opens(store, db_path):
    seed(store)
    shown: list[tuple[int, int | None, bool]] = []

    def hook(message) -> None:
        if isinstance(message, ContactTable.PageShown):
            shown.append((message.rows, message.total, app._store is None))

    app = CrmApp(db_target=str(db_path), first_page_from=str(db_path), refresh_every=None)
    async with app.run_test(size=(120, 36), message_hook=hook) as pilot:
        await wait_for(pilot, lambda: any(total == 4 for _, total, _ in shown))
        first = next(s for s in shown if s[1] == 4)
        assert first == (4, 4, True)  # page and count, read without the store
        table = app.screen.query_one(ContactTable)
        assert table.get_row_at(0)[0] == "Ada Lovelace"
        # the store opens right after, and a search goes through the pager as always
        await wait_for(pilot, lambda: app._store is not None)
        await pilot.press("slash", *"turing")
        await wait_for(pilot, lambda: table.total == 1)
        assert table.get_row_at(0)[0] == "Alan Turing"


async def test_the_app_turns_the_collector_on_once_loaded(store, db_path, collector):
    """The launch turns the cyclic collector off for the start-up; a long-running app must
    have it back on, once the first page is shown and the store and screens are loaded."""
    seed(store)
    gc.disable()
    app = CrmApp(db_target=str(db_path), first_page_from=str(db_path), refresh_every=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app._store is not None)
        await wait_for(pilot, gc.isenabled)
