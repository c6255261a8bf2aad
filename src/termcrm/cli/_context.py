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
        """Who is acting: on PostgreSQL the database login (see `services.team`)."""
        store = self.store()
        assert store.actor is not None
        return store.actor

    def owner_filter(self, owner: str | None, mine: bool) -> str | None:
        """The owner a list is narrowed to: `--owner U`, or you with `--mine`."""
        if not mine:
            return owner
        if owner and owner.strip():
            from termcrm.errors import Invalid

            raise Invalid("Use --mine or --owner, not both")
        return self.actor

    def store(self, *, memory_map: bool = True) -> Store:
        """The database, opened (and migrated) on first use (`memory_map`: see `open_store`),
        knowing who acts (a `--user` that PostgreSQL's login may not claim is refused here)."""
        if self._store is None:
            from termcrm.services import team
            from termcrm.store.engine import open_store

            store = open_store(self.db, memory_map=memory_map)
            if store.created:
                _announce_new_database(store)
            _warn_network_filesystem(store)
            try:
                store.actor = team.acting_user(store, self.user)
                from termcrm.services.trash import purge_if_due

                purge_if_due(store)
            except BaseException:
                store.close()
                raise
            self._store = store
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _announce_new_database(store: Store) -> None:
    """Once, on stderr, when a command made a new SQLite file (explicit or the default
    location): a mistyped `--db` or `TERMCRM_DB` must not silently start an empty CRM, and a
    first run learns where its data lives. Never for PostgreSQL (its database exists)."""
    from termcrm import paths
    from termcrm.cli._output import out

    path = paths.sqlite_path(store.target)
    if path is not None:
        out.hint(f"Created a new termcrm database at {path.expanduser().absolute()}")


def state() -> State:
    ctx = get_current_context(silent=True)
    if ctx is None:
        return State()
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


def _warn_network_filesystem(store: Store) -> None:
    """SQLite's locking is not reliable over a network filesystem: say so, and what to use."""
    from termcrm.paths import network_filesystem, sqlite_path

    path = sqlite_path(store.target)
    kind = network_filesystem(path) if path is not None else None
    if kind:
        from termcrm.cli._output import out

        out.hint(
            f"Warning: {path} is on a network filesystem ({kind}), where SQLite's locking "
            "cannot be relied on; a team shares a CRM on PostgreSQL (docs/team.md)"
        )
