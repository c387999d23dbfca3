"""Text analysis shared by indexing and querying: lower case, French stemming, accent folding.

Words are stemmed with the Snowball French stemmer (the algorithm PostgreSQL's french_stem
uses) before accents are folded, so "héberge", "hébergement" and "hebergement" meet on
"heberg". SQLite's FTS5 has no French stemmer, hence this module.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"\w+", re.UNICODE)
STOP_WORDS = frozenset(
    """
    a au aux avec ce ces dans de des du elle en et est il ils je la le les leur lui ma mais me
    meme mes mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes
    toi ton tu un une vos votre vous c d j l m n s t y
    an and are as at be by for from in into is it of on or the their this to with
    """.split()  # noqa: SIM905
)
_stemmer = snowballstemmer.stemmer("french")


def fold(text: str) -> str:
    """Lower case without diacritics: "Évènement" -> "evenement"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """The indexed form of one word: stemmed, then folded."""
    word = word.lower()
    return fold(_stemmer.stemWord(word)) if len(word) > 3 else fold(word)


def words(text: str) -> list[str]:
    return WORD.findall(text or "")


def analyse(text: str) -> list[str]:
    """The terms of a text, stop words left out."""
    return [term(w) for w in words(text) if fold(w) not in STOP_WORDS]


def name_key(text: str) -> str:
    """A name reduced to its folded words: "Jitsi-Meet" and "jitsi meet" give "jitsi meet"."""
    return " ".join(fold(w) for w in words(text))


def analysed_text(*texts: str) -> str:
    return " ".join(" ".join(analyse(text)) for text in texts if text)
