"""What every command shares: the database target, the acting user, the output object."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from termcrm.cli._click import get_current_context

if TYPE_CHECKING:
    from termcrm.store.engine import Store


@dataclass
class State:
    db: str | None = None
    user: str | None = None
    debug: bool = False
    _store: Store | None = field(default=None, repr=False)

    @property
    def actor(self) -> str:
        from termcrm.paths import current_user

        return current_user(self.user)

    def store(self, *, memory_map: bool = True) -> Store:
        """The database, opened (and migrated) on first use (`memory_map`: see `open_store`)."""
        if self._store is None:
            from termcrm.store.engine import open_store

            self._store = open_store(self.db, memory_map=memory_map)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def state() -> State:
    ctx = get_current_context(silent=True)
    if ctx is None:
        return State()
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj
