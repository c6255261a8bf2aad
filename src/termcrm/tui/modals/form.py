"""Typed form modals: the first field has focus, tab moves on, ctrl+s saves, escape cancels.

A form's `apply(session, values)` does its write through the domain layer inside one
`store.write()` transaction, in a thread worker. An `Invalid` from there is shown in red
under the field it is about and the form stays open with everything the user typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from termcrm.errors import Invalid, TermcrmError
from termcrm.render.safe import clean


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form."""

    name: str
    label: str
    placeholder: str = ""
    choices: tuple[str, ...] | None = None  # a Select instead of an Input
    allow_blank: bool = False
    default: str = ""
    #: words in an error message that mean it is about this field
    words: tuple[str, ...] = field(default_factory=tuple)


class FieldError(Invalid):
    """An Invalid that knows which field it is about."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


@contextmanager
def at(field_name: str) -> Iterator[None]:
    """Blame any Invalid raised inside on `field_name`."""
    try:
        yield
    except FieldError:
        raise
    except Invalid as exc:
        raise FieldError(field_name, exc.message) from exc


class FormScreen(ModalScreen[Any]):
    """Base of every form; subclasses set TITLE_TEXT and FIELDS and implement `apply`."""

    TITLE_TEXT: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[FieldSpec, ...]] = ()
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    @dataclass
    class _Saved(Message):
        result: Any

    @dataclass
    class _Failed(Message):
        field_name: str | None
        error: str

    @dataclass
    class _Loaded(Message):
        values: dict[str, str]

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
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

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
        self._save(self.values())

    @work(thread=True, exclusive=True, group="form-save")
    def _save(self, values: dict[str, str]) -> None:
        try:
            with self.app.store.write() as session:
                result = self.apply(session, values)
        except FieldError as exc:
            self.post_message(self._Failed(exc.field_name, exc.message))
        except TermcrmError as exc:
            self.post_message(self._Failed(self._field_for(exc.message), exc.message))
        else:
            self.post_message(self._Saved(result))

    def apply(self, session: Session, values: dict[str, str]) -> Any:
        """Write through the domain layer; return what the form dismisses with."""
        raise NotImplementedError

    def _field_for(self, message: str) -> str | None:
        """The field an error message is about: the one whose word comes first in it."""
        low = message.lower()
        best: tuple[int, str] | None = None
        for spec in self.FIELDS:
            for word in (spec.name.replace("_", " "), *spec.words):
                pos = low.find(word)
                if pos >= 0 and (best is None or pos < best[0]):
                    best = (pos, spec.name)
        return best[1] if best else None

    @on(_Saved)
    def _saved(self, message: _Saved) -> None:
        self.saving = False
        self.dismiss(message.result)

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        self.saving = False
        if message.field_name:
            error = self.query_one(f"#error-{message.field_name}", Static)
            error.update(message.error)
            error.add_class("shown")
            self.query_one(f"#field-{message.field_name}").focus()
        else:
            error = self.query_one("#error-form", Static)
            error.update(message.error)
            error.add_class("shown")

    def _clear_errors(self) -> None:
        for error in self.query(".field-error, .form-error"):
            error.update("")
            error.remove_class("shown")

    # -- cancelling -----------------------------------------------------------------------

    def action_cancel(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return
        from termcrm.tui.modals.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen("Discard what you typed?", yes="Discard", no="Keep editing"), answered
        )

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
