"""Where a quote departs from its seed document: ``timeline.model.quotes``."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.model import quotes
from timeline.model.events import Citation
from timeline.model.quotes import divergence, normalize_quote
from timeline.storage.reading import SeedCache

from helpers import REPO

SEED = (REPO / "seeds" / "003_30db4212d268332d.txt").read_text(encoding="utf-8")

DIFFERENCE = re.compile(
    r"first difference at word (\d+): the quote has '(.*)', the document has '(.*)'$"
)
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def test_a_changed_word_is_named_with_the_passage_around_it() -> None:
    quote = "“In light of his pledge, Hungary is willing to support PM Rutte’s bid"
    assert (
        "closest passage (line 11): “… light of his pledge, Hungary is ready to support PM"
        " Rutte’s bid for Nato secretary general,” Mr Orban …”; first difference at word 8:"
        " the quote has 'willing', the document has 'ready'"
    ) == divergence(quote, SEED)


def test_a_word_the_quote_lacks_is_named() -> None:
    quote = "said his nation would back the Dutch leader, in exchange"
    assert (
        "closest passage (line 13): “… said his nation would back the outgoing Dutch leader,"
        " in exchange for assurances that Nato would protect Slovak …”; first difference at"
        " word 7: the quote has 'Dutch', the document has 'outgoing'"
    ) == divergence(quote, SEED)


def test_a_word_the_document_lacks_is_named_with_what_the_document_has_there() -> None:
    quote = "said his nation would firmly back the outgoing Dutch leader"
    assert divergence(quote, SEED).endswith(
        "first difference at word 5: the quote has 'firmly', the document has 'back'"
    )


def test_the_first_word_may_differ() -> None:
    message = divergence("Sir Rutte needs to secure unanimous support among Nato’s", SEED)
    assert message.endswith(
        "first difference at word 1: the quote has 'Sir', the document has 'Mr'"
    )
    assert "… handover of military equipment to Ukraine. Mr Rutte needs to secure" in message


def test_a_quote_that_starts_before_the_document_does() -> None:
    message = divergence("Breaking: Netherlands leader Rutte poised", SEED)
    assert message.startswith("closest passage (lines 1–3): “Netherlands leader Rutte poised")
    assert message.endswith(
        "first difference at word 1: the quote has 'Breaking:', the document has 'Netherlands'"
    )


def test_a_quote_that_runs_past_the_end_of_the_document() -> None:
    assert (
        "closest passage (line 24): “… them at their meeting. – Bloomberg”; first difference"
        " at word 5: the quote has 'reported', the document ends"
    ) == divergence("their meeting. – Bloomberg reported", SEED)


def test_a_quote_may_start_and_end_inside_words_as_a_verbatim_quote_may() -> None:
    """ "ident" ends "president" and "capit" begins "capital": only "Pellegrino" differs."""
    quote = "ident Peter Pellegrino, who also spoke in the Belgian capit"
    assert divergence(quote, SEED).endswith(
        "first difference at word 3: the quote has 'Pellegrino,', the document has 'Pellegrini,'"
    )


def test_typographic_quotes_compare_as_straight_ones_and_show_as_written() -> None:
    message = divergence("Hungary is ready to support PM Rutte's bid for the Nato", SEED)
    assert "PM Rutte’s bid for Nato" in message
    assert message.endswith(
        "first difference at word 10: the quote has 'the', the document has 'Nato'"
    )


def test_no_word_in_common() -> None:
    assert "no passage of the document shares a word with the quote" == divergence(
        "zebra quantum xylophone", SEED
    )


@pytest.mark.parametrize("document", ["", " \n\t\n "])
def test_an_empty_document(document: str) -> None:
    assert "the document is empty" == divergence("Mr Rutte", document)


def test_the_passage_names_the_lines_it_spans() -> None:
    document = "one two three\nfour five six\n\nseven eight"
    assert (
        "closest passage (lines 1–4): “one two three four five six seven eight”;"
        " first difference at word 3: the quote has 'FIVE', the document has 'five'"
    ) == divergence("three four FIVE six", document)


def test_control_and_bidi_characters_are_escaped() -> None:
    document = "the vote \x1b[2J was \u202eclose\u202c today \x85 \x9b1m"
    message = divergence("the vote \x1b[2J is \u2066close", document)
    assert (
        "closest passage (line 1): “the vote \\x1b[2J was \\u202eclose\\u202c today \\x9b1m”;"
        " first difference at word 4: the quote has 'is', the document has 'was'"
    ) == message
    assert UNSAFE.search(message) is None


def test_a_long_word_is_clipped() -> None:
    message = divergence("alpha " + "b" * 1000, "alpha " + "c" * 1000)
    assert "the document has '" + "c" * 40 + "…'" in message
    assert len(message) < 400


def test_normalize_quote_straightens_quotes_and_collapses_whitespace() -> None:
    assert "\"It's\" a 'test'" == normalize_quote("  “It’s”\n\ta \u00a0‘test’ \n")


def test_only_the_first_document_words_are_considered() -> None:
    """Past ``MAX_DOCUMENT_WORDS`` the document is not read: the message says so."""
    cap = quotes.MAX_DOCUMENT_WORDS
    document = " ".join(f"w{index}" for index in range(cap + 10))
    message = divergence(f"w{cap - 2} w{cap - 1} w{cap} w{cap + 1}", document)
    assert message.endswith(
        f"first difference at word 3: the quote has 'w{cap}',"
        f" the document is not compared beyond its first {cap} words"
    )


def test_a_quote_longer_than_the_aligned_words_is_compared_to_its_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(quotes, "MAX_QUOTE_WORDS", 5)
    words = [f"w{index}" for index in range(100)]
    quote = [*words[10:50]]
    quote[30] = "changed"
    assert divergence(" ".join(quote), " ".join(words)).endswith(
        "first difference at word 31: the quote has 'changed', the document has 'w40'"
    )


def test_the_rarest_words_find_the_passage_within_the_pair_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two pairs are enough: "quick" and "brown" occur once; "the" is never looked up."""
    monkeypatch.setattr(quotes, "MAX_PAIRS", 2)
    document = "the " * 500 + "\nthe quick brown the fox\n" + "the " * 500
    assert divergence("the quick brown the dog", document).endswith(
        "first difference at word 5: the quote has 'dog', the document has 'fox'"
    )


def test_a_quote_of_common_words_is_answered_within_the_pair_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(quotes, "MAX_PAIRS", 3)
    assert divergence("the the the zzz", "the " * 10_000).endswith(
        "first difference at word 4: the quote has 'zzz', the document has 'the'"
    )


# Documents of words that repeat often (a small alphabet), and replacements that can
# be no part of a document word (letters the documents never use).
_DOC_WORDS = st.text(alphabet="ab’'", min_size=1, max_size=3)
_NEW_WORDS = st.text(alphabet="xyz", min_size=1, max_size=3)
_SEPARATORS = st.sampled_from([" ", "  ", "\n", "\n\n", "\t"])


@given(st.data())
def test_one_replaced_word_is_named_with_the_document_word_it_replaced(
    data: st.DataObject,
) -> None:
    """Replacing the word the message names by the document's word makes the quote
    verbatim; and the word is the replaced one. (Several passages may be closest:
    the document's words repeat.)"""
    words = data.draw(st.lists(_DOC_WORDS, min_size=2, max_size=60))
    separators = data.draw(st.lists(_SEPARATORS, min_size=len(words), max_size=len(words)))
    document = "".join(w + s for w, s in zip(words, separators, strict=True))
    start = data.draw(st.integers(0, len(words) - 2))
    length = data.draw(st.integers(2, len(words) - start))
    index = data.draw(st.integers(0, length - 1))
    new = data.draw(_NEW_WORDS)
    quote = words[start : start + length]
    quote[index] = new

    found = DIFFERENCE.search(divergence(" ".join(quote), document))

    assert found is not None
    assert (str(index + 1), new) == (found[1], found[2])
    quote[index] = found[3]
    assert normalize_quote(" ".join(quote)) in normalize_quote(document)


@given(st.text(), st.text())
def test_any_text_gives_a_printable_answer(quote: str, document: str) -> None:
    assert UNSAFE.search(divergence(quote, document)) is None


@pytest.mark.parametrize("quote", ["a", ".", "Rutte", "Hungary is ready", "a b c d"])
def test_a_quote_too_short_to_prove_anything_is_refused(quote: str) -> None:
    """One character "occurs verbatim" in any seed: a quote needs 4 words, 20 characters."""
    seeds = SeedCache(REPO)
    document = "seeds/003_30db4212d268332d.txt"
    problems = list(seeds.check(Citation(document=document, quote=quote)))
    assert [("quote", quotes.too_short(quote))] == problems
    assert "at least 4 words and 20 characters" in str(quotes.too_short(quote))
    assert quotes.too_short("Hungary is ready to support") is None
    url = Citation(url="https://example.org/", publisher="Example", quote=quote)
    assert [("quote", quotes.too_short(quote))] == list(seeds.check(url))


_LETTERS = st.characters(
    whitelist_categories=("Lu", "Ll", "Mn"), max_codepoint=0x17F
) | st.sampled_from("éèñçåøšžıİ ")


@given(st.text(_LETTERS, min_size=1, max_size=80), st.data())
def test_text_in_another_unicode_normalization_is_the_same_text(
    document: str, data: st.DataObject
) -> None:
    """An article saved decomposed (NFD: "e" then a combining accent) and a quote typed
    composed (NFC), or the other way round, compare equal."""
    composed = unicodedata.normalize("NFC", document)
    start = data.draw(st.integers(0, len(composed)))
    end = data.draw(st.integers(start, len(composed)))
    quote = composed[start:end]
    for form in ("NFC", "NFD"):
        stored = unicodedata.normalize(form, document)
        assert normalize_quote(unicodedata.normalize("NFD", quote)) in normalize_quote(stored)


def test_a_decomposed_quote_is_found_in_a_real_seed(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    text = "Latvia’s Krišjānis Kariņš has said he would be a candidate for the post."
    (tmp_path / "seeds" / "a.txt").write_text(unicodedata.normalize("NFC", text), "utf-8")
    quote = unicodedata.normalize("NFD", "Krišjānis Kariņš has said he would be a candidate")
    assert quote != unicodedata.normalize("NFC", quote)
    citation = Citation(document="seeds/a.txt", quote=quote)
    assert [] == list(SeedCache(tmp_path).check(citation))
