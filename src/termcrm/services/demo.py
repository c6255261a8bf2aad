"""A realistic, seeded sample data set so a newcomer sees a living CRM at once.

48 people at 12 companies, eight months of interactions of every kind (with satisfaction
surveys), deals in every stage with their history, open, overdue, recurring and done tasks,
and service cases. Everything goes through the domain services, so the same rules apply;
timestamps are then moved into the past to give the data its history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from termcrm import dates
from termcrm.errors import Conflict
from termcrm.services import contacts, deals, interactions, tasks
from termcrm.services import team as team_service
from termcrm.store.models import (
    Case,
    Company,
    Contact,
    ContactStageChange,
    Deal,
    DealStageChange,
    Interaction,
    Task,
)
from termcrm.vocab import INTERACTION_KINDS

COMPANIES = [
    ("Analytical Engines Ltd", "analytical.example", "Computing"),
    ("Nordlicht Energie GmbH", "nordlicht.example", "Energy"),
    ("Café Ébène", "cafe-ebene.example", "Hospitality"),
    ("Zürich Précision AG", "zprecision.example", "Manufacturing"),
    ("Osaka Robotics KK", "osaka-robotics.example", "Robotics"),
    ("Lisboa Travel Lda", "lisboatravel.example", "Travel"),
    ("Kraków Software sp. z o.o.", "krakowsoft.example", "Software"),
    ("Bluefin Logistics", "bluefin.example", "Logistics"),
    ("Maple & Birch Legal", "maplebirch.example", "Legal"),
    ("Søndergaard Design", "sondergaard.example", "Design"),
    ("Ngozi Health", "ngozihealth.example", "Healthcare"),
    ("Pampas Agro SA", "pampasagro.example", "Agriculture"),
]

FIRST = [
    "Ada", "Grace", "Alan", "Zoë", "José", "Chloé", "Jürgen", "Ingrid", "Søren", "Agnieszka",
    "Hiroshi", "Amara", "Priya", "Mateus", "Olivia", "Björn", "Fatima", "Liam", "Élodie",
    "Kwame", "Marta", "Noah", "Yuki", "Ravi",
]  # fmt: skip
LAST = [
    "Lovelace", "Hopper", "Turing", "Müller", "García", "Dubois", "Nowak", "Østergaard",
    "Tanaka", "Okafor", "Sharma", "Silva", "Brennan", "Lindqvist", "Haddad", "O'Neill",
    "Lefèvre", "Mensah", "Kowalska", "Fischer", "Sato", "Iyer", "Rossi", "Novák",
]  # fmt: skip
TITLES = ["CEO", "CTO", "Head of Operations", "Procurement Lead", "Office Manager",
          "Engineering Manager", "CFO", "Marketing Director"]  # fmt: skip
TAGS = ["vip", "newsletter", "partner", "renewal", "trade-show", "referral", "enterprise"]
SUMMARIES = {
    "call": ["Discovery call", "Renewal talk", "Pricing questions", "Check-in call",
             "Demo follow-up", "Escalation call"],
    "email": ["Sent the proposal", "Shared case study", "Answered SSO question",
              "Invoice sent", "Intro email"],
    "meeting": ["Quarterly review", "On-site workshop", "Kick-off meeting", "Lunch meeting"],
    "note": ["Prefers calls in the morning", "Budget approved for Q1", "New decision maker"],
    "chat": ["Asked about API limits", "Quick question on Slack"],
    "sms": ["Confirmed Tuesday", "Running 10 minutes late"],
    "social": ["Liked our launch post", "Connected on LinkedIn"],
}  # fmt: skip
DEALS = ["Annual licence", "Pilot project", "Support upgrade", "Team expansion", "Renewal",
         "Consulting package", "Hardware refresh", "Training days"]  # fmt: skip
TASKS = ["Send revised quote", "Call back about contract", "Prepare demo", "Book on-site visit",
         "Check invoice status", "Send thank-you note", "Ask for referral"]  # fmt: skip
CASES = ["Cannot log in after password reset", "Invoice shows wrong VAT", "Export is slow",
         "Feature request: dark mode", "Data missing after sync", "Billing address change"]  # fmt: skip


@dataclass
class DemoSummary:
    companies: int
    contacts: int
    interactions: int
    deals: int
    tasks: int
    cases: int


def is_empty(session: Session) -> bool:
    return session.exec(select(func.count(Contact.id))).one() == 0


def fill(session: Session, *, seed: int = 7, actor: str | None = None) -> DemoSummary:
    """Add the sample to an empty database (Conflict when it holds contacts already)."""
    if not is_empty(session):
        raise Conflict("The database has contacts already; use an empty one (--db demo.db)")
    rng = random.Random(seed)
    now = dates.now()
    team = team_service.owner_pool(session, actor)

    for name, domain, industry in COMPANIES:
        session.add(Company(name=name, domain=domain, industry=industry))
    session.flush()

    people: list[Contact] = []
    for i in range(48):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7 + i // len(FIRST)) % len(LAST)]
        company = COMPANIES[i % len(COMPANIES)]
        stage = rng.choices(["lead", "prospect", "customer", "churned"], [3, 3, 5, 1])[0]
        email_name = f"{first}.{last}".lower().replace("'", "")
        contact = contacts.add_contact(
            session,
            f"{first} {last}",
            email=f"{_ascii(email_name)}@{company[1]}",
            phone=f"+{rng.choice([44, 49, 33, 41, 81, 351])} {rng.randint(100, 999)} "
            f"{rng.randint(1000, 9999)} {rng.randint(100, 999)}",
            company=company[0],
            title=rng.choice(TITLES),
            tags=rng.sample(TAGS, rng.randint(0, 2)),
            stage="lead",
            source=rng.choice(["website", "referral", "trade show", "cold call", "LinkedIn"]),
            owner=rng.choice(team),
            fields={"linkedin": f"in/{_ascii(email_name)}"} if i % 3 == 0 else None,
            actor=actor,
        )
        created = now - timedelta(days=rng.randint(2, 240), hours=rng.randint(0, 23))
        contact.created_at = contact.updated_at = created
        _backdate_first_stage(session, contact, created)
        if stage != "lead":
            path = {"prospect": ["prospect"], "customer": ["prospect", "customer"],
                    "churned": ["prospect", "customer", "churned"]}[stage]  # fmt: skip
            when = created
            for step in path:
                when = when + timedelta(days=rng.randint(5, 40))
                when = min(when, now - timedelta(days=1))
                contacts.edit_contact(session, contact, stage=step, actor=actor)
                last_change = session.exec(
                    select(ContactStageChange)
                    .where(ContactStageChange.contact_id == contact.id)
                    .order_by(ContactStageChange.id.desc())
                ).first()
                last_change.changed_at = when
        if i == 0:
            contact.cadence_days = 14
        people.append(contact)
    session.flush()

    n_interactions = 0
    for contact in people:
        for _ in range(rng.randint(2, 9)):
            kind = rng.choice(INTERACTION_KINDS)
            logged = interactions.log_interaction(
                session,
                contact,
                kind,
                rng.choice(SUMMARIES[kind]),
                direction=rng.choice(["in", "out"]) if kind in ("call", "email", "chat") else None,
                duration=rng.choice([15, 30, 45, 60]) if kind in ("call", "meeting") else None,
                actor=contact.owner,
            )
            logged.interaction.occurred_at = _between(rng, contact.created_at, now)
            n_interactions += 1
        if contact.stage in ("customer", "churned") and rng.random() < 0.7:
            metric = rng.choice(["nps", "csat"])
            score = rng.randint(5, 10) if metric == "nps" else rng.randint(2, 5)
            session.add(
                Interaction(
                    contact_id=contact.id,
                    kind="survey",
                    metric=metric,
                    score=score,
                    summary=f"{metric.upper()} {score}",
                    occurred_at=_between(rng, now - timedelta(days=60), now),
                    logged_by=contact.owner,
                )
            )
            n_interactions += 1

    n_deals = 0
    stages = ["lead", "qualified", "proposal", "negotiation", "won", "lost"]
    for i, contact in enumerate(people[:36]):
        target = stages[i % len(stages)]
        created = _between(rng, contact.created_at, now - timedelta(days=3))
        deal = deals.add_deal(
            session,
            f"{rng.choice(DEALS)} – {contact.name.split()[-1]}",
            contact=contact,
            value=str(rng.choice([1200, 4800, 9500, 15000, 24000, 60000, 125000])),
            currency=rng.choice(["EUR", "EUR", "EUR", "USD", "GBP"]),
            close=(now + timedelta(days=rng.randint(-10, 90))).date().isoformat(),
            owner=contact.owner,
            actor=actor,
        )
        deal.created_at = deal.updated_at = created
        first = session.exec(
            select(DealStageChange).where(DealStageChange.deal_id == deal.id)
        ).first()
        first.changed_at = created
        when = created
        for step in (
            stages[1 : stages.index(target) + 1] if target != "lost" else ["qualified", "lost"]
        ):
            when = min(when + timedelta(days=rng.randint(3, 20)), now - timedelta(hours=1))
            reason = (
                rng.choice(["price", "timing", "went with a competitor"])
                if step == "lost"
                else None
            )
            deals.move_deal(session, deal, step, reason=reason, actor=actor)
            change = session.exec(
                select(DealStageChange)
                .where(DealStageChange.deal_id == deal.id)
                .order_by(DealStageChange.id.desc())
            ).first()
            change.changed_at = when
            if step in ("won", "lost"):
                deal.closed_at = when
        n_deals += 1

    n_tasks = 0
    for i, contact in enumerate(people[:30]):
        offset = rng.randint(-6, 12)
        task = tasks.add_task(
            session,
            rng.choice(TASKS),
            due=(now + timedelta(days=offset)).astimezone().date().isoformat(),
            contact=contact,
            priority=rng.choice(["low", "normal", "normal", "high"]),
            recur="weekly" if i % 10 == 0 else None,
            owner=contact.owner,
            actor=actor,
        )
        task.created_at = task.updated_at = now - timedelta(days=rng.randint(7, 30))
        if i % 4 == 0:
            task.done_at = now - timedelta(days=rng.randint(0, 5))
        n_tasks += 1

    n_cases = 0
    for i, contact in enumerate([p for p in people if p.stage in ("customer", "churned")][:10]):
        opened = _between(rng, now - timedelta(days=45), now - timedelta(hours=2))
        resolved = i % 3 != 0
        session.add(
            Case(
                contact_id=contact.id,
                subject=rng.choice(CASES),
                priority=rng.choice(["low", "normal", "high", "urgent"]),
                status="resolved" if resolved else "open",
                owner=contact.owner,
                opened_at=opened,
                created_at=opened,
                updated_at=opened,
                resolved_at=opened + timedelta(hours=rng.randint(2, 96)) if resolved else None,
                resolution_note="Fixed and confirmed with the customer" if resolved else None,
            )
        )
        n_cases += 1
    session.flush()
    return DemoSummary(len(COMPANIES), len(people), n_interactions, n_deals, n_tasks, n_cases)


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().replace(" ", "")


def _between(rng: random.Random, start, end):
    span = max((end - start).total_seconds(), 1)
    return start + timedelta(seconds=rng.uniform(0, span))


def _backdate_first_stage(session: Session, contact: Contact, when) -> None:
    first = session.exec(
        select(ContactStageChange).where(ContactStageChange.contact_id == contact.id)
    ).first()
    if first is not None:
        first.changed_at = when


__all__ = ["Deal", "DemoSummary", "Task", "fill", "is_empty"]
