"""The TUI for a team (#14): `m` shows only your records on the contacts, the pipeline and
the agenda (owners matched as `--mine` matches them), and a contact's detail shows its
changes: who changed what, and when."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input
from textual.widgets._footer import FooterKey
from tui_helpers import Pages, seed, showing, text_of, wait_for

from termcrm.services import contacts, deals, privacy, refs, tasks
from termcrm.tui.app import CrmApp
from termcrm.tui.screens.agenda import AgendaScreen
from termcrm.tui.screens.contact_detail import ContactDetailScreen
from termcrm.tui.screens.help import HelpScreen
from termcrm.tui.screens.pipeline import PipelineScreen


def _owners(table) -> set[str]:
    return {str(table.get_row_at(i)[3]) for i in range(table.row_count)}


async def test_m_shows_only_my_contacts_whatever_the_letter_case(store, db_path):
    """The owner is stored as "Ünal", the login is "ünal": one person (`services.owners`)."""
    seed(store, me="Ünal", colleague="mia")
    app = CrmApp(db_target=str(db_path), actor="ünal", refresh_every=None)
    pages = Pages()
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot)
        assert table.total == 4
        owner_box = app.screen.query_one("#owner", Input)
        owner_box.value = "mi"  # typed before: given back when "mine" goes off
        await wait_for(pilot, lambda: table.total == 0)
        await pilot.press("m")
        await wait_for(pilot, lambda: table.total == 2 and table.loaded == 2)
        assert _owners(table) == {"Ünal"}
        assert owner_box.value == "ünal" and owner_box.disabled
        assert "mine (ünal)" in app.screen.sub_title
        status = app.screen.query_one("#status")
        await wait_for(pilot, lambda: "2 contacts · mine" in text_of(status))
        await pilot.press("m")
        await wait_for(pilot, lambda: table.total == 0)
        assert owner_box.value == "mi" and not owner_box.disabled
        assert "mine" not in app.screen.sub_title


async def test_mine_is_in_the_footer_and_the_help(app, pages):
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        footer = app.screen.query_one("CrmFooter")
        await wait_for(pilot, lambda: "Mine" in [k.description for k in footer.query(FooterKey)])
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: showing(app, HelpScreen))  # its Statics composed
        shown = "\n".join(text_of(s) for s in app.screen.query("Static"))
        assert "Mine: show only your records, or everyone's again" in shown


async def test_mine_carries_over_to_the_pipeline_and_the_agenda(store, db_path):
    ids = seed(store, me="Ünal", colleague="mia")
    with store.write() as s:
        alan = refs.contact(s, ids["alan"])
        deals.add_deal(s, "Enigma follow-up", contact=alan, value="300", owner="mia")
        tasks.add_task(s, "Mia's overdue call", due="2026-11-10", contact=alan, owner="mia")
    app = CrmApp(db_target=str(db_path), actor="ÜNAL", refresh_every=None)
    pages = Pages()

    def cards() -> list[str]:
        return sorted(t for c in app.screen.query("StageColumn") for t in c.list.titles)

    def agenda_tasks() -> list[str]:
        if not showing(app, AgendaScreen):
            return []  # not there yet, or its tables not composed yet
        table = app.screen.query_one("#agenda-overdue", DataTable)
        return [str(table.get_row_at(i)[2]) for i in range(table.row_count)]

    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.screen, PipelineScreen))
        await wait_for(pilot, lambda: len(cards()) == 4)
        board = app.screen
        await pilot.press("m")
        # Kernel audit is for mia's contact: hers (a deal's owner is its contact's)
        await wait_for(pilot, lambda: cards() == ["Compiler support", "Engine licences"])
        assert "mine (ÜNAL)" in app.screen.sub_title

        await pilot.press("3")  # the agenda opens with "mine" on
        await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen))
        await wait_for(pilot, lambda: agenda_tasks() == ["Call about the audit"])
        assert "mine (ÜNAL)" in app.screen.sub_title
        await pilot.press("m")  # everyone's again
        await wait_for(pilot, lambda: "Mia's overdue call" in agenda_tasks())

        await pilot.press("m", "1")  # mine again; and the contacts follow
        await wait_for(pilot, lambda: pages.table.total == 2)
        assert _owners(pages.table) == {"Ünal"}
        read_before = board.columns  # each read of the board replaces it
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.screen, PipelineScreen))
        # the board read on this visit: its cards from before (mine, 2) matched at once
        await wait_for(pilot, lambda: board.columns is not read_before)
        assert len(cards()) == 2


def _changes(screen) -> list[tuple[str, ...]]:
    table = screen.query_one("#changes", DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_the_detail_shows_who_changed_what_as_data(store, db_path, monkeypatch):
    ids = seed(store)
    hostile = "Eve \x1b]0;PWNED\x07 [/bold]"
    store.actor = "mia\x1b[2J"  # stored text, the actor's name too
    with store.write() as s:
        ada = refs.contact(s, ids["ada"])
        contacts.edit_contact(s, ada, stage="lead", name=hostile)
    store.actor = None
    app = CrmApp(db_target=str(db_path), refresh_every=None)
    pages = Pages()
    async with app.run_test(size=(140, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        app.push_screen(ContactDetailScreen(ids["ada"]))
        await wait_for(pilot, lambda: getattr(app.screen, "detail", None) is not None)
        detail = app.screen
        await pilot.press("left")  # from the timeline back round to the last tab
        await wait_for(pilot, lambda: detail.query_one("TabbedContent").active == "tab-changes")
        rows = _changes(detail)
        assert rows[-1][1:] == ("tester", "created")
        when, who, what = rows[0]
        assert when == "2026-11-18 10:00" and who == "mia␛[2J"
        assert what == "changed name: Ada Lovelace → Eve ␛]0;PWNED␇ [/bold]; stage: customer → lead"
        assert any(r[2] == "created deal #1 Engine licences" for r in rows)


async def test_the_profile_card_shows_consents_with_their_dates(store, db_path):
    ids = seed(store)
    with store.write() as s:
        ada = refs.contact(s, ids["ada"])
        privacy.set_consent(s, ada, "marketing", True, "tester")
        privacy.set_consent(s, ada, "calls", False, "tester")
    app = CrmApp(db_target=str(db_path), refresh_every=None)
    pages = Pages()
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        app.push_screen(ContactDetailScreen(ids["ada"]))
        await wait_for(pilot, lambda: getattr(app.screen, "detail", None) is not None)
        card = " ".join(text_of(app.screen.query_one("#profile")).split())
        assert "Consent calls no (since 2026-11-18) marketing yes (since 2026-11-18)" in card


@pytest.mark.postgres
async def test_on_postgresql_mine_is_the_login_and_changes_name_it(crm, pg_db, monkeypatch):
    """As `termcrm tui` opens it on a team's CRM: "mine" is the database login's records,
    and the Changes tab names who the triggers recorded."""
    from sqlalchemy.engine import make_url

    from termcrm.cli._context import State

    monkeypatch.delenv("TERMCRM_USER")
    alice, bob = f"alice_{pg_db.hex}", f"bob_{pg_db.hex}"
    for name in (alice, bob):
        crm.ok("--db", pg_db.url(), "team", "add", name, "--role", "member")
    as_alice = ["--db", pg_db.url(alice)]
    crm.ok(*as_alice, "contact", "add", "Ada Lovelace", "--stage", "lead")
    crm.ok(*as_alice, "contact", "add", "Bea Bob", "--owner", bob.upper())
    crm.ok("--db", pg_db.url(), "contact", "edit", "Ada Lovelace", "--stage", "customer")

    state = State(db=pg_db.url(alice))
    store = state.store(memory_map=False)
    app = CrmApp(db_target=state.db, actor=state.actor, store=store, refresh_every=None)
    pages = Pages()
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        table = await pages.ready(pilot, timeout=20)
        assert table.total == 2
        await pilot.press("m")
        await wait_for(pilot, lambda: table.total == 1 and table.loaded == 1, timeout=20)
        assert _owners(table) == {alice}
        assert f"mine ({alice})" in app.screen.sub_title
        await pilot.press("enter")
        await wait_for(pilot, lambda: getattr(app.screen, "detail", None) is not None, timeout=20)
        detail = app.screen
        await pilot.press("left")
        await wait_for(pilot, lambda: detail.query_one("TabbedContent").active == "tab-changes")
        rows = _changes(detail)
        server_login = make_url(pg_db.url()).username  # the CRM's owner made the change
        assert rows[0][1:] == (server_login, "changed stage: lead → customer")
        assert rows[-1][1:] == (alice, "created")
