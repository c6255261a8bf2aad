"""`s` on the contact list: the saved segments (`termcrm segment save`), one to filter by."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from termcrm.render.safe import clean
from termcrm.tui.screens.base import Background
from termcrm.tui.widgets.footer import CrmFooter

#: the option that takes the segment filter away
ALL = "\x00all"


@dataclass
class SavedSegment:
    """A saved segment as the picker lists it: its name and its filters as options."""

    name: str
    filters: str


def load_segments(session) -> list[SavedSegment]:
    from termcrm.services import segments

    return [SavedSegment(s.name, segments.describe(s)) for s in segments.list_segments(session)]


class SegmentPicker(Background, ModalScreen[str | None]):
    """The saved segments by name with their filters; enter filters the list to the chosen
    one's members (evaluated now, each time the list loads). Dismisses with the name, ""
    for "all contacts" (no segment), None when closed with escape."""

    BINDINGS = [Binding("escape", "close", "Close", id="segments.close")]

    def __init__(self, current: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.current = current
        #: the segments listed; None until they are read
        self.segments: list[SavedSegment] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Show the members of a saved segment", classes="question")
            yield OptionList(id="segments")
            yield Label("enter: show its members   esc: close", classes="hint")
        yield CrmFooter()

    def on_mount(self) -> None:
        self.in_background(load_segments, self._show, group="segments")

    def _show(self, found: list[SavedSegment]) -> None:
        self.segments = found
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_option(Option(Text("All contacts (no segment)", style="italic"), id=ALL))
        if not found:
            hint = "No saved segments yet: termcrm segment save NAME --tag … --stage …"
            options.add_option(Option(Text(hint, style="dim"), disabled=True))
        highlighted = 0
        for index, segment in enumerate(found, 1):
            # stored text: shown as Text, neutralised, never read as markup
            prompt = Text.assemble(
                (clean(segment.name), "bold"), "  ", (clean(segment.filters), "dim")
            )
            options.add_option(Option(prompt, id=f"segment:{index}"))
            if segment.name == self.current:
                highlighted = index
        options.highlighted = highlighted if found else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == ALL:
            self.dismiss("")
        elif self.segments is not None and event.option.id:
            index = int(event.option.id.removeprefix("segment:")) - 1
            self.dismiss(self.segments[index].name)

    def action_close(self) -> None:
        self.dismiss(None)
