"""The domain layer: every rule of termcrm lives here once.

Functions take a `sqlmodel.Session`, return models or plain dataclasses and raise
`termcrm.errors` types. Nothing here imports typer, rich or textual (import-linter checks).
"""

from termcrm.services import audit as _audit
from termcrm.services import team as _team

# the audit trail (SQLite) and the team's permissions (PostgreSQL) watch every session's
# flushes, whichever shell or service made them
_audit.install()
_team.install()
