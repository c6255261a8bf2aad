"""The same-name rule of contact imports: which earlier row or stored contact without an
email a row is the same person as (`Namesakes`), by name and phone (`phone_key`) or company.

`phone_key` tells people apart, so any difference in the digits counts; the duplicate
finder's key (`services.dupes.phone_key`) is evidence that two records are one person and
needs seven digits or more: the two answer different questions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import func, select

from termcrm.store import bulk
from termcrm.store.models import Contact


def phone_key(phone: str | None, e164: str | None) -> str | None:
    """What two phone numbers are compared by: E.164 when the number is plausible
    (`+49 30 1234567` and `030 1234567` in Germany are one), else its digits."""
    if e164:
        return e164
    if not phone:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits or phone.casefold()


#: at most this many stored namesakes are kept between batches (`ContactWriter.namesakes`)
NAMESAKES_KEPT = 100_000


class Namesakes:
    """Contacts without an email, by name, and the rule for when a row is one of them.

    People who share a name are different people. A row without an email is the same
    person as a contact of the same name (`lower`) only when their phones match (compared
    by `phone_key`: "name and phone"), else their companies ("name and company"), else when
    neither has a phone or a company, since then the name is all there is to go by ("name
    (neither has a phone or company)"). Three Maria Garcias with three phones are three
    people. Indexed, so a file of many namesakes costs a look-up per row, not a scan."""

    def __init__(self) -> None:
        self.by_phone: dict[tuple[str, str], Any] = {}
        self.by_company: dict[tuple[str, int], Any] = {}
        self.bare: dict[str, Any] = {}

    def __len__(self) -> int:
        return len(self.by_phone) + len(self.by_company) + len(self.bare)

    def clear(self) -> None:
        self.by_phone.clear()
        self.by_company.clear()
        self.bare.clear()

    def add(self, who: Any, name: str, phone: str | None, company: int | None) -> None:
        if phone:
            self.by_phone.setdefault((name, phone), who)
        if company is not None:
            self.by_company.setdefault((name, company), who)
        if not phone and company is None:
            self.bare.setdefault(name, who)

    def find(self, name: str, phone: str | None, company: int | None) -> tuple[Any, str]:
        """(the one this row is, why) or (None, "")."""
        if phone and (who := self.by_phone.get((name, phone))) is not None:
            return who, "name and phone"
        if company is not None and (who := self.by_company.get((name, company))) is not None:
            return who, "name and company"
        if not phone and company is None and (who := self.bare.get(name)) is not None:
            return who, "name (neither has a phone or company)"
        return None, ""


class StoredNamesakes(Namesakes):
    """The stored contacts without an email, by name, read a name at a time as the import's
    rows bring new names. Kept from batch to batch (the contacts the import writes are added
    as it writes them), so each name is read once; forgotten when it grows big
    (`NAMESAKES_KEPT`), so memory stays flat."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: set[str] = set()

    def read(self, conn, lowered_names: Iterable[str]) -> StoredNamesakes:
        wanted = set(lowered_names)
        names = list(wanted - self.loaded)
        if len(self) + len(names) > NAMESAKES_KEPT:
            self.clear()
            self.loaded.clear()
            names = list(wanted)
        for cid, lowered, company, phone, e164 in bulk.select_in(
            conn,
            lambda part: select(
                Contact.id,
                func.lower(Contact.name),
                Contact.company_id,
                Contact.phone,
                Contact.phone_e164,
            ).where(Contact.email.is_(None), func.lower(Contact.name).in_(part)),
            names,
            "SELECT id, lower(name), company_id, phone, phone_e164 FROM contacts "
            "WHERE email IS NULL AND lower(name) IN ({marks})",
        ):
            self.add(cid, lowered, phone_key(phone, e164), company)
        self.loaded.update(names)
        return self


def lookalikes(conn, recs: list[dict], before: int, lower: Callable[[str], str]) -> int:
    """How many of `recs` have the name (as `lower` folds it) or the E.164 phone of a
    contact with an id up to `before` (those from before the import)."""
    names = list({lower(r["name"]) for r in recs})
    taken = {
        n
        for (n,) in bulk.select_in(
            conn,
            lambda part: select(func.lower(Contact.name)).where(
                Contact.id <= before, func.lower(Contact.name).in_(part)
            ),
            names,
            f"SELECT lower(name) FROM contacts WHERE id <= {before} AND lower(name) IN ({{marks}})",
        )
    }
    numbers = list({r["phone_e164"] for r in recs if r["phone_e164"]})
    taken_phones = {
        p
        for (p,) in bulk.select_in(
            conn,
            lambda part: select(Contact.phone_e164).where(
                Contact.id <= before, Contact.phone_e164.in_(part)
            ),
            numbers,
            f"SELECT phone_e164 FROM contacts WHERE id <= {before} AND phone_e164 IN ({{marks}})",
        )
    }
    return sum(1 for r in recs if lower(r["name"]) in taken or r["phone_e164"] in taken_phones)
