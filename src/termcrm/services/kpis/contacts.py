"""Lead and customer figures: new leads, conversions, customers, churn."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select

from termcrm.services.kpis._base import (
    AFTER,
    CUR,
    PREV,
    ratio,
    where,
)
from termcrm.store.models import (
    Contact,
    ContactStageChange,
)


@dataclass(frozen=True)
class _ContactFigures:
    """Of one bucket: changes out of 'customer' and into it, contacts that churned, became
    a lead, became a lead and then a customer, became a customer (new ones), and of those,
    the ones still customers at the bucket's end."""

    left: int = 0
    entered: int = 0
    churned: int = 0
    new_leads: int = 0
    converted: int = 0
    new_customers: int = 0
    new_still_customers: int = 0


class ContactFigures:
    """Lead and customer figures: new leads, conversions, customers, churn."""

    def _owned_contact(self, stmt, contact_id):
        if not self.owner:
            return stmt
        return stmt.join(Contact, Contact.id == contact_id).where(self._owned(Contact.owner))

    def _customers_now(self) -> int:
        stmt = where(
            select(func.count()).select_from(Contact),
            Contact.stage == "customer",
            self._owned(Contact.owner),
        )
        return self._once("customers_now", lambda: self.s.execute(stmt).scalar_one())

    def _contact_figures(self) -> dict[int, _ContactFigures]:
        """The contact figures of each bucket, from one range read of the stage changes
        since `lo` on the covering index on `changed_at`: only the changes into 'lead' or
        'customer' or out of 'customer' (their bucket computed in SQL, so no timestamp is
        parsed). Plain loops over them are cheaper here than SQLite grouping them.

        The history is a chain, so a contact entering 'customer' was none at the bucket's
        start unless it left 'customer' earlier in the bucket (to leave it after the start
        without having been one, it would have entered it first), and whether it is one at
        the end is told by the latest of these changes.
        """

        def load():
            c = ContactStageChange
            stmt = self._owned_contact(
                select(c.contact_id, self._bucket(c.changed_at), c.from_stage, c.to_stage),
                c.contact_id,
            )
            stmt = stmt.where(
                c.changed_at >= self.first,
                or_(c.from_stage == "customer", c.to_stage.in_(("customer", "lead"))),
            ).order_by(c.changed_at, c.id)
            left, entered = [0, 0, 0], [0, 0, 0]
            leavers: tuple[set, ...] = (set(), set(), set())
            churned: tuple[set, ...] = (set(), set(), set())
            leads: tuple[set, ...] = (set(), set(), set())
            converted: tuple[set, ...] = (set(), set(), set())
            #: new customers -> whether they are customers after the latest change
            new: tuple[dict, ...] = ({}, {}, {})
            for rid, b, frm, to in self.s.execute(stmt).all():  # in time order
                if frm == "customer":
                    left[b] += 1
                    leavers[b].add(rid)
                    if to == "churned":
                        churned[b].add(rid)
                    if rid in new[b]:
                        new[b][rid] = False
                if to == "customer":
                    entered[b] += 1
                    if rid in new[b] or rid not in leavers[b]:
                        new[b][rid] = True
                    if rid in leads[b]:
                        converted[b].add(rid)
                elif to == "lead":
                    leads[b].add(rid)
            return {
                b: _ContactFigures(
                    left=left[b],
                    entered=entered[b],
                    churned=len(churned[b]),
                    new_leads=len(leads[b]),
                    converted=len(converted[b]),
                    new_customers=len(new[b]),
                    new_still_customers=sum(new[b].values()),
                )
                for b in (PREV, CUR, AFTER)
            }

        return self._once("contact_figures", load)

    def _customers_at(self, k: int) -> int:
        """How many contacts are customers at the start of bucket k: now, with the changes
        since then undone."""
        total = self._customers_now()
        for b in range(k, AFTER + 1):
            figures = self._contact_figures()[b]
            total += figures.left - figures.entered
        return total

    def leads(self, k: int) -> dict[str, Any]:
        figures = self._contact_figures()[k]
        return {
            "new_leads": figures.new_leads,
            "converted": figures.converted,
            "conversion_rate": ratio(figures.converted, figures.new_leads),
        }

    def customers(self, k: int) -> dict[str, Any]:
        start, end = self._customers_at(k), self._customers_at(k + 1)
        figures = self._contact_figures()[k]
        return {
            "customers_at_start": start,
            "customers_at_end": end,
            "new_customers": figures.new_customers,
            "churned_customers": figures.churned,
            "retention_rate": ratio(end - figures.new_still_customers, start),
            **self._clv(k),
        }
