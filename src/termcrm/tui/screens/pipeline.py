"""Screen 2: the pipeline board: a column per stage with its deals, counts and totals.

`<` and `>` move the selected deal one open stage left or right; `w` marks it won (after a
yes) and `x` lost (after a reason), from any open stage, so its history never passes
through a stage it was not in. Columns load their counts and totals from one aggregate
query and their cards a page at a time (`services.board`).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalScroll
from textual.widgets import Header, OptionList, Static

from termcrm.render.money import totals
from termcrm.tui.screens.base import MINE_BINDING, CrmScreen
from termcrm.tui.widgets.board import DealList, StageColumn
from termcrm.tui.widgets.footer import CrmFooter
from termcrm.vocab import CLOSED_DEAL_STAGES, DEAL_STAGES, OPEN_DEAL_STAGES


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
        Binding("w", "won", "Won", id="deal.won", tooltip="Mark the selected deal won"),
        Binding(
            "x",
            "lost",
            "Lost",
            id="deal.lost",
            tooltip="Mark the selected deal lost, with a reason",
        ),
        Binding("n", "new_deal", "New deal", id="deal.new", tooltip="Add a deal"),
        Binding("e", "edit_deal", "Edit", id="deal.edit", tooltip="Edit the selected deal"),
        MINE_BINDING,
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

    def __init__(self) -> None:
        super().__init__()
        self._select: int | None = None
        self._own_dialog = False
        #: the columns' headers as last read (`services.board.StageTotal` by stage)
        self.columns: dict = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="pipeline-status")
        with HorizontalScroll(id="board"):
            for stage in DEAL_STAGES:
                yield StageColumn(stage)
        yield CrmFooter()

    def on_mount(self) -> None:
        self.sub_title = self.titled("Pipeline")
        self.query_one("#deals-lead", DealList).focus()  # loaded when shown (screen resume)

    def on_resize(self) -> None:
        """Columns share the width, but never get narrower than a card: then it scrolls."""
        width = max(22, self.size.width // len(DEAL_STAGES))
        for column in self.query(StageColumn):
            column.styles.width = width

    def on_screen_resume(self) -> None:
        if self._own_dialog:
            self._own_dialog = False  # back from its own question: the move updates the board
            return
        self.reload()

    def reload(self) -> None:
        owner = self.mine_owner()
        self.sub_title = self.titled("Pipeline")

        def load(session):
            from termcrm.services import board

            columns = board.summary(session, owner=owner)
            firsts = {
                s: board.cards(session, s, owner=owner) if columns[s].count else []
                for s in DEAL_STAGES
            }
            return columns, firsts

        self.in_background(load, self._show, group="pipeline")

    async def _show(self, loaded) -> None:
        columns, firsts = loaded
        keep = self._select if self._select is not None else self._selected_id()
        self.columns = columns
        for stage in DEAL_STAGES:
            self._column(stage).show_total(columns[stage])
        self._show_status()
        for stage in DEAL_STAGES:
            self._column(stage).show(columns[stage], firsts[stage])
        self._select = None
        if keep is not None:
            self._focus_deal(keep)
        view = self._current_list()
        if view is not None and view.highlighted is None and view.rows:
            view.highlighted = 0

    def _show_status(self) -> None:
        from termcrm.services import board

        self.query_one("#pipeline-status", Static).update(
            f"Open pipeline: {totals(board.open_total(self.columns))}"
            " · won and lost: the last 30 days"
        )

    def _column(self, stage: str) -> StageColumn:
        return self.query_one(f"#stage-{stage}", StageColumn)

    @on(StageColumn.WantsMore)
    def _more_cards(self, message: StageColumn.WantsMore) -> None:
        column, offset, owner = message.column, message.offset, self.mine_owner()

        def load(session):
            from termcrm.services import board

            return board.cards(session, column.stage, offset=offset, owner=owner)

        def show(rows) -> None:
            column.add_page(offset, rows)

        self.in_background(load, show, group=f"cards-{column.stage}")

    def _focus_deal(self, deal_id: int) -> None:
        for view in self.query(DealList):
            index = view.index_of(deal_id)
            if index is not None:
                view.focus()
                view.highlighted = index
                view.parent.scroll_visible(animate=False)
                return

    # -- selection ------------------------------------------------------------------------

    def _current_list(self) -> DealList | None:
        focused = self.focused
        return focused if isinstance(focused, DealList) else None

    def _selected(self):
        """The selected deal's row (`services.deals.DealRow`), or None."""
        view = self._current_list()
        return view.highlighted_row if view is not None else None

    def _selected_id(self) -> int | None:
        row = self._selected()
        return row.deal.id if row else None

    def contact_in_focus(self) -> tuple[int, str] | None:
        row = self._selected()
        if row is None or row.deal.contact_id is None:
            return None
        return row.deal.contact_id, row.contact or f"#{row.deal.contact_id}"

    def action_column(self, step: int) -> None:
        lists = list(self.query(DealList))
        view = self._current_list()
        index = lists.index(view) if view in lists else 0
        target = lists[max(0, min(len(lists) - 1, index + step))]
        target.focus()
        if target.highlighted is None and target.rows:
            target.highlighted = 0
        target.parent.scroll_visible()

    @on(OptionList.OptionSelected)
    def _card_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        current = self.contact_in_focus()
        if current is not None:
            from termcrm.tui.screens.contact_detail import ContactDetailScreen

            self.app.push_screen(ContactDetailScreen(current[0]))

    # -- moving a deal --------------------------------------------------------------------

    def _ask(self, dialog, answered) -> None:
        self._own_dialog = True
        self.app.push_screen(dialog, answered)

    def action_move(self, step: int) -> None:
        """One open stage left or right; from won or lost, `<` reopens it in negotiation."""
        row = self._selected()
        if row is None:
            self.notify("Select a deal first", severity="warning")
            return
        stage = row.deal.stage
        if stage in CLOSED_DEAL_STAGES:
            if step < 0:
                self._move(row.deal.id, OPEN_DEAL_STAGES[-1], None)
            return
        index = OPEN_DEAL_STAGES.index(stage) + step
        if index >= len(OPEN_DEAL_STAGES):
            self.notify("w marks the deal won, x lost", severity="information")
        elif index >= 0:
            self._move(row.deal.id, OPEN_DEAL_STAGES[index], None)

    def action_won(self) -> None:
        from termcrm.tui.modals.confirm import ConfirmScreen

        row = self._selected()
        if row is None or row.deal.stage == "won":
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._move(row.deal.id, "won", None)

        self._ask(ConfirmScreen(f"Mark “{row.deal.title}” won?"), confirmed)

    def action_lost(self) -> None:
        from termcrm.tui.modals.confirm import ReasonScreen

        row = self._selected()
        if row is None or row.deal.stage == "lost":
            return

        def answered(reason: str | None) -> None:
            if reason is not None:
                self._move(row.deal.id, "lost", reason or None)

        question = f"Mark “{row.deal.title}” lost? Why:"
        self._ask(ReasonScreen(question, "price, timing, competitor…"), answered)

    def _move(self, deal_id: int, stage: str, reason: str | None) -> None:
        actor, owner = self.app.actor, self.mine_owner()

        def move(session):
            from termcrm.services import board

            return board.move(session, deal_id, stage, reason=reason, actor=actor, owner=owner)

        self.in_background(move, self._moved, write=True, group="deal-move")

    def _moved(self, moved) -> None:
        """Two column headers and one card change; the rest of the board stays."""
        row = moved.row
        self.columns.update(moved.columns)
        for stage, column in moved.columns.items():
            self._column(stage).show_total(column)
        self._show_status()
        self._column(moved.old_stage).list.remove_deal(row.deal.id)
        view = self._column(row.deal.stage).list
        view.put_first(row)
        view.focus()
        view.parent.scroll_visible(animate=False)
        self.notify(f"“{row.deal.title}” is now {row.deal.stage}")

    def action_new_deal(self) -> None:
        from termcrm.tui.modals.deal_form import DealForm

        current = self.contact_in_focus()
        form = DealForm(contact_id=current[0], contact_name=current[1]) if current else DealForm()
        self.open_form(form, "Deal added", lambda deal_id: setattr(self, "_select", deal_id))

    def action_edit_deal(self) -> None:
        from termcrm.tui.modals.deal_form import DealForm

        row = self._selected()
        if row is None:
            self.notify("Select a deal first", severity="warning")
            return
        self.open_form(
            DealForm(deal_id=row.deal.id),
            "Deal saved",
            lambda deal_id: setattr(self, "_select", deal_id),
        )
