"""`termcrm report`: the KPIs of a period, compared with the period before."""

from __future__ import annotations

import typer

from termcrm.cli._context import state
from termcrm.cli._options import JsonOpt, MineOpt, OwnerFilterOpt, SinceOpt, UntilOpt
from termcrm.cli._output import out


def report(
    since: SinceOpt = None,
    until: UntilOpt = None,
    owner: OwnerFilterOpt = None,
    mine: MineOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Show the KPIs (pipeline, sales, leads, customers, satisfaction, service, activity).

    Default period: the last 30 days; every figure is compared with the previous period of
    the same length. Formulas: docs/kpis.md.

    Example: crm report --since 2026-10-01 --until 2026-10-31 --owner alice --json
    """
    from termcrm.services import kpis

    period = kpis.resolve_period(since, until)  # bad dates fail before the database opens
    st = state()
    who = st.owner_filter(owner, mine)
    with st.store().read() as s:
        data = kpis.compute(s, since=period.since, until=period.until, owner=who).to_dict()
    if json_:
        out.json(data)
    elif out.is_tty:
        from termcrm.render.kpis import report_view

        out.print(report_view(data))
    else:  # piped: plain, stable text, and no rich layout to pay for
        from termcrm.render.kpis_text import report_text

        out.line(report_text(data))


def register(root: typer.Typer) -> None:
    """Add the top-level `report` command to the root app."""
    root.command("report")(report)
