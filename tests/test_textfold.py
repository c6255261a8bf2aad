"""The one text normalisation: the same key on every engine and in every shell."""

import pytest

from termcrm.errors import Invalid
from termcrm.textfold import fold, search_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("JÜRGEN@example.com", "jürgen@example.com"),
        ("Ünal", "ünal"),
        ("STRASSE", "straße"),
        ("  Ada ", "ada"),
        ("ﬁle", "file"),  # NFKC: the ligature is two letters
    ],
)
def test_fold_makes_one_key(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_fold_keeps_accents_apart() -> None:
    assert fold("zoë") != fold("zoe")


@pytest.mark.parametrize(
    ("text", "key"), [("Zoë Ölstad", "zoe olstad"), ("Ünal", "unal"), ("Søren", "søren")]
)
def test_search_key_ignores_case_and_accents(text: str, key: str) -> None:
    assert search_key(text) == key


def test_invalid_names_its_field() -> None:
    err = Invalid("'x' is not a date", field="when")
    assert err.field == "when"
    assert err.exit_code == 2
    assert Invalid("plain").field is None
