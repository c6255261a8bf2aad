"""The footer: the keys a newcomer needs first, so they are there at 80 columns too."""

from __future__ import annotations

from textual.app import ComposeResult
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

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
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
        self.styles.grid_size_columns = len(ordered)
        for binding, enabled, tooltip in ordered:
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if not modal and self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                yield FooterKey(
                    palette.binding.key,
                    self.app.get_key_display(palette.binding),
                    palette.binding.description,
                    palette.binding.action,
                    classes="-command-palette",
                    tooltip=palette.binding.tooltip or palette.binding.description,
                )
