"""The likely duplicates of one contact, and merging one of them into it (`D` on the detail)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from termcrm.errors import TermcrmError


class DuplicatesScreen(ModalScreen[int | None]):
    """Lists the contacts that look like this one; enter merges the chosen one into it
    (after a confirmation). Dismisses with the merged contact's id, None when nothing merged."""

    BINDINGS = [Binding("escape", "close", "Close", id="dupes.close")]

    @dataclass
    class _Found(Message):
        lookalikes: list

    def __init__(self, contact_id: int, contact_name: str) -> None:
        super().__init__(classes="dialog-screen")
        self.contact_id, self.contact_name = contact_id, contact_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Likely duplicates of {self.contact_name}", classes="question")
            yield OptionList(id="dupes")
            yield Label("enter: merge into this contact   esc: close", classes="hint")

    def on_mount(self) -> None:
        self._find()

    @work(thread=True, exclusive=True, group="dupes")
    def _find(self) -> None:
        from termcrm.services import dupes, refs

        try:
            with self.app.store.read() as session:
                contact = refs.contact(session, self.contact_id)
                found = dupes.lookalikes(session, contact, limit=20)
        except TermcrmError as exc:
            self.app.call_from_thread(self.app.show_error, exc.message)
            return
        self.post_message(self._Found(found))

    @on(_Found)
    def _show(self, message: _Found) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        if not message.lookalikes:
            options.add_option(Option("No likely duplicates.", disabled=True))
            return
        for f in message.lookalikes:
            options.add_option(Option(f"#{f.id} {f.name}  ({f.reason}, {f.score})", id=str(f.id)))
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        from termcrm.tui.modals.confirm import ConfirmScreen

        other = int(event.option.id)

        def answered(yes: bool | None) -> None:
            if yes:
                self._merge(other)

        question = (
            f"Merge #{other} into #{self.contact_id} {self.contact_name}? #{other} is deleted."
        )
        self.app.push_screen(ConfirmScreen(question, yes="Merge"), answered)

    @work(thread=True, exclusive=True, group="dupes")
    def _merge(self, other_id: int) -> None:
        from termcrm.services import merge, refs

        try:
            with self.app.store.write() as session:
                keep = refs.contact(session, self.contact_id)
                other = refs.contact(session, other_id)
                merge.merge_contacts(session, keep, other, actor=self.app.actor)
        except TermcrmError as exc:
            self.app.call_from_thread(self.app.show_error, exc.message)
            return
        self.app.call_from_thread(self.dismiss, other_id)

    def action_close(self) -> None:
        self.dismiss(None)
