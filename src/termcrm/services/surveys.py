"""Satisfaction surveys: an NPS (0-10) or CSAT (1-5) answer, stored as an interaction.

A survey answer is an `Interaction` of kind `survey` with `metric` (`nps` | `csat`) and
`score`; its summary reads `NPS 9` or `CSAT 4` and an optional comment is its body.
The KPI report (`services/kpis/satisfaction.py`) reads them back.
"""

from __future__ import annotations

from sqlmodel import Session

from termcrm.errors import Invalid
from termcrm.services.interactions import log_interaction
from termcrm.store.models import Contact, Interaction

#: metric -> (lowest, highest) score
SCALES = {"nps": (0, 10), "csat": (1, 5)}


def check_answer(nps: int | None, csat: int | None) -> tuple[str, int]:
    """Exactly one of `nps`/`csat`, within its scale, as (metric, score); else Invalid."""
    given = [(m, s) for m, s in (("nps", nps), ("csat", csat)) if s is not None]
    if len(given) != 1:
        raise Invalid("Give exactly one of --nps 0..10 or --csat 1..5")
    metric, score = given[0]
    low, high = SCALES[metric]
    if not low <= score <= high:
        raise Invalid(
            f"Invalid {metric.upper()} score {score}: a whole number from {low} to {high}"
        )
    return metric, score


def log_survey(
    session: Session,
    contact: Contact,
    *,
    nps: int | None = None,
    csat: int | None = None,
    when: str | None = None,
    comment: str | None = None,
    actor: str | None = None,
) -> Interaction:
    """Record one satisfaction answer of `contact`, now or `when` (as `log` reads `--when`)."""
    metric, score = check_answer(nps, csat)
    return log_interaction(
        session,
        contact,
        "survey",
        f"{metric.upper()} {score}",
        when=when,
        body=comment,
        metric=metric,
        score=score,
        actor=actor,
    ).interaction
