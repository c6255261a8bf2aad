"""The KPI report: every figure of `termcrm report` (and of the TUI dashboard), UI-free.

Entry point: `compute(session, since=..., until=..., owner=None) -> Report`. One module per
section (`pipeline`, `sales`, `contacts`, `satisfaction`, `service`, `activity`), each a
mixin of figures over the shared reads of `_base.Figures`; `report` assembles them. Each figure is
computed for the period [since, until) and for the previous period of the same length
[since - (until - since), since). The formulas are pinned in docs/kpis.md.

How it stays fast on large databases: nothing scans a whole table, and few rows reach
Python. Interactions by kind and week are index range counts on
`ix_interactions_kind_occurred`. The state *as of* a past moment T is the current state
corrected by the stage changes since T: the histories are chains (each change starts where
the previous one ended; a record's history goes with it), so how many deals were in a stage
at T, their value and weighted value are today's plus a telescoping sum over the changes
since T, grouped in SQL into a few dozen rows. The contact figures read only the changes
into 'lead' or 'customer' or out of 'customer' (bucket computed in SQL, no timestamps
parsed). Closed deals, done tasks and resolved cases are aggregated in SQL (durations via
`store.sqlfunc.seconds_between`); the deadline of a date-only task depends on the time zone,
so it is worked out in Python once per distinct due value and passed to the count. The open
pipeline, won value per customer and the stage changes in time order are read from covering
indexes (migration 0003). The cyclic garbage collector is paused while computing.

Conventions: the state "as of T" is the state after every change strictly before T, so the
state at the start of a period plus the changes in it gives the state at its end. Money is
never added across currencies: money figures are `{currency: "decimal string"}`. Rates are
fractions (0..1); a division by zero gives None.
"""

from termcrm.services.kpis.period import DEFAULT_DAYS, Period, resolve_period
from termcrm.services.kpis.report import SECTIONS, Report, compute

__all__ = ["DEFAULT_DAYS", "SECTIONS", "Period", "Report", "compute", "resolve_period"]
