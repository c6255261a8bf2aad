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


def _full_fold(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text).casefold().strip()


def _full_search_key(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", _full_fold(text))
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", kept)


@pytest.mark.parametrize("code", range(128))
def test_the_ascii_shortcut_is_the_full_rule(code: int) -> None:
    """`fold` and `search_key` skip `unicodedata` for ASCII text (`remind` on every new
    shell, the search's per-row key): the same answer as the full rule, for every character
    alone and inside a word with spaces around it."""
    for text in (chr(code), f"  Ab{chr(code)}Z \t", f"{chr(code)}{chr(code)}"):
        assert fold(text) == _full_fold(text)
        assert search_key(text) == _full_search_key(text)
