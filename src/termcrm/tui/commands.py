"""The command palette (ctrl+p): termcrm's actions by the names the footer uses, and records.

The actions are generated from the bindings that carry an id (termcrm's own, not the
stock widgets' "Up" or "Scroll Left"), so a new key is in the palette at once, under the
name the footer shows. Typing two letters or more also finds contacts by name and deals
by title (`services.pager` and `services.board`); choosing one opens it.
"""

from __future__ import annotations

import asyncio
from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

#: records shown per kind while searching
RECORDS = 5


class CrmCommands(Provider):
    """Actions of the screen the palette was opened on, then the app's; then records."""

    def _commands(self) -> list[tuple[str, str, object]]:
        seen: set[str] = set()
        out = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.id or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            keys = binding.key_display or self.app.get_key_display(binding)
            help_text = f"{binding.tooltip or binding.description} · key {keys or key}"
            run = partial(self.app.run_action, binding.action, active.node)
            out.append((binding.description, help_text, run))
        return out

    async def discover(self) -> Hits:
        for title, help_text, run in self._commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._commands():
            score = max(matcher.match(title), matcher.match(help_text) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)
        if len(query.strip()) < 2:
            return
        found = await asyncio.to_thread(self._records, query.strip())
        for kind, record_id, contact_id, label, detail in found:
            open_it = partial(self.app.open_record, kind, record_id, contact_id)
            # names are shown as typed, never read as markup
            yield Hit(0.5, Text(label), open_it, help=escape(detail))

    def _records(self, text: str) -> list[tuple[str, int, int | None, str, str]]:
        """Contacts whose name (or email, company, tag) matches, and deals by title."""
        from termcrm.errors import TermcrmError
        from termcrm.services import board, pager
        from termcrm.services.search import ContactQuery

        try:
            with self.app.store.read() as session:
                people = pager.contact_page(session, ContactQuery(search=text), limit=RECORDS)
                deals = board.find_deals(session, text, limit=RECORDS)
        except TermcrmError:
            return []
        out = [("contact", c.id, c.id, c.name, f"contact · {c.company or c.stage}") for c in people]
        out += [
            ("deal", r.deal.id, r.deal.contact_id, r.deal.title,
             f"deal · {r.deal.stage} · {r.contact or ''}")
            for r in deals
        ]  # fmt: skip
        return out
