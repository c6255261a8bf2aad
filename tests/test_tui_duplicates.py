"""The contact detail offers the contact's likely duplicates and merges one (Pilot)."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import OptionList
from tui_helpers import Pages, wait_for

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
        await wait_for(pilot, lambda: isinstance(app.screen, DuplicatesScreen))
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
