"""The footer: the keys a newcomer needs first, so they are there at 80 columns too."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # Textual's own footer item (8.x)

#: shown before any other key, in this order: help and quit on every screen, and on a
#: form or dialog its own way out
ESSENTIAL = (
    "form.save",
    "form.cancel",
    "reason.save",
    "reason.cancel",
    "confirm.yes",
    "confirm.no",
    "app.help",
    "app.quit",
)


class CrmFooter(Footer):
    """Textual's footer in its compact form, the essential keys first.

    A dialog (a modal screen) shows its own keys only: the screen behind it and the app's
    keys do not apply while it is open (`q` types a q into a form's field).
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(compact=True, **kwargs)
        #: the keys composed last: a change of bindings that shows the same keys is no reason
        #: to rebuild them
        self._shown: list[tuple] | None = None

    def _keys(self) -> list[tuple]:
        """(key, display, description, action, enabled, tooltip, classes) of each key shown."""
        modal = self.screen.is_modal
        chosen: dict[str, tuple] = {}
        for node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in chosen:
                continue
            if modal and node is self.app:
                continue
            chosen[binding.action] = (binding, enabled, tooltip)

        def rank(item: tuple) -> int:
            binding = item[0]
            return ESSENTIAL.index(binding.id) if binding.id in ESSENTIAL else len(ESSENTIAL)

        ordered = sorted(chosen.values(), key=rank)  # stable: the rest keep their order
        keys = [
            (b.key, self.app.get_key_display(b), b.description, b.action, enabled, tooltip, "")
            for b, enabled, tooltip in ordered
        ]
        if not modal and self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                b = palette.binding
                keys.append(
                    (b.key, self.app.get_key_display(b), b.description, b.action, True,
                     b.tooltip or b.description, "-command-palette")
                )  # fmt: skip
        return keys

    def bindings_changed(self, screen: Screen) -> None:
        """Rebuild the keys only when the ones shown change. Textual's footer rebuilds them
        on every change of focus or bindings: a dozen widgets unmounted and mounted again,
        several times while a screen opens (its tables get focus, its data arrives)."""
        if (
            self._shown is not None
            and screen is self.screen
            and self.is_attached
            and self._keys() == self._shown
        ):
            return
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        keys = self._shown = self._keys()
        self.styles.grid_size_columns = sum(1 for k in keys if not k[6])
        for key, display, description, action, enabled, tooltip, classes in keys:
            if classes:  # the command palette's key
                yield FooterKey(key, display, description, action, classes=classes, tooltip=tooltip)
            else:
                yield FooterKey(
                    key, display, description, action, disabled=not enabled, tooltip=tooltip
                ).data_bind(compact=Footer.compact)
