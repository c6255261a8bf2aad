"""The contact detail offers the contact's likely duplicates and merges one (Pilot)."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import OptionList
from tui_helpers import Pages, showing, wait_for

from termcrm.services import contacts, interactions
from termcrm.store.models import Contact, Interaction
from termcrm.tui.app import CrmApp
from termcrm.tui.modals.confirm import ConfirmScreen
from termcrm.tui.modals.duplicates import DuplicatesScreen
from termcrm.tui.screens.contact_detail import ContactDetailScreen


async def test_merge_a_duplicate_from_the_contact_detail(store, db_path):
    with store.write() as s:
        ada = contacts.add_contact(s, "Zoë Ölstad", phone="+47 22 12 34 56", company="Fjord AS")
        dup = contacts.add_contact(s, "Zoe Olstad", phone="+47 22123456")
        contacts.add_contact(s, "Zoë Ölstad-Berg", company="Elsewhere")
        interactions.log_interaction(s, dup, "call", "Called about skis")
        ada_id, dup_id = ada.id, dup.id
    app = CrmApp(db_target=str(db_path), refresh_every=None)
    pages = Pages()
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        app.push_screen(ContactDetailScreen(ada_id))
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
        await wait_for(pilot, lambda: app.screen.detail is not None)
        await pilot.press("D")
        await wait_for(pilot, lambda: showing(app, DuplicatesScreen))
        options = app.screen.query_one(OptionList)
        await wait_for(pilot, lambda: options.option_count and options.get_option_at_index(0).id)
        assert options.option_count == 1
        assert "#2 Zoe Olstad" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactDetailScreen))
    with store.read() as s:
        assert s.get(Contact, dup_id) is None
        moved = s.exec(select(Interaction).where(Interaction.contact_id == ada_id)).all()
        assert [i.summary for i in moved] == ["Called about skis"]


async def test_a_hostile_name_is_data_and_the_confirmation_says_what_wins(store, db_path):
    """Names reach the dialog as text (a name with markup once closed the app here), and the
    question shows, as `contact merge --dry-run` does, which value wins and what moves."""
    hostile = "Eve [/bold] \x1b]0;X\x07"
    with store.write() as s:
        keep = contacts.add_contact(s, hostile, phone="+47 22 12 34 56", stage="customer")
        other = contacts.add_contact(s, hostile + " [b]", phone="+47 22123456",
                                     email="eve@example.org", stage="lead")  # fmt: skip
        interactions.log_interaction(s, other, "call", "Called")
        keep_id, other_id = keep.id, other.id
    app = CrmApp(db_target=str(db_path), refresh_every=None)
    pages = Pages()
    async with app.run_test(size=(120, 36), message_hook=pages) as pilot:
        await pages.ready(pilot)
        app.push_screen(ContactDetailScreen(keep_id))
        await wait_for(pilot, lambda: getattr(app.screen, "detail", None) is not None)
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, DuplicatesScreen))
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.lookalikes)
        title = str(dialog.query("Label").first().render())
        assert title == "Likely duplicates of Eve [/bold] ␛]0;X␇"
        prompt = str(dialog.query_one(OptionList).get_option_at_index(0).prompt)
        assert prompt.startswith(f"#{other_id} Eve [/bold] ␛]0;X␇ [b]  (")
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(app, ConfirmScreen))
        question = str(app.screen.query_one(".question").render())
        assert question.startswith(f"Merge #{other_id} Eve [/bold] ␛]0;X␇ [b] into #{keep_id}")
        lines = question.split(" · ")  # what `contact merge --dry-run` says, a line each
        assert (
            "name: Eve [/bold] ␛]0;X␇ (keep) vs Eve [/bold] ␛]0;X␇ [b] (other) -> Eve [/bold] ␛]0;X␇"
            in lines
        )
        assert "stage: customer (keep) vs lead (other) -> customer" in lines
        assert {"moves 1 stage history entries", "moves 1 interactions"} <= set(lines)
        assert any(line.startswith("email: empty, filled with ") for line in lines)
        await pilot.press("n")  # no: nothing merged, the list stays
        await wait_for(pilot, lambda: isinstance(app.screen, DuplicatesScreen))
    with store.read() as s:
        assert s.get(Contact, other_id) is not None
