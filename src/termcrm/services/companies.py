"""Companies: creation, look-up by id or exact name, listing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from termcrm.dates import now
from termcrm.errors import Conflict, NotFound
from termcrm.services import owners, validate
from termcrm.services._query import icontains, ieq
from termcrm.store.models import Company, Contact, Deal


def _by_name(session: Session, name: str) -> Company | None:
    return session.exec(select(Company).where(ieq(Company.name, name))).first()


def add_company(
    session: Session,
    name: str,
    *,
    domain: str | None = None,
    industry: str | None = None,
    owner: str | None = None,
    actor: str | None = None,
) -> Company:
    """A new company, owned by `owner` or else by whoever adds it."""
    name = validate.text(name, "company name", required=True, max_len=200, field="name")
    existing = _by_name(session, name)
    if existing:
        raise Conflict(f"Company {existing.name!r} exists already (#{existing.id})")
    company = Company(
        name=name,
        domain=validate.text(domain, "domain", max_len=200),
        industry=validate.text(industry, "industry", max_len=100),
        owner=validate.text(owner, "owner", max_len=100) or actor,
    )
    session.add(company)
    session.flush()
    return company


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


def edit_company(session: Session, company: Company, **changes: str | None) -> Company:
    if "name" in changes and changes["name"] is not None:
        name = validate.text(
            changes["name"], "company name", required=True, max_len=200, field="name"
        )
        other = _by_name(session, name)
        if other and other.id != company.id:
            raise Conflict(f"Company {other.name!r} exists already (#{other.id})")
        company.name = name
    for key in ("domain", "industry", "notes"):
        if changes.get(key) is not None:
            setattr(company, key, validate.text(changes[key], key, max_len=2000))
    if changes.get("owner") is not None:
        company.owner = validate.text(changes["owner"], "owner", max_len=100)
    company.updated_at = now()
    session.add(company)
    session.flush()
    return company


@dataclass
class CompanySummary:
    company: Company
    contacts: int
    open_deals: int


def list_companies(
    session: Session,
    *,
    search: str | None = None,
    owner: str | None = None,
    limit: int | None = None,
) -> list[CompanySummary]:
    contacts = select(func.count()).where(Contact.company_id == Company.id).scalar_subquery()
    deals = (
        select(func.count())
        .where(Deal.company_id == Company.id, Deal.stage.notin_(("won", "lost")))
        .scalar_subquery()
    )
    stmt = select(Company, contacts, deals).order_by(func.lower(Company.name))
    if search:
        stmt = stmt.where(icontains(Company.name, search))
    if owners.given(owner):
        stmt = stmt.where(owners.condition(session, Company.owner, owner))
    if limit:
        stmt = stmt.limit(limit)
    return [CompanySummary(c, n, d) for c, n, d in session.exec(stmt).all()]


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
