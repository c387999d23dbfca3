"""Which CPV codes a free text most likely belongs to: an offering, a lot's description.

BM25 (the `bm25s` library, numpy backend, no scipy) ranks the official labels, French and English
together, against the text. Both sides go through Grappe's own analyser
(`grappe.search.text.analyse`: stop words out, Snowball stems, accents folded), so "Hébergement"
meets "hébergement" and "formations" meets "formation". The index of the 600-odd labels is built
once per process, in well under a second.

Four rules keep the answer useful rather than merely ranked:

- a label must share with the text at least one word that says *what* is bought; the words that
  only say how (service, supply, works, miscellaneous: `GENERIC_WORDS`) score but never qualify
  a label on their own, so "Fourniture de repas" does not suggest "Services de fourniture de
  logiciels";
- a suggestion scores at least `MIN_SCORE`, and at least `RELATIVE_FLOOR` of the best one, so a
  text sharing no word with the labels, or one rare word by chance, gives few or no
  suggestions: "boulangerie pâtisserie artisanale" gives [];
- equal scores go to the more specific code (72212000 before 72210000), then to code order, so
  the answer is the same on every run;
- `SYNONYMS`, a handful of hand-checked expansions, bridges what the official wording misses: it
  says "personnalisés" where people write "sur mesure", "assistance" where they write
  "support", and never "datacentre".

What stays out of reach of a lexical match: a text that names only a product ("GLPI", "Koha")
suggests through its other words, and a word shared by chance still matches ("locaux" meets
"Réseau local").
"""

import logging
from dataclasses import dataclass
from functools import cache

import bm25s
import numpy as np

from grappe.search.text import analyse, words
from grappe.tenders.cpv.hierarchy import level
from grappe.tenders.cpv.labels import LANGUAGES, all_codes, label

# bm25s sets its logger to DEBUG when imported, which logs every index built.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# BM25 parameters. A low b: labels are all short, and a long one is an enumeration ("X, Y and
# Z") that should not lose much to a two-word label.
K1 = 1.2
B = 0.3
# One matching word of average rarity in a short label scores about 2; two words about 4 to 6.
MIN_SCORE = 2.0
# Once a strong match exists, the tail that shares one frequent word with the text is noise.
RELATIVE_FLOOR = 0.35

# Words that say how something is bought, not what: they score, never qualify a label alone.
GENERIC_WORDS = """
    service services prestation prestations fourniture fournitures supply supplies travaux works
    divers diverses miscellaneous connexe connexes related autre autres other marché marchés
    achat achats
"""

# A word of the text -> the words of the official labels it stands for. Each key is one word;
# each entry was checked against the labels and reaches codes the plain word does not (see
# tests/tenders/cpv/test_suggest.py).
SYNONYMS: dict[str, str] = {
    "mesure": "personnalisé custom",  # "sur mesure": the labels say "personnalisés", "custom"
    "custom": "personnalisé",  # the official translation pair, for English texts
    "bespoke": "personnalisé custom",
    "datacentre": "hébergement host",
    "datacenter": "hébergement host",
    "hosting": "hébergement host",  # the label says "site operation host services"
    "cloud": "hébergement host",
    "saas": "services applicatifs application service providers",
    "support": "assistance",  # the French labels render "support services" as "assistance"
    "site": "www",  # "site internet", "site web": the labels say "sites WWW"
    "création": "conception design",  # "création de site", "création graphique"
    "linux": "informatique computer",
}


@dataclass(frozen=True, slots=True)
class Suggestion:
    code: str
    label_fr: str
    label_en: str
    score: float  # BM25 score, rounded to 4 decimals; only comparable within one text
    matched: list[str]  # the words of the text the label contains (or a synonym of), as written


@dataclass(frozen=True, slots=True)
class _Index:
    retriever: bm25s.BM25
    codes: tuple[str, ...]
    terms: tuple[frozenset[str], ...]  # the analysed terms of each label, to say what matched


@cache
def _generic_terms() -> frozenset[str]:
    return frozenset(analyse(GENERIC_WORDS))


@cache
def _synonym_terms() -> dict[str, tuple[str, ...]]:
    return {
        term: tuple(analyse(stands_for))
        for word, stands_for in SYNONYMS.items()
        for term in analyse(word)
    }


@cache
def _index(language: str | None) -> _Index:
    """The BM25 index of the labels in one language, or in both (None)."""
    languages = LANGUAGES if language is None else (language,)
    codes = tuple(all_codes())
    documents = [
        [term for each in languages for term in analyse(label(code, each) or "")] for code in codes
    ]
    retriever = bm25s.BM25(k1=K1, b=B, backend="numpy", csc_backend="numpy")
    retriever.index(documents, show_progress=False)
    return _Index(retriever, codes, tuple(frozenset(document) for document in documents))


def _language(language: str | None) -> str | None:
    """The labels to compare: "fr-FR" French ones, "en-gb" English ones, None or any other
    language both."""
    short = (language or "")[:2].lower()
    return short if short in LANGUAGES else None


def _query(text: str) -> dict[str, list[str]]:
    """Analysed term -> the words of the text it comes from, synonyms' terms included."""
    found: dict[str, list[str]] = {}
    synonyms = _synonym_terms()
    for word in words(text):
        for term in analyse(word):
            for each in (term, *synonyms.get(term, ())):
                sources = found.setdefault(each, [])
                if word not in sources:
                    sources.append(word)
    return found


def suggest(text: str, language: str | None = None, limit: int = 5) -> list[Suggestion]:
    """The CPV codes `text` most likely belongs to, best first; [] when nothing fits.

    `language` ("fr" or "en") compares the text with the labels of that language only; None
    compares both, which suits texts that mix them ("hébergement cloud").
    """
    if limit <= 0 or not text:
        return []
    index = _index(_language(language))
    query = _query(text)
    vocabulary = index.retriever.vocab_dict
    ids = [vocabulary[term] for term in query if term in vocabulary]
    if not ids:
        return []
    scores = index.retriever.get_scores_from_ids(ids)
    generic = _generic_terms()
    candidates: list[tuple[float, str, list[str]]] = []
    for position in np.flatnonzero(scores >= MIN_SCORE):
        shared = [term for term in query if term in index.terms[position]]
        if all(term in generic for term in shared):
            continue
        matched = list(dict.fromkeys(word for term in shared for word in query[term]))
        candidates.append((round(float(scores[position]), 4), index.codes[position], matched))
    if not candidates:
        return []
    candidates.sort(key=lambda found: (-found[0], -level(found[1]), found[1]))
    floor = candidates[0][0] * RELATIVE_FLOOR
    return [
        Suggestion(code, label(code, "fr") or "", label(code, "en") or "", score, matched)
        for score, code, matched in candidates[:limit]
        if score >= floor
    ]
