"""The likely duplicates of one contact, and merging one of them into it (`D` on the detail)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from termcrm.render.safe import clean
from termcrm.render.safe import text as safe_text
from termcrm.tui.screens.base import Background
from termcrm.tui.widgets.footer import CrmFooter


class DuplicatesScreen(Background, ModalScreen[int | None]):
    """Lists the contacts that look like this one; enter shows what merging the chosen one
    into it would do (`merge.plan_merge`: which value wins each conflict, what moves) and
    merges after a yes. Dismisses with the merged contact's id, None when nothing merged.

    Names are stored text: shown as `Text`, neutralised, never read as markup (a name such
    as "Eve [/bold]" once closed the app from here)."""

    BINDINGS = [Binding("escape", "close", "Close", id="dupes.close")]

    def __init__(self, contact_id: int, contact_name: str) -> None:
        super().__init__(classes="dialog-screen")
        self.contact_id, self.contact_name = contact_id, contact_name
        #: the lookalikes found (`dupes.lookalikes`); None until they are
        self.lookalikes: list | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                f"Likely duplicates of {clean(self.contact_name)}",
                classes="question",
                markup=False,
            )
            yield OptionList(id="dupes")
            yield Label("enter: merge into this contact   esc: close", classes="hint")
        yield CrmFooter()

    def on_mount(self) -> None:
        contact_id = self.contact_id

        def find(session):
            from termcrm.services import dupes, refs

            return dupes.lookalikes(session, refs.contact(session, contact_id), limit=20)

        self.in_background(find, self._show, group="dupes")

    def _show(self, lookalikes: list) -> None:
        self.lookalikes = lookalikes
        options = self.query_one(OptionList)
        options.clear_options()
        if not lookalikes:
            options.add_option(Option("No likely duplicates.", disabled=True))
            return
        for f in lookalikes:
            prompt = safe_text(f"#{f.id} {f.name}  ({f.reason}, {f.score})")
            options.add_option(Option(prompt, id=str(f.id)))
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        keep_id, other_id = self.contact_id, int(event.option.id)

        def plan(session) -> str:
            from termcrm.services import merge, refs

            keep, other = refs.contact(session, keep_id), refs.contact(session, other_id)
            return merge_question(merge.plan_merge(session, keep, other))

        self.in_background(plan, lambda q: self._confirm(other_id, q), group="dupes")

    def _confirm(self, other_id: int, question: str) -> None:
        from termcrm.tui.modals.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._merge(other_id)

        self.app.push_screen(ConfirmScreen(question, yes="Merge"), answered)

    def _merge(self, other_id: int) -> None:
        keep_id, actor = self.contact_id, self.app.actor

        def merge_them(session) -> int:
            from termcrm.services import merge, refs

            keep, other = refs.contact(session, keep_id), refs.contact(session, other_id)
            merge.merge_contacts(session, keep, other, actor=actor)
            return other_id

        self.in_background(merge_them, self._merged, write=True, group="dupes-merge")

    def _merged(self, other_id: int) -> None:
        self.dismiss(other_id)  # not awaited: this runs in the screen's own handler

    def action_close(self) -> None:
        self.dismiss(None)


def merge_question(plan) -> str:
    """The confirmation: who is kept, then what `contact merge --dry-run` says of the merge
    (`render.contacts.merge_plan_lines`)."""
    from termcrm.render.contacts import merge_plan_lines

    keep, other = plan.keep, plan.other
    asked = f"Merge #{other.id} {other.name} into #{keep.id} {keep.name}? #{other.id} is deleted."
    return " · ".join([asked, *merge_plan_lines(plan)])  # one line: the dialog neutralises \n
