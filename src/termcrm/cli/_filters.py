"""The contact filter options (`contact list`, `export contacts`, `segment save`), declared
once, and the one `ContactQuery` they make. The filters themselves live in services."""

from __future__ import annotations

from typing import Annotated

import typer

from termcrm.cli._options import ContactStageOpt, OwnerFilterOpt

SearchOpt = Annotated[
    str | None, typer.Option("--search", "-s", help="Text in name, email, company or tags.")
]
TagsOpt = Annotated[
    list[str] | None, typer.Option("--tag", "-t", help="Has this tag (repeatable: all of them).")
]
AnyTagOpt = Annotated[
    list[str] | None, typer.Option("--any-tag", help="Has at least one of these tags.")
]
NoTagOpt = Annotated[list[str] | None, typer.Option("--no-tag", help="Has none of these tags.")]
CompanyFilterOpt = Annotated[str | None, typer.Option("--company", help="Only this company's.")]
FieldFilterOpt = Annotated[
    list[str] | None, typer.Option("--field", "-f", help="Custom field KEY=VALUE (repeatable).")
]
BeforeOpt = Annotated[
    str | None,
    typer.Option("--contacted-before", help="Last contact before W ('30d', '2026-01-01')."),
]
AfterOpt = Annotated[
    str | None, typer.Option("--contacted-after", help="Contacted on or after W ('7d', ISO).")
]
NeverOpt = Annotated[bool, typer.Option("--never-contacted", help="No interaction logged.")]
OpenDealOpt = Annotated[bool, typer.Option("--has-open-deal", help="Has an open deal.")]
ValueOpt = Annotated[
    str | None, typer.Option("--deal-value-above", help="Has an open deal worth more than AMOUNT.")
]
NpsOpt = Annotated[
    str | None,
    typer.Option("--nps", help="Latest NPS answer: detractor (0-6), passive (7-8), promoter."),
]
ConsentOpt = Annotated[
    str | None, typer.Option("--consent", help="Has said yes to this consent KIND (marketing).")
]
SegmentOpt = Annotated[str | None, typer.Option("--segment", help="Members of this saved segment.")]


def contact_query(
    *,
    search: str | None = None,
    tag: list[str] | None = None,
    any_tag: list[str] | None = None,
    no_tag: list[str] | None = None,
    company: str | None = None,
    stage: str | None = None,
    owner: str | None = None,
    field: list[str] | None = None,
    contacted_before: str | None = None,
    contacted_after: str | None = None,
    never_contacted: bool = False,
    has_open_deal: bool = False,
    deal_value_above: str | None = None,
    nps: str | None = None,
    consent: str | None = None,
    segment: str | None = None,
):
    """The `ContactQuery` of the options given."""
    from termcrm.services.contacts import parse_fields
    from termcrm.services.search import ContactQuery

    return ContactQuery(
        search=search,
        company=company,
        stage=stage,
        owner=owner,
        tags=tuple(tag or ()),
        any_tags=tuple(any_tag or ()),
        no_tags=tuple(no_tag or ()),
        fields=tuple(parse_fields(field or ()).items()),
        contacted_before=contacted_before,
        contacted_after=contacted_after,
        never_contacted=never_contacted,
        has_open_deal=has_open_deal,
        deal_value_above=deal_value_above,
        nps=nps,
        consent=consent,
        segment=segment,
    )


__all__ = ["ContactStageOpt", "OwnerFilterOpt", "contact_query"]
