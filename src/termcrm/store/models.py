"""The SQLModel tables. Every change here needs an Alembic migration in `migrations/versions`.

Conventions: integer ids; `created_at`/`updated_at` in UTC on every table; money as integer
minor units (`value_minor`, cents) with a 3-letter currency, never a float; emails unique
case-insensitively through a unique index on `email_key`, the address folded in Python
(`termcrm.textfold.fold`, filled on every ORM write by `_fill_email_key` and by the bulk
importer), so "JÜRGEN@example.com" and "jürgen@example.com" are one address on SQLite as on
PostgreSQL, and the database enforces it (two writers cannot both insert the same address).
"""

from datetime import date, datetime

from pydantic import ConfigDict
from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Text, event, text
from sqlmodel import Field, SQLModel

from termcrm.dates import now
from termcrm.store.types import UTCDateTime
from termcrm.textfold import fold


def _ts(**kw) -> Field:
    return Field(default_factory=now, sa_type=UTCDateTime, nullable=False, **kw)


def _fk(target: str, *, nullable: bool = True, ondelete: str = "SET NULL") -> Field:
    return Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True
        ),
    )


def _parent_key(target: str) -> Field:
    """A key column naming the record a row belongs to and is deleted with (tags, fields)."""
    return Field(
        sa_column=Column(Integer, ForeignKey(target, ondelete="CASCADE"), primary_key=True)
    )


class Base(SQLModel):
    """Every table's base. Pydantic builds a model's validator on first use instead of at
    import: tables are written through SQLAlchemy and rarely validated, and building all of
    them cost ~10 ms of every command's start-up. (No `from __future__ import annotations`
    here either: both SQLAlchemy and pydantic would evaluate every annotation string again.)
    """

    model_config = ConfigDict(defer_build=True)


class Timestamps(Base):
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class Company(Timestamps, table=True):
    __tablename__ = "companies"
    __table_args__ = (Index("ux_companies_name_lower", text("lower(name)"), unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(200), nullable=False)
    domain: str | None = Field(default=None, sa_type=String(200))
    industry: str | None = Field(default=None, sa_type=String(100))
    notes: str | None = Field(default=None, sa_type=Text)
    owner: str | None = Field(default=None, sa_type=String(100), index=True)


class Contact(Timestamps, table=True):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("ux_contacts_email_key", "email_key", unique=True),
        Index("ix_contacts_name_lower", text("lower(name)")),
        # the few contacts with their own cadence, for the agenda's "going cold" (migration
        # 0006); partial on SQLite only: a `postgresql_where` here would import SQLAlchemy's
        # PostgreSQL dialect at every start-up (~30 ms), for an index that PostgreSQL keeps small
        Index("ix_contacts_cadence", "cadence_days", sqlite_where=text("cadence_days IS NOT NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(200), nullable=False)
    email: str | None = Field(default=None, sa_type=String(320))
    #: `fold(email)`: what "the same email" means, unique (migration 0007)
    email_key: str | None = Field(default=None, sa_type=String(320))
    phone: str | None = Field(default=None, sa_type=String(64))
    #: the phone in E.164 (`+4930123456`), what duplicates are matched on (migration 0008);
    #: None when the phone cannot be read as a number (see `services/phones.py`)
    phone_e164: str | None = Field(default=None, sa_type=String(20), index=True)
    title: str | None = Field(default=None, sa_type=String(200))
    company_id: int | None = _fk("companies.id")
    stage: str = Field(default="lead", sa_type=String(16), nullable=False, index=True)
    source: str | None = Field(default=None, sa_type=String(100))
    owner: str | None = Field(default=None, sa_type=String(100), index=True)
    notes: str | None = Field(default=None, sa_type=Text)
    #: stay-in-touch cadence in days; None falls back to the default of the contact's stage
    cadence_days: int | None = Field(default=None)
    #: the structured name (vCard `N`), when a file or the user gave it (migration 0011);
    #: `name` stays the display name. `services/names.py` holds the rules.
    first_name: str | None = Field(default=None, sa_type=String(100))
    middle_name: str | None = Field(default=None, sa_type=String(100))
    last_name: str | None = Field(default=None, sa_type=String(100))
    name_prefix: str | None = Field(default=None, sa_type=String(100))
    name_suffix: str | None = Field(default=None, sa_type=String(100))
    #: the vCard UID the contact was imported with, exported back (None: `contact-ID@termcrm`)
    uid: str | None = Field(default=None, sa_type=String(255))


def email_key(email: str | None) -> str | None:
    """The unique key of an address: `textfold.fold`, None for no address."""
    return fold(email) if email else None


@event.listens_for(Contact, "before_insert")
def _fill_email_key(mapper, connection, contact: Contact) -> None:
    contact.email_key = email_key(contact.email)


@event.listens_for(Contact, "before_update")
def _refill_email_key(mapper, connection, contact: Contact) -> None:
    """Only when the address changes: a contact left without a key by migration 0007 (its
    address clashed) can still be edited otherwise."""
    from sqlalchemy import inspect

    if inspect(contact).attrs.email.history.has_changes():
        contact.email_key = email_key(contact.email)


class ContactTag(Base, table=True):
    __tablename__ = "contact_tags"
    __table_args__ = (Index("ix_contact_tags_tag", "tag"),)

    contact_id: int = _parent_key("contacts.id")
    tag: str = Field(sa_type=String(100), primary_key=True)


class ContactField(Base, table=True):
    """Custom fields: free key/value pairs per contact (`--field KEY=VALUE`)."""

    __tablename__ = "contact_fields"

    contact_id: int = _parent_key("contacts.id")
    key: str = Field(sa_type=String(100), primary_key=True)
    value: str = Field(sa_type=Text, nullable=False)


class CompanyTag(Base, table=True):
    """A company's tags: the same rules as a contact's (`services.labels`)."""

    __tablename__ = "company_tags"
    __table_args__ = (Index("ix_company_tags_tag", "tag"),)

    company_id: int = _parent_key("companies.id")
    tag: str = Field(sa_type=String(100), primary_key=True)


class CompanyField(Base, table=True):
    """A company's custom fields (`company edit --field KEY=VALUE`)."""

    __tablename__ = "company_fields"

    company_id: int = _parent_key("companies.id")
    key: str = Field(sa_type=String(100), primary_key=True)
    value: str = Field(sa_type=Text, nullable=False)


class Interaction(Timestamps, table=True):
    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_contact_occurred", "contact_id", "occurred_at"),
        Index("ix_interactions_occurred", "occurred_at"),
        Index("ix_interactions_kind_occurred", "kind", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(
        sa_column=Column(Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False)
    )
    kind: str = Field(sa_type=String(16), nullable=False)
    direction: str | None = Field(default=None, sa_type=String(3))
    occurred_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    summary: str = Field(sa_type=String(500), nullable=False)
    body: str | None = Field(default=None, sa_type=Text)
    duration_min: int | None = Field(default=None)
    outcome: str | None = Field(default=None, sa_type=String(200))
    #: satisfaction surveys (kind `survey`): `nps` (0-10) or `csat` (1-5) and the score
    metric: str | None = Field(default=None, sa_type=String(8))
    score: int | None = Field(default=None)
    logged_by: str | None = Field(default=None, sa_type=String(100))


class Deal(Timestamps, table=True):
    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_stage", "stage"),
        Index("ix_deals_closed_at", "closed_at"),
        Index("ix_deals_expected_close", "expected_close"),
        Index("ix_deals_stage_close", "stage", "expected_close"),
        # covering indexes of the KPI report (migration 0003): the open pipeline, and won value
        # per customer (CLV) grouped in index order
        Index("ix_deals_pipeline", "stage", "currency", "probability", "value_minor"),
        Index("ix_deals_won_kpi", "stage", "currency", "contact_id", "closed_at", "value_minor"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(sa_type=String(200), nullable=False)
    #: a deal outlives its contact (won revenue stays in the KPIs)
    contact_id: int | None = _fk("contacts.id")
    company_id: int | None = _fk("companies.id")
    value_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    currency: str = Field(default="EUR", sa_type=String(3), nullable=False)
    stage: str = Field(default="lead", sa_type=String(16), nullable=False)
    probability: int | None = Field(default=None)
    expected_close: date | None = Field(default=None)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lost_reason: str | None = Field(default=None, sa_type=String(500))
    notes: str | None = Field(default=None, sa_type=Text)
    owner: str | None = Field(default=None, sa_type=String(100), index=True)


class Task(Timestamps, table=True):
    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_open_due", "done_at", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(sa_type=String(500), nullable=False)
    #: the UTC instant the task is due; for a date without time, the local midnight of that day
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    due_has_time: bool = Field(default=False, nullable=False)
    contact_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )
    deal_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("deals.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )
    priority: str = Field(default="normal", sa_type=String(8), nullable=False)
    recur: str | None = Field(default=None, sa_type=String(16))
    notes: str | None = Field(default=None, sa_type=Text)
    #: the first task of a recurring series (None for that first one): calendars know the
    #: series by it across completions
    series_id: int | None = Field(default=None)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    owner: str | None = Field(default=None, sa_type=String(100), index=True)


class Case(Timestamps, table=True):
    """A customer service case: a complaint or a support request."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status", "status"),
        Index("ix_cases_opened_at", "opened_at"),
        Index("ix_cases_resolved_at", "resolved_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    subject: str = Field(sa_type=String(500), nullable=False)
    priority: str = Field(default="normal", sa_type=String(8), nullable=False)
    status: str = Field(default="open", sa_type=String(10), nullable=False)
    owner: str | None = Field(default=None, sa_type=String(100), index=True)
    opened_at: datetime = _ts()
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution_note: str | None = Field(default=None, sa_type=Text)
    notes: str | None = Field(default=None, sa_type=Text)


class ContactStageChange(Base, table=True):
    """History of a contact's lifecycle stage (the first row is its creation)."""

    __tablename__ = "contact_stage_changes"
    __table_args__ = (
        Index("ix_contact_stage_changes_contact", "contact_id", "changed_at"),
        # covering, in time order: the KPI report reads recent changes from the index alone
        Index(
            "ix_contact_stage_changes_changed",
            "changed_at",
            "id",
            "contact_id",
            "from_stage",
            "to_stage",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(
        sa_column=Column(Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False)
    )
    from_stage: str | None = Field(default=None, sa_type=String(16))
    to_stage: str = Field(sa_type=String(16), nullable=False)
    changed_at: datetime = _ts()
    changed_by: str | None = Field(default=None, sa_type=String(100))


class DealStageChange(Base, table=True):
    """History of a deal's stage (the first row is its creation)."""

    __tablename__ = "deal_stage_changes"
    __table_args__ = (
        Index("ix_deal_stage_changes_deal", "deal_id", "changed_at"),
        Index(
            "ix_deal_stage_changes_changed", "changed_at", "id", "deal_id", "from_stage", "to_stage"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(
        sa_column=Column(Integer, ForeignKey("deals.id", ondelete="CASCADE"), nullable=False)
    )
    from_stage: str | None = Field(default=None, sa_type=String(16))
    to_stage: str = Field(sa_type=String(16), nullable=False)
    changed_at: datetime = _ts()
    changed_by: str | None = Field(default=None, sa_type=String(100))


class AuditEntry(Base, table=True):
    """One create, change or delete of a contact, company, deal, task, case or interaction:
    who (on PostgreSQL the login, written by triggers), when, which record, and each changed
    field's old and new value (`changes`: a JSON object of field -> [old, new]). No foreign
    keys: a deleted record's history stays."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_record", "entity", "record_id", "at"),
        Index("ix_audit_log_contact", "contact_id", "at"),
        Index("ix_audit_log_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts()
    actor: str | None = Field(default=None, sa_type=String(100))
    action: str = Field(sa_type=String(8), nullable=False)
    entity: str = Field(sa_type=String(16), nullable=False)
    record_id: int = Field(nullable=False)
    contact_id: int | None = Field(default=None)
    label: str | None = Field(default=None, sa_type=String(200))
    changes: str = Field(sa_type=Text, nullable=False)


class ContactConsent(Base, table=True):
    """A contact's answer to one kind of consent (`marketing`, ...), with when it was given."""

    __tablename__ = "contact_consents"

    contact_id: int = _parent_key("contacts.id")
    kind: str = Field(sa_type=String(50), primary_key=True)
    granted: bool = Field(nullable=False)
    recorded_at: datetime = _ts()
    recorded_by: str | None = Field(default=None, sa_type=String(100))


class Segment(Timestamps, table=True):
    """A saved contact filter: its members are evaluated whenever it is used."""

    __tablename__ = "segments"
    __table_args__ = (Index("ux_segments_name_lower", text("lower(name)"), unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(100), nullable=False)
    #: the filters as JSON (`services/segments.py`)
    filters: str = Field(sa_type=Text, nullable=False)
    created_by: str | None = Field(default=None, sa_type=String(100))


class TrashEntry(Base, table=True):
    """A deleted record with what hung on it, as a JSON snapshot of the rows (restorable with
    the same ids until it expires). Live tables hold no trashed rows, so no query filters."""

    __tablename__ = "trash"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(16), nullable=False)
    record_id: int = Field(nullable=False)
    label: str = Field(sa_type=String(300), nullable=False)
    payload: str = Field(sa_type=Text, nullable=False)
    deleted_at: datetime = _ts(index=True)
    deleted_by: str | None = Field(default=None, sa_type=String(100))
