"""Screen 2: the pipeline board: a column per stage with its deals, counts and totals.

`<` and `>` move the selected deal one stage left or right; won asks for confirmation
and lost for a reason (escape keeps the deal where it is).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalScroll
from textual.message import Message
from textual.widgets import Footer, Header, ListView, Static

from termcrm.errors import TermcrmError
from termcrm.render.money import totals
from termcrm.tui.screens.base import CrmScreen
from termcrm.tui.widgets.board import DealCard, StageColumn
from termcrm.vocab import DEAL_STAGES


class PipelineScreen(CrmScreen):
    """The deals by stage."""

    BINDINGS = [
        Binding(
            "less_than_sign",
            "move(-1)",
            "Move left",
            id="deal.left",
            key_display="<",
            tooltip="Move the selected deal one stage left",
        ),
        Binding(
            "greater_than_sign",
            "move(1)",
            "Move right",
            id="deal.right",
            key_display=">",
            tooltip="Move the selected deal one stage right",
        ),
        Binding("n", "new_deal", "New deal", id="deal.new", tooltip="Add a deal"),
        Binding("e", "edit_deal", "Edit", id="deal.edit", tooltip="Edit the selected deal"),
        Binding(
            "left", "column(-1)", "Previous column", show=False, id="board.left", priority=True
        ),
        Binding("right", "column(1)", "Next column", show=False, id="board.right", priority=True),
        Binding(
            "l",
            "log",
            "Log",
            id="contact.log",
            tooltip="Log an interaction with the deal's contact",
        ),
        Binding(
            "t", "add_task", "Task", id="contact.task", tooltip="Add a task for the deal's contact"
        ),
        Binding(
            "enter",
            "open",
            "Open contact",
            show=False,
            id="deal.open",
            tooltip="Open the selected deal's contact",
        ),
    ]

    @dataclass
    class _Loaded(Message):
        board: Any

    @dataclass
    class _Moved(Message):
        deal_id: int
        text: str

    def __init__(self) -> None:
        super().__init__()
        self._select: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="pipeline-status")
        with HorizontalScroll(id="board"):
            for stage in DEAL_STAGES:
                yield StageColumn(stage)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Pipeline"
        self.query_one("#deals-lead", ListView).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        """Columns share the width, but never get narrower than a card: then it scrolls."""
        width = max(22, self.size.width // len(DEAL_STAGES))
        for column in self.query(StageColumn):
            column.styles.width = width

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="pipeline")
    def _load(self) -> None:
        from termcrm.services import deals

        try:
            with self.app.store.read() as session:
                board = deals.pipeline(session)
        except TermcrmError as exc:
            self.app.call_from_thread(self.app.show_error, exc.message)
            return
        self.post_message(self._Loaded(board))

    @on(_Loaded)
    async def _show(self, message: _Loaded) -> None:
        board = message.board
        keep = self._select if self._select is not None else self._selected_id()
        for column in board.columns:
            await self.query_one(f"#stage-{column.stage}", StageColumn).show(column)
        self.query_one("#pipeline-status", Static).update(
            f"Open pipeline: {totals(board.open_total)} · won and lost: the last 30 days"
        )
        self._select = None
        if keep is not None:
            self._focus_deal(keep)
        view = self._current_list()
        if view is not None and view.index is None and view.children:
            view.index = 0

    def _focus_deal(self, deal_id: int) -> None:
        for view in self.query(ListView):
            for index, item in enumerate(view.children):
                if isinstance(item, DealCard) and item.deal_id == deal_id:
                    view.focus()
                    view.index = index
                    view.parent.scroll_visible(animate=False)
                    return

    # -- selection ------------------------------------------------------------------------

    def _current_list(self) -> ListView | None:
        focused = self.focused
        return focused if isinstance(focused, ListView) else None

    def _selected(self) -> DealCard | None:
        view = self._current_list()
        item = view.highlighted_child if view is not None else None
        return item if isinstance(item, DealCard) else None

    def _selected_id(self) -> int | None:
        card = self._selected()
        return card.deal_id if card else None

    def contact_in_focus(self) -> tuple[int, str] | None:
        card = self._selected()
        if card is None or card.contact_id is None:
            return None
        return card.contact_id, card.row.contact or f"#{card.contact_id}"

    def action_column(self, step: int) -> None:
        lists = list(self.query(ListView))
        view = self._current_list()
        index = lists.index(view) if view in lists else 0
        target = lists[max(0, min(len(lists) - 1, index + step))]
        target.focus()
        if target.index is None and target.children:
            target.index = 0
        target.parent.scroll_visible()

    @on(ListView.Selected)
    def _card_chosen(self, event: ListView.Selected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        current = self.contact_in_focus()
        if current is not None:
            from termcrm.tui.screens.contact_detail import ContactDetailScreen

            self.app.push_screen(ContactDetailScreen(current[0]))

    # -- moving a deal --------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        card = self._selected()
        if card is None:
            self.notify("Select a deal first", severity="warning")
            return
        stages = list(DEAL_STAGES)
        index = stages.index(card.row.deal.stage) + step
        if not 0 <= index < len(stages):
            return
        stage = stages[index]
        title = card.row.deal.title
        if stage == "won":
            from termcrm.tui.modals.confirm import ConfirmScreen

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._move(card.deal_id, stage, None)

            self.app.push_screen(ConfirmScreen(f"Mark “{title}” won?"), confirmed)
        elif stage == "lost":
            from termcrm.tui.modals.confirm import ReasonScreen

            def answered(reason: str | None) -> None:
                if reason is not None:
                    self._move(card.deal_id, stage, reason or None)

            self.app.push_screen(
                ReasonScreen(f"Mark “{title}” lost? Why:", "price, timing, competitor…"),
                answered,
            )
        else:
            self._move(card.deal_id, stage, None)

    @work(thread=True, exclusive=True, group="deal-move")
    def _move(self, deal_id: int, stage: str, reason: str | None) -> None:
        from termcrm.services import deals, refs

        try:
            with self.app.store.write() as session:
                deal = refs.deal(session, deal_id)
                deals.move_deal(session, deal, stage, reason=reason, actor=self.app.actor)
                text = f"“{deal.title}” is now {stage}"
        except TermcrmError as exc:
            self.app.call_from_thread(self.app.show_error, exc.message)
            return
        self.post_message(self._Moved(deal_id, text))

    @on(_Moved)
    def _moved(self, message: _Moved) -> None:
        self.notify(message.text)
        self._select = message.deal_id
        self.reload()

    def action_new_deal(self) -> None:
        from termcrm.tui.modals.deal_form import DealForm

        current = self.contact_in_focus()
        form = DealForm(contact_id=current[0], contact_name=current[1]) if current else DealForm()
        self.open_form(form, "Deal added", lambda deal_id: setattr(self, "_select", deal_id))

    def action_edit_deal(self) -> None:
        from termcrm.tui.modals.deal_form import DealForm

        card = self._selected()
        if card is None:
            self.notify("Select a deal first", severity="warning")
            return
        self.open_form(
            DealForm(deal_id=card.deal_id),
            "Deal saved",
            lambda deal_id: setattr(self, "_select", deal_id),
        )
