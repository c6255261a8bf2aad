"""The fast vCard 3.0/4.0 reader (`formats.vcard_lines`) against vobject: the same rows for
every card vobject reads whole, and every character of the values vobject cuts short."""

from __future__ import annotations

from pathlib import Path

import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from termcrm.services.transfer.formats import vcard_lines, vcard_props
from termcrm.services.transfer.formats.vcard import _blocks

FIXTURES = Path(__file__).parent / "fixtures" / "vcard"


def _rows(block: str):
    fast = vcard_lines.parse(block)
    assert fast is not None, "the fast reader left a 3.0/4.0 card to vobject"
    a = vcard_props.card_row(fast, "me", vcard_props.Plan())
    b = vcard_props.card_row(vobject.readOne(block), "me", vcard_props.Plan())
    return a, b


@pytest.mark.parametrize(
    "fixture",
    ["korean.vcf", "photo_v3.vcf", "photo_v4.vcf", "categories.vcf", "tel_value_uri.vcf",
     "altid.vcf", "labels.vcf", "text_bday.vcf"],
)  # fmt: skip
def test_same_rows_as_vobject_for_the_fixtures(fixture):
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    for _line, block, problem in _blocks(text):
        assert problem is None
        a, b = _rows(block)
        assert (a.values, a.tags, a.custom) == (b.values, b.tags, b.custom)


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\n\x85")
    | st.sampled_from([";", ",", "\\", ":", '"', "\n", "é", "최"]),
    max_size=30,
).map(str.strip)


@settings(max_examples=150, deadline=None)
@given(fn=_text, note=_text, org=_text, unit=_text, family=_text, given_=_text, tags=st.lists(_text, max_size=3), street=_text)  # fmt: skip
def test_same_rows_as_vobject_for_cards_vobject_wrote(fn, note, org, unit, family, given_, tags, street):  # fmt: skip
    card = vobject.vCard()
    card.add("fn").value = fn or "x"
    card.add("n").value = vobject.vcard.Name(family=family, given=given_)
    card.add("org").value = [org or "o", unit]
    card.add("adr").value = vobject.vcard.Address(street=street, city="Köln")
    tel = card.add("tel")
    tel.value = "+49 1"
    tel.params["TYPE"] = ["CELL", "PREF"]
    if tags := [t for t in tags if t and "," not in t]:
        card.add("categories").value = tags
    block = card.serialize()
    if "," in (fn + note) or "\n" in fn:  # vobject keeps only the first of comma parts
        return
    if note:
        card.add("note").value = note
        block = card.serialize()
    a, b = _rows(block)
    assert (a.values, a.tags, a.custom) == (b.values, b.tags, b.custom)


def test_unescaped_commas_keep_the_whole_value(crm, tmp_path):
    """vobject reads `FN:Smith, John` as "Smith": address books write such commas."""
    f = tmp_path / "commas.vcf"
    f.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Smith, John\r\nNOTE:call back, urgent; really\r\n"
        "TITLE:CEO, Founder\r\nX-THING:a,b\\,c\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    crm.ok("import", "contacts", f)
    (c,) = crm.json("contact", "list")
    assert c["name"] == "Smith, John"
    assert (c["notes"], c["title"]) == ("call back, urgent; really", "CEO, Founder")
    assert c["fields"] == {"X-THING": "a,b,c"}


@pytest.mark.parametrize(
    "block",
    [
        # vCard 2.1 with quoted-printable: vobject decodes it
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=96l;Zo=C3=AB\r\nEND:VCARD\r\n",
        # an encoded value termcrm keeps
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nX-KEY;ENCODING=b:aGk=\r\nEND:VCARD\r\n",
        # a line the reader cannot split: vobject says what is wrong
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nNO COLON\r\nEND:VCARD\r\n",
        # a card inside a card
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nAGENT:\r\nBEGIN:VCARD\r\nFN:B\r\nEND:VCARD\r\nEND:VCARD\r\n",
    ],
)
def test_cards_left_to_vobject(block):
    assert vcard_lines.parse(block) is None


def test_a_photo_card_stays_on_the_fast_path():
    block = (FIXTURES / "photo_v3.vcf").read_text(encoding="utf-8")
    card = vcard_lines.parse(block)
    assert card is not None
    assert [p.name for p in card.getChildren()] == ["VERSION", "UID", "FN", "EMAIL", "PHOTO"]
