"""Export then import into an empty database gives back the same records (hypothesis)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KINDS = ("companies", "contacts", "interactions", "deals", "tasks", "cases")

awkward = st.sampled_from(
    [
        '"',
        ",",
        "\n",
        "\r\n",
        ";",
        "=",
        "+",
        "-",
        "@",
        "'",
        "\t",
        " ",
        "é",
        "中",
        "ß",
        "👋",
        "[",
        "{",
    ]
)
text = st.lists(
    st.one_of(awkward, st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"))),
    max_size=12,
).map("".join)
name = text.filter(lambda s: s.strip() != "")
field_key = st.from_regex(r"[A-Za-z0-9_.\- ]{1,12}", fullmatch=True).filter(lambda s: s.strip())

contact = st.fixed_dictionaries(
    {
        "name": name,
        "phone": st.one_of(st.just("+49 30 1234"), st.just("=1+2"), st.just("-5"), text),
        "company": st.one_of(st.none(), st.sampled_from(["ACME, Inc.", '"Q" Ltd', "=cmd|x"])),
        "title": text,
        "tags": st.lists(name, max_size=3),
        "stage": st.sampled_from(["lead", "prospect", "customer", "churned"]),
        "source": text,
        "owner": st.one_of(st.none(), text),
        "notes": text,
        "fields": st.dictionaries(field_key, text.filter(lambda s: s != ""), max_size=3),
        "has_email": st.booleans(),
    }
)


def _export_all(store) -> dict[str, str]:
    from termcrm.services.transfer import export as exporter

    out = {}
    with store.read() as s:
        for kind in KINDS:
            buf = io.StringIO()
            exporter.export(s, kind, buf, "csv")
            out[kind] = buf.getvalue()
            buf = io.StringIO()
            exporter.export(s, kind, buf, "json")
            out[kind + ".json"] = buf.getvalue()
    return out


def _fill(store, people: list[dict]) -> None:
    from termcrm import dates
    from termcrm.services import contacts, tasks
    from termcrm.store.models import Case, Deal, Interaction

    with store.write() as s:
        made = []
        for i, p in enumerate(people):
            made.append(
                contacts.add_contact(
                    s,
                    p["name"],
                    email=f"p{i}.x@example.com" if p["has_email"] else None,
                    phone=p["phone"],
                    company=p["company"],
                    title=p["title"],
                    tags=p["tags"],
                    stage=p["stage"],
                    source=p["source"],
                    owner=p["owner"],
                    notes=p["notes"],
                    fields=p["fields"],
                    actor="tester",
                )
            )
        first = made[0]
        at = dates.now()
        s.add(
            Interaction(
                contact_id=first.id, kind="call", occurred_at=at, summary=first.name,
                body=first.notes, direction="out", duration_min=5,
            )
        )  # fmt: skip
        s.add(
            Deal(
                title=first.name, contact_id=first.id, value_minor=123456,
                currency="USD", stage="won", closed_at=at, owner=first.owner,
            )
        )  # fmt: skip
        s.flush()
        tasks.add_task(s, made[-1].name, due="2026-11-20 09:30", contact=made[-1])
        s.add(Case(contact_id=made[-1].id, subject=made[-1].name, priority="urgent"))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(contact, min_size=1, max_size=4))
def test_export_then_import_into_an_empty_database_gives_back_the_same(people, crm_env):
    from termcrm.services.transfer import pipeline as importer
    from termcrm.store.engine import open_store

    with tempfile.TemporaryDirectory(dir=crm_env) as tmp:
        src = open_store(str(Path(tmp) / "a.db"))
        _fill(src, people)
        first = _export_all(src)
        src.close()
        dst = open_store(str(Path(tmp) / "b.db"))
        for kind in KINDS:
            f = Path(tmp) / f"{kind}.csv"
            f.write_text(first[kind], encoding="utf-8")
            importer.import_file(dst, kind, f, actor="someone-else")
        second = _export_all(dst)
        dst.close()
    for kind in KINDS:
        assert second[kind] == first[kind], kind
        assert second[kind + ".json"] == first[kind + ".json"], kind


def test_json_export_imports_back_the_same(crm, tmp_path):
    crm.ok("contact", "add", "Ada", "--email", "a@x.org", "--tag", "x;y", "--field", "k=+1")
    crm.ok("contact", "add", "Bob", "--company", "=ACME")
    f = tmp_path / "c.json"
    f.write_text(crm.ok("export", "contacts", "--format", "json"), encoding="utf-8")
    other = tmp_path / "b.db"
    assert "2 created" in crm.ok("--db", other, "import", "contacts", f)
    assert crm.json("--db", other, "contact", "list") == crm.json("contact", "list")
    assert "0 created, 0 updated, 2 skipped" in crm.ok("--db", other, "import", "contacts", f)


def test_tags_that_look_like_google_labels_survive_a_csv_round_trip(crm, tmp_path):
    """Google marks system labels with "* " and puts everyone in "myContacts"; in termcrm's
    own export those are the user's tags, and importing the file must keep them."""
    crm.ok(
        "contact", "add", "Ada", "--email", "a@x.org", "--tag", "* starred", "--tag", "myContacts"
    )
    f = tmp_path / "c.csv"
    f.write_text(crm.ok("export", "contacts"), encoding="utf-8")
    other = tmp_path / "b.db"
    crm.ok("--db", other, "import", "contacts", f)
    [ada] = crm.json("--db", other, "contact", "list")
    assert sorted(ada["tags"]) == ["* starred", "myContacts"]
