"""Quotes and the seed documents they cite: how they are compared, and where they part.

This module owns the comparison of a quote with its document: the normalization
both go through (:func:`normalize_quote`: typographic quotes made straight,
whitespace collapsed) and, when a quote is not found verbatim, the explanation
(:func:`divergence`): the closest passage of the document and the first word
where the quote departs from it. It is pure: text in, text out, no I/O.

The document is untrusted, and so is the quote: everything :func:`divergence`
returns has control characters and bidi controls escaped, and every word shown
is clipped, so the message is safe to print whatever the files hold.

The work is bounded whatever the files hold (see :data:`MAX_DOCUMENT_WORDS`,
:data:`MAX_QUOTE_WORDS` and :data:`MAX_PAIRS`): one linear pass over the
document, at most :data:`MAX_PAIRS` word pairs to find the passage, a fixed-size
alignment around it, and one linear pass over the rest of the quote.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from array import array
from collections import Counter

from timeline.errors import one_line

_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S+")

#: Only a document's first this many words are considered (about 3 MB of prose; a seed
#: is a few KB). Reading them is one linear pass, and this bounds the memory it takes.
MAX_DOCUMENT_WORDS = 500_000

#: The closest passage is sought for the quote's first this many words (a long quote
#: has sixty); the words after them are compared one by one, in one linear pass.
#: The alignment around the passage costs at most
#: ``(MAX_QUOTE_WORDS + 1) * (MAX_QUOTE_WORDS + 2 * _SLACK + 1)`` steps.
MAX_QUOTE_WORDS = 100

#: At most this many (quote word, document word) pairs are looked at to find the passage:
#: a quote of common words against a document of them ("the the the ...") would otherwise
#: be quadratic. The rarest words of the quote are looked up first, so only a hostile file
#: comes near the bound; then the passage is sought among the occurrences looked at.
MAX_PAIRS = 200_000

#: Words the document may have in excess of the quote, or lack, around the passage.
_SLACK = 16
#: Words of the passage shown before the first difference, and from it on.
_BEFORE = 6
_AFTER = 12
#: Characters of one word shown; a longer word is cut with "…".
_WORD_CHARS = 40

#: A quote shorter than this proves nothing: "a" or "." occurs verbatim in any article.
MIN_QUOTE_WORDS = 4
MIN_QUOTE_CHARS = 20


def normalize_quote(text: str) -> str:
    """Text as quotes are compared: in Unicode's composed form (NFC: an accent typed as a
    separate mark equals the accented letter), typographic quotes made straight,
    whitespace collapsed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).translate(_TYPOGRAPHIC)).strip()


def too_short(quote: str) -> str | None:
    """Why ``quote`` is too short to prove anything, or None."""
    text = normalize_quote(quote)
    if len(text.split()) < MIN_QUOTE_WORDS or len(text) < MIN_QUOTE_CHARS:
        return (
            f"is too short to prove anything: a quote has at least {MIN_QUOTE_WORDS} words"
            f" and {MIN_QUOTE_CHARS} characters; quote the sentence that reports the event"
        )
    return None


def divergence(quote: str, document: str) -> str:
    """Where ``quote`` departs from ``document``, for a quote not found in it verbatim.

    The tail of a message: the closest passage of the document (a few words
    around the difference, with its line) and the first word of the quote that
    differs, with what the document has there::

        closest passage (line 13): “… said his nation would back the outgoing Dutch
        leader, in exchange …”; first difference at word 7: the quote has 'Dutch',
        the document has 'outgoing'

    Words are compared as :func:`normalize_quote` makes them; the quote's first
    word may end a document word and its last may begin one, as a verbatim
    quote may. The closest passage is the one reached with the fewest words
    changed, added or left out; among those, the one that agrees longest.
    """
    quote_words = _Words(quote, limit=None)
    doc = _Words(document, limit=MAX_DOCUMENT_WORDS)
    if not quote_words.words:
        return "the quote is empty"
    if not doc.words:
        return "the document is empty"
    aligned = min(len(quote_words.words), MAX_QUOTE_WORDS)
    diagonal = _best_diagonal(quote_words.words[:aligned], doc.words)
    if diagonal is None:
        whose = "the quote" if aligned == len(quote_words.words) else f"the quote's first {aligned}"
        return f"no passage of the document shares a word with {whose}"
    start = _best_start(quote_words.words, aligned, doc.words, diagonal)
    index, position = _first_difference(quote_words.words, doc.words, start)
    lines, passage = _passage(doc, position, document)
    shown = f"closest passage ({lines}): “{passage}”"
    if index == len(quote_words.words):
        return f"{shown}; the quote matches it word for word"
    if position < len(doc.words):
        there = f"has '{_shown(doc.raw(position, document))}'"
    elif doc.truncated:
        there = f"is not compared beyond its first {len(doc.words)} words"
    else:
        there = "ends"
    return (
        f"{shown}; first difference at word {index + 1}:"
        f" the quote has '{_shown(quote_words.raw(index, quote))}', the document {there}"
    )


class _Words:
    """The words of a text as compared (normalized), and where each starts in the text."""

    def __init__(self, text: str, limit: int | None) -> None:
        # The translation keeps lengths and whitespace: a word's span is the same in the text.
        found = _WORD.finditer(text.translate(_TYPOGRAPHIC))
        if limit is not None:
            found = itertools.islice(found, limit + 1)
        self.words: list[str] = []
        self.starts: array[int] = array("q")
        self.ends: array[int] = array("q")
        for match in found:
            self.words.append(unicodedata.normalize("NFC", match.group()))
            self.starts.append(match.start())
            self.ends.append(match.end())
        self.truncated = False
        if limit is not None and len(self.words) > limit:
            self.truncated = True
            del self.words[limit:], self.starts[limit:], self.ends[limit:]

    def raw(self, index: int, text: str) -> str:
        """Word ``index`` as the text has it (typographic quotes and all)."""
        return text[self.starts[index] : self.ends[index]]

    def line(self, index: int, text: str) -> int:
        return text.count("\n", 0, self.starts[index]) + 1


def _matches(quote: list[str], index: int, word: str) -> bool:
    """Whether quote word ``index`` agrees with the document's ``word``.

    A verbatim quote may start inside a word and end inside one ("leader" of
    "leader,”"), so its first word need only end the document's word and its last
    begin it.
    """
    mine = quote[index]
    first, last = index == 0, index == len(quote) - 1
    if first and last:
        return mine in word
    if first:
        return word.endswith(mine)
    if last:
        return word.startswith(mine)
    return mine == word


def _best_diagonal(quote: list[str], doc: list[str]) -> int | None:
    """Where in ``doc`` the quote's first word would be for the most words to agree exactly.

    Each (quote word ``i``, equal document word ``j``) pair votes for the start
    ``j - i``; the most voted start wins, the earliest of equals. The rarest words
    vote first, and at most :data:`MAX_PAIRS` pairs vote. None: no word in common.
    """
    occurrences: dict[str, list[int]] = {word: [] for word in quote}
    for position, word in enumerate(doc):
        found = occurrences.get(word)
        if found is not None and len(found) < MAX_PAIRS:
            found.append(position)
    votes: Counter[int] = Counter()
    budget = MAX_PAIRS
    for index in sorted(range(len(quote)), key=lambda i: len(occurrences[quote[i]])):
        taken = occurrences[quote[index]][:budget]
        votes.update(position - index for position in taken)
        budget -= len(taken)
        if budget <= 0:
            break
    if not votes:
        return None
    return min(votes, key=lambda start: (-votes[start], start))


def _best_start(quote: list[str], aligned: int, doc: list[str], diagonal: int) -> int:
    """The document position where the closest passage starts, near ``diagonal``.

    An edit distance over words, from each start in a window around ``diagonal``
    to the end of the quote's first ``aligned`` words (the document's words before
    and after the passage are free). The best start costs the fewest edits; then
    agrees longest before its first difference; then has a changed word there
    rather than a word too many or too few; then comes first.
    """
    low = max(0, diagonal - _SLACK)
    high = min(len(doc), diagonal + aligned + _SLACK)
    width = high - low
    # cost[i][k]: the fewest edits aligning quote[i:aligned] with the document from low + k.
    cost = [[0] * (width + 1) for _ in range(aligned + 1)]
    for i in range(aligned - 1, -1, -1):
        row, below = cost[i], cost[i + 1]
        row[width] = aligned - i  # the window ends: the rest of the quote is left out
        for k in range(width - 1, -1, -1):
            changed = below[k + 1] + (0 if _matches(quote, i, doc[low + k]) else 1)
            row[k] = min(changed, below[k] + 1, row[k + 1] + 1)
    keys = []
    for k in range(width):
        agreed = 0
        while agreed < aligned and k + agreed < width:
            if not _matches(quote, agreed, doc[low + k + agreed]):
                break
            agreed += 1
        at = k + agreed
        changed = (
            agreed < aligned and at < width and cost[agreed][at] == cost[agreed + 1][at + 1] + 1
        )
        keys.append((cost[0][k], -agreed, 0 if changed else 1, k))
    return low + min(keys)[3]  # the window holds the diagonal's agreeing words: not empty


def _first_difference(quote: list[str], doc: list[str], start: int) -> tuple[int, int]:
    """The first quote word that differs from the document read from ``start``, and the
    document position it meets there (``len(doc)``: the document ends first)."""
    index = 0
    while index < len(quote) and start + index < len(doc):
        if not _matches(quote, index, doc[start + index]):
            break
        index += 1
    return index, start + index


def _passage(doc: _Words, position: int, text: str) -> tuple[str, str]:
    """The line(s) and words of the document shown around ``position``."""
    low = max(0, position - _BEFORE)
    high = min(len(doc.words), position + _AFTER)
    first, last = doc.line(low, text), doc.line(high - 1, text)
    lines = f"line {first}" if first == last else f"lines {first}–{last}"
    words = " ".join(_shown(doc.raw(index, text)) for index in range(low, high))
    before = "… " if low > 0 else ""
    after = " …" if high < len(doc.words) or doc.truncated else ""
    return lines, f"{before}{words}{after}"


def _shown(word: str) -> str:
    """A word as a message shows it: clipped, with control and bidi characters escaped."""
    if len(word) > _WORD_CHARS:
        word = word[:_WORD_CHARS] + "…"
    return one_line(word)  # as every problem message is escaped
