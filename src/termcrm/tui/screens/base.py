"""What every screen shares: the header and footer, the contact actions, reloading."""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import ModalScreen, Screen


class CrmScreen(Screen):
    """A screen of the app; `reload()` fetches its data again (the `r` key, auto refresh)."""

    def reload(self) -> None:
        """Fetch the data again; screens override this."""

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
