"""Typed errors of the domain layer, each carrying the exit code SPEC.md gives it.

The CLI maps them to one `Error: ...` line and the exit code in a single place
(`termcrm.cli.app.run`); the TUI shows their message in a notification.
"""

from __future__ import annotations


class TermcrmError(Exception):
    """Base of every error a user can cause; never shown as a traceback."""

    exit_code: int = 1

    #: the input the error is about (`"email"`, `"contact"`, ...), so that a form can mark
    #: that field without guessing from the message; None when no single field is to blame
    field: str | None = None

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field

    def __str__(self) -> str:
        return self.message


class NotFound(TermcrmError):
    """A referenced record does not exist (exit 1)."""

    exit_code = 1


class Ambiguous(TermcrmError):
    """A reference matches more than one record (exit 1); lists the candidates."""

    exit_code = 1

    def __init__(self, message: str, candidates: list[tuple[int, str]] | None = None) -> None:
        self.candidates = candidates or []
        if self.candidates:
            listed = ", ".join(f"#{cid} {label}" for cid, label in self.candidates)
            message = f"{message}: {listed}"
        super().__init__(message)


class Conflict(TermcrmError):
    """The change contradicts what is stored, e.g. a duplicate email (exit 1)."""

    exit_code = 1


class Invalid(TermcrmError):
    """Input a user typed or a file held is not valid (exit 2).

    `field` names the input it is about (`"email"`, `"when"`, ...) so that a form can mark
    that field without guessing from the message; None when no single field is to blame.
    When several inputs are invalid at once, `problems` holds one `Invalid` for each
    (`validate.Checks` collects them), so that a user fixes them all in one go.
    """

    exit_code = 2

    def __init__(
        self, message: str, field: str | None = None, *, problems: list[Invalid] | None = None
    ) -> None:
        super().__init__(message, field)
        #: every invalid input of the command or form, each naming its field: the CLI prints
        #: a line for each, a form marks each field (`[self]` when there is one)
        self.problems: list[Invalid] = problems or [self]

    @classmethod
    def of(cls, problems: list[Invalid]) -> Invalid:
        """One error for several invalid inputs (the first one's field, a line each)."""
        if len(problems) == 1:
            return problems[0]
        return cls(
            "\n".join(p.message for p in problems), problems[0].field, problems=list(problems)
        )


class StoreError(TermcrmError):
    """The database cannot be opened, is locked, corrupt or newer than termcrm (exit 1)."""

    exit_code = 1


class Forbidden(TermcrmError):
    """The acting user may not make this change, e.g. a member editing a colleague's deal
    on PostgreSQL (exit 1); the message names the record and its owner."""

    exit_code = 1


class Abandoned(TermcrmError):
    """A read stopped because its answer was no longer wanted (`Store.abandon_when`): the
    user typed on. Nothing to report."""

    exit_code = 1
