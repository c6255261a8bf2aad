"""What every screen shares: the header and footer, the contact actions, reloading, and
the one way database work runs off the UI thread (`Background.in_background`)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from termcrm.errors import TermcrmError
from termcrm.render.safe import clean


def styled_as_of(screen: Screen) -> None:
    """Mark a new screen as styled by the app's current stylesheet, which it is: its widgets
    get their styles as they mount.

    Textual (8.x) compares a screen's CSS update count with the app's when a mode's screen
    is first made and every time it is switched to; a new screen starts at -1, and the
    count is only brought up to date for a screen mounted at that moment, which a mode's new
    screen never is. So every switch to the agenda or the dashboard re-parsed every
    stylesheet of the app and restyled every widget of every open screen (~40 ms each, twice
    on the first visit). A later theme change still raises the app's count, and the screen
    is restyled when next shown."""
    from textual._context import NoActiveAppError, active_app

    try:
        app = active_app.get()
    except (LookupError, NoActiveAppError):
        return
    count = getattr(app, "_css_update_count", None)
    if isinstance(count, int) and isinstance(getattr(screen, "_css_update_count", None), int):
        screen._css_update_count = count


@dataclass
class BackgroundDone(Message):
    """A background job's result (or error text), handed back to the UI thread."""

    callback: Callable[[Any], object] | None
    value: Any


class Background:
    """The worker helper of the screens and forms.

    Results come back as a message to the screen, never through `call_from_thread`: that
    blocks the worker thread until the UI runs the callback, and once the app has closed
    (the user quit while a query ran) it never does, leaving a thread no one can join.
    A message to a screen that is gone is simply dropped.
    """

    def in_background(
        self,
        job: Callable[[Any], Any],
        then: Callable[[Any], object] | None = None,
        *,
        write: bool = False,
        group: str = "load",
        failed: Callable[[TermcrmError], object] | None = None,
    ) -> None:
        """Run `job(session)` in a thread worker, on a read session or (`write=True`) in one
        write transaction; then `then(result)` on the UI thread. A domain error goes to
        `failed(error)`, by default the app's error notification. A newer job of the same
        `group` supersedes the older one: its result is dropped."""
        app = self.app  # type: ignore[attr-defined]

        def work() -> None:
            worker = get_current_worker()
            try:
                with app.store.write() if write else app.store.read() as session:
                    value, callback = job(session), then
            except TermcrmError as exc:
                value, callback = exc, failed or self._show_error
            if not worker.is_cancelled:
                self.post_message(BackgroundDone(callback, value))  # type: ignore[attr-defined]

        self.run_worker(work, thread=True, exclusive=True, group=group)  # type: ignore[attr-defined]

    def _show_error(self, error: TermcrmError) -> None:
        self.app.show_error(error.message)  # type: ignore[attr-defined]

    async def on_background_done(self, message: BackgroundDone) -> None:
        message.stop()
        if not self.app.is_running:  # type: ignore[attr-defined]
            return  # the app is closing: its widgets are being taken down
        if message.callback is not None:
            shown = message.callback(message.value)
            if inspect.isawaitable(shown):
                await shown


class CrmScreen(Background, Screen):
    """A screen of the app; `reload()` fetches its data again (the `r` key, auto refresh)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        styled_as_of(self)

    def reload(self) -> None:
        """Fetch the data again; screens override this."""

    # -- "mine": the acting user's records only (`m` on the lists, the app's one state) ----

    @property
    def mine(self) -> bool:
        return bool(getattr(self.app, "mine", False))

    def mine_owner(self) -> str | None:
        """The owner the lists are narrowed to: you with "mine" on, else None. Owners are
        matched by `services.owners` (the one rule: "Ünal" is "ünal")."""
        return self.app.actor if self.mine else None  # type: ignore[attr-defined]

    def titled(self, name: str, *more: str) -> str:
        """The header's subtitle: the screen's name and the filters in force."""
        parts = [name]
        if self.mine:
            parts.append(f"mine ({self.app.actor})")  # type: ignore[attr-defined]
        parts += [m for m in more if m]
        return clean(" · ".join(parts))

    def action_toggle_mine(self) -> None:
        """Show only your records, or everyone's again (on every list that has it)."""
        self.app.mine = not self.mine  # type: ignore[attr-defined]
        self.mine_changed()  # the subtitle says so

    def mine_changed(self) -> None:
        """Show the lists again after "mine" changed; screens that have it override this."""
        self.reload()

    def open_form(
        self, form: ModalScreen, saved: str, then: Callable[[object], None] | None = None
    ) -> None:
        """Show a form; once it saved, say `saved`, reload, and call `then(result)`."""

        def done(result: object) -> None:
            if result is None:
                return
            self.notify(saved)
            self.reload()
            if then is not None:
                then(result)

        self.app.push_screen(form, done)

    # -- tasks: done from the agenda and from a contact's detail ---------------------------

    def complete_task(self, task_id: int) -> None:
        """Mark a task done (a recurring one rolls forward), say so, and reload."""

        def complete(session) -> str:
            from termcrm import dates
            from termcrm.services import tasks

            done, following = tasks.complete_task(session, task_id)
            text = f"Done: {done.title}"
            if following is not None and following.due_at is not None:
                text += f"; next due {dates.show(following.due_at, with_time=False)}"
            return text

        def said(text: str) -> None:
            self.notify(text)
            self.reload()

        self.in_background(complete, said, write=True, group="task-write")

    # -- the actions on a contact, shared by the list and the detail screen ---------------

    def contact_in_focus(self) -> tuple[int, str] | None:
        """(id, name) of the contact the actions apply to; screens override this."""
        return None

    def _need_contact(self) -> tuple[int, str] | None:
        current = self.contact_in_focus()
        if current is None:
            self.notify("Select a contact first", severity="warning")
        return current

    def action_new_contact(self) -> None:
        from termcrm.tui.modals.contact_form import ContactForm

        self.open_form(ContactForm(), "Contact added", self.after_new_contact)

    def after_new_contact(self, contact_id: object) -> None:
        """Called with the new contact's id."""

    def action_edit_contact(self) -> None:
        from termcrm.tui.modals.contact_form import ContactForm

        if current := self._need_contact():
            self.open_form(ContactForm(current[0]), "Contact saved")

    def action_log(self) -> None:
        from termcrm.tui.modals.log_form import LogForm

        if current := self._need_contact():
            self.open_form(LogForm(*current), "Interaction logged")

    def action_add_task(self) -> None:
        from termcrm.tui.modals.task_form import TaskForm

        if current := self._need_contact():
            self.open_form(TaskForm(*current), "Task added")


_NOTHING_SHOWN = object()


class DataScreen(CrmScreen):
    """A screen that shows what one background read returns (the agenda, the dashboard).

    - The first read starts as the screen composes (`compose` calls `reload()` first), so
      the query runs while the widgets mount, not after.
    - Each visit (switching to it, back from a dialog) reads once more: Textual resumes a
      mode's new screen twice, and a read already started on this visit is not repeated.
    - `show(data)` runs only when the data differs from what is on screen: a visit with
      nothing changed rebuilds no widget and redraws nothing.
    """

    #: the worker group of the reads (a newer read supersedes an older one)
    LOAD_GROUP = "load"

    _read_this_visit = False
    _shown: Any = _NOTHING_SHOWN

    def loader(self) -> Callable[[Any], Any]:
        """`job(session) -> data`, run in a worker thread: screens override this. Built on
        the UI thread, so it captures what it needs (the period shown) there."""
        raise NotImplementedError

    def show(self, data: Any) -> object:
        """Put `data` on screen (only called when it changed): screens override this."""
        raise NotImplementedError

    def load_failed(self, error: TermcrmError) -> None:
        self._show_error(error)

    def reload(self) -> None:
        self._read_this_visit = True
        self.in_background(self.loader(), self._loaded, group=self.LOAD_GROUP,
                           failed=self.load_failed)  # fmt: skip

    def _loaded(self, data: Any) -> object:
        if self._shown is not _NOTHING_SHOWN and data == self._shown:
            return None
        self._shown = data
        return self.show(data)

    def on_screen_resume(self) -> None:
        if not self._read_this_visit:
            self.reload()

    def on_screen_suspend(self) -> None:
        self._read_this_visit = False


#: the `m` key of every list that can show only your records
MINE_BINDING = Binding(
    "m",
    "toggle_mine",
    "Mine",
    id="owner.mine",
    tooltip="Mine: show only your records, or everyone's again",
)
