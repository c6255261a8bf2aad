"""Companies: creation, look-up by id or exact name, listing, their tags and custom fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from termcrm.dates import now
from termcrm.errors import Conflict, NotFound
from termcrm.services import labels, owners, validate
from termcrm.services._query import folded_contains, ieq
from termcrm.store.models import Company, Contact, Deal


def _by_name(session: Session, name: str) -> Company | None:
    return session.exec(select(Company).where(ieq(Company.name, name))).first()


#: the longest text each attribute holds (the columns' sizes), for add, edit and import alike
LIMITS = {"name": 200, "domain": 200, "industry": 100, "owner": 100, "notes": 20000}


def checked(checks: validate.Checks, key: str, value: str | None) -> str | None:
    """An attribute's value, trimmed and within `LIMITS` (blank is None); noted in `checks`."""
    what = "company name" if key == "name" else key
    return checks(validate.text, value, what, max_len=LIMITS[key], field=key)


def add_company(
    session: Session,
    name: str,
    *,
    domain: str | None = None,
    industry: str | None = None,
    owner: str | None = None,
    notes: str | None = None,
    tags: Iterable[str] = (),
    fields: Mapping[str, str] | Iterable[str] | None = None,
    actor: str | None = None,
) -> Company:
    """A new company, owned by `owner` or else by whoever adds it. Every invalid value is
    reported at once (`Invalid.problems`)."""
    checks = validate.Checks()
    name = checks(
        validate.text, name, "company name", required=True, max_len=LIMITS["name"], field="name"
    )
    values = {k: checked(checks, k, v) for k, v in _attrs(domain, industry, owner, notes)}
    tags, fields = labels.checked(checks, tags, fields)
    checks.done()
    existing = _by_name(session, name)
    if existing:
        raise Conflict(f"Company {existing.name!r} exists already (#{existing.id})", field="name")
    company = Company(name=name, **values)
    company.owner = company.owner or actor
    session.add(company)
    session.flush()
    labels.COMPANIES.change_tags(session, company.id, add=tags)
    labels.COMPANIES.set_fields(session, company.id, fields)
    session.flush()
    return company


def _attrs(domain, industry, owner, notes):
    return (("domain", domain), ("industry", industry), ("owner", owner), ("notes", notes))


def get_or_create_company(session: Session, name: str) -> Company:
    """The company of that name (any letter case), created when new."""
    name = validate.text(name, "company name", required=True, max_len=200, field="name")
    return _by_name(session, name) or add_company(session, name)


def company_for(session: Session, ref: str) -> Company:
    """The company a `--company` option means: an id or an exact name; a new name creates it."""
    try:
        return resolve_company(session, ref)
    except NotFound:
        if validate.numeric_id(ref, "company") is not None:
            raise
        return get_or_create_company(session, ref)


def resolve_company(session: Session, ref: str | int) -> Company:
    """A company by id or exact name (case-insensitive)."""
    s = str(ref).strip()
    company = None
    number = validate.numeric_id(s, "company")
    if number is not None:
        company = session.get(Company, number)
    if company is None and s:
        company = _by_name(session, s)
    if company is None:
        raise NotFound(f"No company {s!r}")
    return company


def edit_company(
    session: Session,
    company: Company,
    *,
    name: str | None = None,
    domain: str | None = None,
    industry: str | None = None,
    owner: str | None = None,
    notes: str | None = None,
    add_tags: Iterable[str] = (),
    remove_tags: Iterable[str] = (),
    tags: Iterable[str] | None = None,
    fields: Mapping[str, str] | Iterable[str] | None = None,
) -> Company:
    """Change the given attributes; None leaves one as it is, `""` clears it (not the name).
    `tags` replaces the tags with exactly these; `add_tags`/`remove_tags` change some.
    Every invalid value is reported at once (`Invalid.problems`)."""
    checks = validate.Checks()
    if name is not None:
        name = checks(
            validate.text, name, "company name", required=True, max_len=LIMITS["name"],
            field="name",
        )  # fmt: skip
    values = {
        k: checked(checks, k, v) for k, v in _attrs(domain, industry, owner, notes) if v is not None
    }
    _, fields = labels.checked(checks, (*add_tags, *remove_tags, *(tags or ())), fields)
    checks.done()
    if name is not None:
        other = _by_name(session, name)
        if other and other.id != company.id:
            raise Conflict(f"Company {other.name!r} exists already (#{other.id})", field="name")
        company.name = name
    for key, value in values.items():
        setattr(company, key, value)
    company.updated_at = now()
    session.add(company)
    session.flush()
    labels.COMPANIES.change_tags(session, company.id, add=add_tags, remove=remove_tags)
    if tags is not None:
        labels.COMPANIES.set_tags(session, company.id, tags)
    labels.COMPANIES.set_fields(session, company.id, fields)
    session.flush()
    return company


@dataclass
class CompanySummary:
    company: Company
    contacts: int | None = None
    open_deals: int | None = None
    tags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


def view(session: Session, company: Company) -> CompanySummary:
    """A company with its tags and custom fields (`company show`)."""
    return CompanySummary(
        company,
        tags=labels.COMPANIES.tags_of(session, [company.id]).get(company.id, []),
        fields=labels.COMPANIES.fields_of(session, [company.id]).get(company.id, {}),
    )


def list_companies(
    session: Session,
    *,
    search: str | None = None,
    owner: str | None = None,
    tags: Iterable[str] = (),
    limit: int | None = None,
) -> list[CompanySummary]:
    """Companies by name with their number of contacts and open deals, tags and fields.
    `search` matches the name as contact searches do (case and accents folded); each of
    `tags` must be there (any letter case)."""
    contacts = select(func.count()).where(Contact.company_id == Company.id).scalar_subquery()
    deals = (
        select(func.count())
        .where(Deal.company_id == Company.id, Deal.stage.notin_(("won", "lost")))
        .scalar_subquery()
    )
    stmt = select(Company, contacts, deals).order_by(func.lower(Company.name))
    if search and search.strip():
        stmt = stmt.where(folded_contains(session, Company.name, search))
    for tag in tags:
        stmt = stmt.where(labels.COMPANIES.has_tag(session, tag))
    if owners.given(owner):
        stmt = stmt.where(owners.condition(session, Company.owner, owner))
    if limit:
        stmt = stmt.limit(limit)
    rows = session.exec(stmt).all()
    ids = [c.id for c, _, _ in rows]
    tags_by, fields_by = (
        labels.COMPANIES.tags_of(session, ids),
        labels.COMPANIES.fields_of(session, ids),
    )
    return [
        CompanySummary(c, n, d, tags_by.get(c.id, []), fields_by.get(c.id, {})) for c, n, d in rows
    ]


def company_contacts(session: Session, company: Company) -> list[Contact]:
    return list(
        session.exec(
            select(Contact)
            .where(Contact.company_id == company.id)
            .order_by(func.lower(Contact.name))
        ).all()
    )


def dependants(session: Session, company: Company) -> tuple[int, int]:
    """How many contacts and deals name `company`: they stay, without it, when it goes."""
    contacts = session.exec(select(func.count()).where(Contact.company_id == company.id)).one()
    deals = session.exec(select(func.count()).where(Deal.company_id == company.id)).one()
    return int(contacts), int(deals)


def delete_company(session: Session, company: Company, actor: str | None = None):
    """Move a company to the trash; its contacts and deals stay, without it, and get it back
    on restore. Returns the trash entry."""
    from termcrm.services import trash

    return trash.move_to_trash(
        session, "company", company.id, f"#{company.id} {company.name}", actor
    )
