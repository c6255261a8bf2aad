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
        self._shown: tuple | None = None

    def _keys(self) -> list[tuple]:
        """(binding, enabled, tooltip) of the keys to show, the essential ones first."""
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

        return sorted(chosen.values(), key=rank)  # stable: the rest keep their order

    @staticmethod
    def _signature(keys: list[tuple]) -> tuple:
        return tuple((b.key, b.description, b.action, e, t) for b, e, t in keys)

    def bindings_changed(self, screen) -> None:
        """Rebuild the keys only when what they show changed: Textual's footer recomposes
        (a widget per key) on every focus change, ~50 ms for a move of the highlight from
        one board column to the next that changes nothing in the footer. Compared after the
        refresh, as Textual recomposes then: the bindings are settled by that time."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached or not self.is_mounted:
            return  # its screen closed meanwhile
        if self._shown is not None and self._signature(self._keys()) == self._shown:
            return
        await self.recompose()

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        modal = self.screen.is_modal
        ordered = self._keys()
        self._shown = self._signature(ordered)
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
