"""Interactions: calls, emails, meetings, notes, chats, texts and social touches.

Logging one may also create its follow-up task (`log ... --follow-up "next fri"`), in the
same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from termcrm import dates
from termcrm.errors import Invalid
from termcrm.services import owners, validate
from termcrm.services.tasks import add_task
from termcrm.store.models import Contact, Interaction, Task
from termcrm.vocab import ALL_INTERACTION_KINDS, DIRECTIONS, INTERACTION_KINDS


@dataclass
class Logged:
    interaction: Interaction
    follow_up: Task | None = None


def occurred_at(when: str | None) -> datetime:
    """When an interaction happened: now by default; a date alone keeps the time of day now.

    So `--when yesterday` is 24 hours ago, and a day's entries keep their order.
    """
    if not when:
        return dates.now()
    parsed = dates.parse_when(when, backwards=True, field="when")
    if parsed.has_time:
        return parsed.at
    time_of_day = dates.now().astimezone().time().replace(tzinfo=None)
    return dates.combine_local(parsed.local_date, time_of_day)


def log_interaction(
    session: Session,
    contact: Contact,
    kind: str,
    summary: str,
    *,
    when: str | None = None,
    body: str | None = None,
    direction: str | None = None,
    duration: int | str | None = None,
    outcome: str | None = None,
    follow_up: str | None = None,
    metric: str | None = None,
    score: int | None = None,
    actor: str | None = None,
) -> Logged:
    """Record an interaction with `contact`, and its follow-up task if `follow_up` is given."""
    checks = validate.Checks()  # every invalid value reported at once, before any write
    interaction = Interaction(
        contact_id=contact.id,
        kind=checks(validate.choice, kind, ALL_INTERACTION_KINDS, "interaction kind", field="kind"),
        direction=checks(validate.choice, direction, DIRECTIONS, "direction")
        if direction
        else None,
        occurred_at=checks(occurred_at, when, about="when"),
        summary=checks(validate.text, summary, "summary", required=True, max_len=500),
        body=checks(validate.text, body, "body", max_len=100_000),
        duration_min=checks(validate.positive_int, duration, "duration", validate.MAX_DURATION_MIN),
        outcome=checks(validate.text, outcome, "outcome", max_len=200),
        metric=metric,
        score=score,
        logged_by=actor,
    )
    follow = checks(dates.parse_when, follow_up, field="follow_up") if follow_up else None
    checks.done()
    session.add(interaction)
    session.flush()
    task = None
    if follow is not None:
        task = add_task(
            session,
            f"Follow up: {interaction.summary}",
            due=follow,
            contact=contact,
            owner=contact.owner or actor,
            actor=actor,
        )
    return Logged(interaction, task)


def list_interactions(
    session: Session,
    *,
    contact: Contact | None = None,
    kind: str | None = None,
    since: str | None = None,
    until: str | None = None,
    logged_by: str | None = None,
    limit: int | None = None,
) -> list[tuple[Interaction, str]]:
    """Interactions newest first, with their contact's name. `until` is inclusive of its day."""
    stmt = select(Interaction, Contact.name).join(Contact, Interaction.contact_id == Contact.id)
    if contact is not None:
        stmt = stmt.where(Interaction.contact_id == contact.id)
    if kind:
        stmt = stmt.where(
            Interaction.kind == validate.choice(kind, ALL_INTERACTION_KINDS, "interaction kind")
        )
    start, end = period(since, until)
    if start is not None:
        stmt = stmt.where(Interaction.occurred_at >= start)
    if end is not None:
        stmt = stmt.where(Interaction.occurred_at < end)
    if logged_by:
        stmt = stmt.where(owners.condition(session, Interaction.logged_by, logged_by))
    stmt = stmt.order_by(col(Interaction.occurred_at).desc(), col(Interaction.id).desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(i, name) for i, name in session.exec(stmt).all()]


def period(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    """[start, end) from `--since`/`--until`; a date-only `until` includes that whole day."""
    start = dates.parse_when(since, backwards=True, field="since").at if since else None
    end = None
    if until:
        u = dates.parse_when(until, backwards=True, field="until")
        end = u.at if u.has_time else dates.day_bounds(u.local_date)[1]
    if start is not None and end is not None and start >= end:
        raise Invalid("--since must be before --until")
    return start, end


# -- changes ------------------------------------------------------------------------------------


def get_interaction(session: Session, ref: str | int) -> Interaction:
    """The interaction with id `ref` (as `interactions` lists it): `refs.interaction`, the
    one id rule of every record (ASCII digits, within the database's integers)."""
    from termcrm.services import refs

    return refs.interaction(session, ref)


def edit_interaction(
    session: Session,
    interaction: Interaction,
    *,
    kind: str | None = None,
    summary: str | None = None,
    when: str | None = None,
    body: str | None = None,
    direction: str | None = None,
    duration: str | None = None,
    outcome: str | None = None,
    contact: Contact | None = None,
) -> Interaction:
    """Change the given fields; `""` clears the body, direction, duration and outcome.

    A survey answer stays a survey (its score belongs to `log survey`), and no other
    interaction becomes one.
    """
    if kind is not None:
        if "survey" in (interaction.kind, kind.strip().lower()):
            raise Invalid("A survey answer stays a survey; log a new one instead", "kind")
        interaction.kind = validate.choice(kind, INTERACTION_KINDS, "interaction kind")
    if summary is not None:
        interaction.summary = validate.text(summary, "summary", required=True, max_len=500)
    if when is not None:
        if not when.strip():
            raise Invalid("When must not be empty", "when")
        interaction.occurred_at = occurred_at(when)
    if body is not None:
        interaction.body = validate.text(body, "body", max_len=100_000)
    if direction is not None:
        interaction.direction = (
            validate.choice(direction, DIRECTIONS, "direction") if direction.strip() else None
        )
    if duration is not None:
        interaction.duration_min = (
            validate.positive_int(duration, "duration") if duration.strip() else None
        )
    if outcome is not None:
        interaction.outcome = validate.text(outcome, "outcome", max_len=200)
    if contact is not None:
        interaction.contact_id = contact.id
    interaction.updated_at = dates.now()
    session.add(interaction)
    session.flush()
    return interaction


def delete_interaction(session: Session, interaction: Interaction, actor: str | None = None):
    """Move an interaction to the trash; returns its trash entry."""
    from termcrm.services import trash

    label = f"#{interaction.id} {interaction.kind}: {interaction.summary}"
    return trash.move_to_trash(session, "interaction", interaction.id, label, actor)
