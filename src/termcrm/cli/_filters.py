"""The contact filter options (`contact list`, `export contacts`, `segment save`), declared
once, and the one `ContactQuery` they make: `@contact_filters()` adds them all to a command,
which receives the query as `query`. The filters themselves live in services."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from termcrm.cli._options import ContactStageOpt, MineOpt, OwnerFilterOpt

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


#: the filter options in the order `--help` lists them: (parameter, type, default)
FILTERS: list[tuple[str, Any, Any]] = [
    ("search", SearchOpt, None),
    ("tag", TagsOpt, None),
    ("any_tag", AnyTagOpt, None),
    ("no_tag", NoTagOpt, None),
    ("company", CompanyFilterOpt, None),
    ("stage", ContactStageOpt, None),
    ("owner", OwnerFilterOpt, None),
    ("mine", MineOpt, False),
    ("field", FieldFilterOpt, None),
    ("contacted_before", BeforeOpt, None),
    ("contacted_after", AfterOpt, None),
    ("never_contacted", NeverOpt, False),
    ("has_open_deal", OpenDealOpt, False),
    ("deal_value_above", ValueOpt, None),
    ("nps", NpsOpt, None),
    ("consent", ConsentOpt, None),
    ("segment", SegmentOpt, None),
]


def contact_filters(*, mine: bool = True, segment: bool = True) -> Callable:
    """Give a command every contact filter option (without `--mine` or `--segment` when
    told) in place of its `query` parameter, which receives their `ContactQuery`."""
    skip = {name for name, wanted in (("mine", mine), ("segment", segment)) if not wanted}
    options = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, kind, default in FILTERS
        if name not in skip
    ]

    def decorate(command: Callable) -> Callable:
        sig = inspect.signature(command, eval_str=True)
        params = list(sig.parameters.values())
        at = [p.name for p in params].index("query")
        params = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for p in (*params[:at], *options, *params[at + 1 :])
        ]

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> Any:
            given = {name: kwargs.pop(name) for name, _, _ in FILTERS if name in kwargs}
            if given.pop("mine", False):  # you, unless --owner names someone too (refused)
                from termcrm.cli._context import state

                given["owner"] = state().owner_filter(given.get("owner"), True)
            return command(query=contact_query(**given), **kwargs)

        wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        del wrapper.__wrapped__  # typer reads the signature above, not the command's
        return wrapper

    return decorate


__all__ = ["ContactStageOpt", "OwnerFilterOpt", "contact_filters", "contact_query"]
