"""The command palette (ctrl+p): every action bound on the current screen and in the app.

The commands are generated from the bindings, so a new key is in the palette at once.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class CrmCommands(Provider):
    """Actions of the screen the palette was opened on, then the app's."""

    def _commands(self) -> list[tuple[str, str, object]]:
        seen: set[str] = set()
        out = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen:
                continue
            if binding.action in ("command_palette",):
                continue
            seen.add(binding.action)
            keys = binding.key_display or self.app.get_key_display(binding)
            title = binding.tooltip or binding.description
            run = partial(self.app.run_action, binding.action, active.node)
            out.append((title, f"key {keys or key}", run))
        return out

    async def discover(self) -> Hits:
        for title, help_text, run in self._commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)
