"""A copy made by export and import keeps the stage history, so the KPI report is the same."""

from __future__ import annotations

import json

KINDS = ("companies", "contacts", "interactions", "deals", "tasks", "cases")


def _copy(crm, tmp_path, fmt: str) -> str:
    other = tmp_path / f"copy-{fmt}.db"
    for kind in KINDS:
        f = tmp_path / f"{kind}.{fmt}"
        f.write_text(crm.ok("export", kind, "--format", fmt), encoding="utf-8")
        crm.ok("--db", other, "import", kind, f)
    return str(other)


def _history(crm, *db):
    deals = crm.json(*db, "deal", "list")
    return [crm.json(*db, "deal", "show", str(d["id"])) for d in deals]


def test_export_then_import_keeps_stage_history_and_the_report(crm, tmp_path):
    crm.ok("contact", "add", "Zoë Ölstad", "--email", "zoe@example.org")
    crm.ok("contact", "add", "Ünal Kaya", "--email", "unal@example.org")
    crm.ok("contact", "edit", "zoe@example.org", "--stage", "prospect")
    crm.ok("contact", "edit", "zoe@example.org", "--stage", "customer")
    crm.ok("contact", "edit", "unal@example.org", "--stage", "prospect")
    crm.ok("deal", "add", "Ölpreis", "--contact", "zoe@example.org", "--value", "1200")
    crm.ok("deal", "add", "Second", "--contact", "unal@example.org", "--value", "300")
    crm.ok("deal", "move", "1", "qualified")
    crm.ok("deal", "won", "1")
    crm.ok("deal", "lost", "2", "--reason", "budget")
    before = crm.json("report", "--since", "2020-01-01")
    assert before["leads"] != {}  # the report reads the stage changes
    for fmt in ("csv", "json"):
        other = _copy(crm, tmp_path, fmt)
        after = crm.json("--db", other, "report", "--since", "2020-01-01")
        assert after == before, fmt
        assert _history(crm, "--db", other) == _history(crm)


def test_stage_history_is_a_column_of_the_contact_and_deal_exports(crm):
    crm.ok("contact", "add", "Zoë Ölstad", "--email", "zoe@example.org")
    crm.ok("contact", "edit", "zoe@example.org", "--stage", "customer")
    (rec,) = json.loads(crm.ok("export", "contacts", "--format", "json"))
    assert [(h["from"], h["to"]) for h in rec["stage_history"]] == [
        (None, "lead"),
        ("lead", "customer"),
    ]
    header = crm.ok("export", "deals").splitlines()[0]
    assert header.endswith("stage_history")


def test_a_broken_stage_history_is_a_bad_row(crm, tmp_path):
    f = tmp_path / "c.csv"
    f.write_text(
        "name,email,stage_history\n"
        'Zoë,zoe@example.org,"[{""from"": null, ""to"": ""nowhere"", ""at"": ""2026-01-01""}]"\n',
        encoding="utf-8",
    )
    r = crm("import", "contacts", f)
    assert r.exit_code == 2
    assert "line 2" in r.stderr and "nowhere" in r.stderr
