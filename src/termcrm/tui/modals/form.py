"""Typed form modals: the first field has focus, tab moves on, ctrl+s saves, escape cancels.

A form's `apply(session, values)` does its write through the domain layer inside one
`store.write()` transaction, in a thread worker; it does not check the values itself. An
error from there is shown in red under the field the service names (`Invalid(...,
field=...)`), or above the buttons when it names none, and the form stays open with
everything the user typed. When several values are invalid the service reports them all
(`Invalid.problems`) and every one of those fields is marked at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from termcrm.errors import TermcrmError
from termcrm.render.safe import clean
from termcrm.tui.screens.base import Background
from termcrm.tui.widgets.footer import CrmFooter


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form."""

    name: str
    label: str
    placeholder: str = ""
    choices: tuple[str, ...] | None = None  # a Select instead of an Input
    allow_blank: bool = False
    default: str = ""


#: seconds a save may take before the form says it is waiting for the database
WAIT_NOTICE = 0.2


class FormScreen(Background, ModalScreen[Any]):
    """Base of every form; subclasses set TITLE_TEXT and FIELDS and implement `apply`."""

    TITLE_TEXT: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[FieldSpec, ...]] = ()
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, *, title: str | None = None, values: dict[str, str] | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title or self.TITLE_TEXT
        self.initial = {f.name: f.default for f in self.FIELDS} | (values or {})
        self.saving = False

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(clean(self.title_text), classes="form-title", markup=False)
            with VerticalScroll(classes="fields"):
                for spec in self.FIELDS:
                    with Horizontal(classes="field", id=f"row-{spec.name}"):
                        yield Label(spec.label, classes="field-label")
                        yield self._widget(spec)
                    yield Static("", classes="field-error", id=f"error-{spec.name}", markup=False)
            yield Static("", classes="form-error", id="error-form", markup=False)
            yield Static("", classes="form-status", id="form-status")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")
        yield CrmFooter()

    def _widget(self, spec: FieldSpec):
        value = self.initial.get(spec.name, "")
        if spec.choices is not None:
            return Select(
                [(c, c) for c in spec.choices],
                value=value if value in spec.choices else Select.NULL,
                allow_blank=spec.allow_blank or value not in spec.choices,
                prompt="–",
                compact=True,
                id=f"field-{spec.name}",
            )
        return Input(value, placeholder=spec.placeholder, compact=True, id=f"field-{spec.name}")

    def on_mount(self) -> None:
        self.query_one(f"#field-{self.FIELDS[0].name}").focus()
        if self.editing:
            self.in_background(self.load_values, self._loaded, group="form-load")

    @property
    def editing(self) -> bool:
        """True when the form changes a stored record (its values are loaded first)."""
        return False

    def load_values(self, session: Session) -> dict[str, str] | None:
        """The stored record's values, when the form edits one (None for a new record)."""
        return None

    def _loaded(self, values: dict[str, str] | None) -> None:
        if values:
            self.set_values(values)

    # -- values ---------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        out = {}
        for spec in self.FIELDS:
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, Select):
                out[spec.name] = "" if widget.value is Select.NULL else str(widget.value)
            else:
                out[spec.name] = widget.value
        return out

    def set_values(self, values: dict[str, str]) -> None:
        self.initial |= values
        for name, value in values.items():
            widget = self.query_one(f"#field-{name}")
            if isinstance(widget, Select):
                widget.value = value if value else Select.NULL
            else:
                widget.value = value

    @property
    def dirty(self) -> bool:
        return any(v != self.initial.get(k, "") for k, v in self.values().items())

    # -- saving ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        self._clear_errors()
        # a write waits up to 5 s for another program's lock: say so rather than nothing
        self._waiting = self.set_timer(WAIT_NOTICE, self._say_waiting)
        self._save(self.values())

    def _say_waiting(self) -> None:
        if self.saving:
            status = self.query_one("#form-status", Static)
            status.update("Waiting for the database…")
            status.add_class("shown")

    def _done_waiting(self) -> None:
        self.saving = False
        self._waiting.stop()
        status = self.query_one("#form-status", Static)
        status.update("")
        status.remove_class("shown")

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; on the last one it saves (as a form on paper)."""
        event.stop()
        last = self.query_one(f"#field-{self.FIELDS[-1].name}")
        if event.input is last:
            self.action_save()
        else:
            self.focus_next()

    def _save(self, values: dict[str, str]) -> None:
        self.in_background(
            lambda session: self.apply(session, values),
            self._saved,
            write=True,
            group="form-save",
            failed=self._failed,
        )

    def apply(self, session: Session, values: dict[str, str]) -> Any:
        """Write through the domain layer; return what the form dismisses with."""
        raise NotImplementedError

    def _saved(self, result: Any) -> None:
        self._done_waiting()
        self.dismiss(result)

    def _failed(self, exc: TermcrmError) -> None:
        """Mark every field the service found invalid at once (`Invalid.problems`, each
        naming its field), focus the first; errors that name no field of this form go above
        the buttons."""
        self._done_waiting()
        names = {spec.name for spec in self.FIELDS}
        marked: dict[str, list[str]] = {}
        general: list[str] = []
        for problem in getattr(exc, "problems", [exc]):
            if problem.field in names:
                marked.setdefault(problem.field, []).append(problem.message)
            else:
                general.append(problem.message)
        for name, messages in marked.items():
            self._show(f"#error-{name}", messages)
        if general:
            self._show("#error-form", general)
        first = next((spec.name for spec in self.FIELDS if spec.name in marked), None)
        if first is not None:
            self.query_one(f"#field-{first}").focus()

    def _show(self, selector: str, messages: list[str]) -> None:
        error = self.query_one(selector, Static)
        error.update("\n".join(messages))
        error.add_class("shown")

    def _clear_errors(self) -> None:
        for error in self.query(".field-error, .form-error"):
            error.update("")
            error.remove_class("shown")

    # -- cancelling -----------------------------------------------------------------------

    def action_cancel(self) -> None:
        self.leave(lambda: self.dismiss(None))

    def leave(self, then: Callable[[], object]) -> None:
        """`then()` at once if nothing was typed, else after "Discard what you typed?" (escape
        here, and ctrl+q from anywhere: `CrmApp.action_quit`)."""
        if not self.dirty:
            then()
            return
        from termcrm.tui.modals.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                then()

        self.app.push_screen(
            ConfirmScreen("Discard what you typed?", yes="Discard", no="Keep editing"), answered
        )

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
