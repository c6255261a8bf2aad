"""Tags and custom fields: the one set of rules for the records that have them (contacts and
companies).

A tag is trimmed text of up to 100 characters (`validate.tag`), one per record in any letter
case: a tag already there in another case is kept as it is. A custom field is `KEY=VALUE`
(`validate.field_pair`); an empty value removes the field. `CONTACTS` and `COMPANIES` apply
these rules to their own tables; `services.contacts` and `services.companies` call them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists
from sqlmodel import Session, select

from termcrm.services import owners, validate
from termcrm.store.models import (
    Company,
    CompanyField,
    CompanyTag,
    Contact,
    ContactField,
    ContactTag,
)
from termcrm.textfold import fold


@dataclass(frozen=True)
class Labels:
    """The tags and custom fields of one kind of record."""

    tag_model: Any
    field_model: Any
    #: the column of both tables that names the record (`contact_id`, `company_id`)
    key: str
    #: the record's id column, for `has_tag`
    owner_id: Any

    def _col(self, model):
        return getattr(model, self.key)

    # -- reads ----------------------------------------------------------------------------

    def tags_of(self, session: Session, ids: Iterable[int]) -> dict[int, list[str]]:
        """Record id -> its tags, sorted."""
        ids = list(ids)
        out: dict[int, list[str]] = {}
        if not ids:
            return out
        m = self.tag_model
        rows = session.exec(
            select(self._col(m), m.tag).where(self._col(m).in_(ids)).order_by(m.tag)
        ).all()
        for rid, t in rows:
            out.setdefault(rid, []).append(t)
        return out

    def fields_of(self, session: Session, ids: Iterable[int]) -> dict[int, dict[str, str]]:
        """Record id -> its custom fields, by name."""
        ids = list(ids)
        out: dict[int, dict[str, str]] = {}
        if not ids:
            return out
        m = self.field_model
        rows = session.exec(
            select(self._col(m), m.key, m.value).where(self._col(m).in_(ids)).order_by(m.key)
        ).all()
        for rid, k, v in rows:
            out.setdefault(rid, {})[k] = v
        return out

    def has_tag(self, session: Session, tag: str):
        """SQL: the record has `tag` in any letter case (`textfold.fold`, as owners are
        matched: "ÜNAL" finds "ünal" on SQLite as on PostgreSQL)."""
        m = self.tag_model
        return exists().where(
            self._col(m) == self.owner_id, owners.condition(session, m.tag, validate.tag(tag))
        )

    # -- writes ---------------------------------------------------------------------------

    def change_tags(
        self,
        session: Session,
        record_id: int,
        *,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
    ) -> None:
        """Add some tags and remove others (validated)."""
        m = self.tag_model
        have = self.tags_of(session, [record_id]).get(record_id, [])
        known = {fold(h) for h in have}
        for t in (validate.tag(t) for t in add):
            if fold(t) not in known:  # one tag in any letter case: the first spelling stays
                known.add(fold(t))
                session.add(m(**{self.key: record_id, "tag": t}))
        drop = {fold(validate.tag(t)) for t in remove}
        gone = [h for h in have if fold(h) in drop]  # in any letter case, as `set_tags`
        if gone:
            session.execute(delete(m).where(self._col(m) == record_id, m.tag.in_(gone)))

    def set_tags(self, session: Session, record_id: int, tags: Iterable[str]) -> None:
        """Give the record exactly these tags (validated; one already there in another letter
        case is kept as it is): what a form's tag field means."""
        wanted = {fold(t): t for t in (validate.tag(t) for t in tags)}
        have = self.tags_of(session, [record_id]).get(record_id, [])
        folded = {fold(h) for h in have}
        self.change_tags(
            session,
            record_id,
            add=[t for key, t in wanted.items() if key not in folded],
            remove=[h for h in have if fold(h) not in wanted],
        )

    def set_fields(self, session: Session, record_id: int, fields: Mapping[str, str]) -> None:
        """Set custom fields; an empty value removes the field."""
        m = self.field_model
        for key, value in fields.items():
            existing = session.get(m, (record_id, key))
            if value == "" and existing is not None:
                session.delete(existing)
            elif value != "":
                if existing is None:
                    session.add(m(**{self.key: record_id, "key": key, "value": value}))
                else:
                    existing.value = value
                    session.add(existing)


def parse_fields(pairs: Iterable[str]) -> dict[str, str]:
    """`KEY=VALUE` strings from the command line as a dict."""
    return dict(validate.field_pair(p) for p in pairs)


def checked(
    checks: validate.Checks, tags: Iterable[str], fields: Mapping[str, str] | Iterable[str] | None
) -> tuple[list[str], dict[str, str]]:
    """Tags and custom fields (a dict, or `KEY=VALUE` strings from the command line) checked
    along with a record's other values: the invalid ones are noted in `checks`."""
    good_tags = [t for t in (checks(validate.tag, t) for t in tags) if t is not None]
    if fields is None or isinstance(fields, Mapping):
        return good_tags, dict(fields or {})
    pairs = [checks(validate.field_pair, p) for p in fields]
    return good_tags, dict(p for p in pairs if p is not None)


CONTACTS = Labels(ContactTag, ContactField, "contact_id", Contact.id)
COMPANIES = Labels(CompanyTag, CompanyField, "company_id", Company.id)
