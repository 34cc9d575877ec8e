"""French text handling shared by indexing and answering: folding, tokens, stems, sentences."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "\u00a0": " ", "\u202f": " "})
_PERCENT = re.compile(r"(\d)\s*%")
_TOKEN = re.compile(r"[a-z0-9]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])(?<!\bp\.)\s+(?=[«\"(]?[A-ZÀ-ÖØ-Ý0-9■•])")
# A bullet starts an item of its own, wherever the PDF's lines put it.
_BULLET = re.compile(r"\s+(?=[•■▪]\s)")
# In a list written with dashes (« - fonds Maroc 73 … - fonds Liban 70 … »), each dash.
_DASH_ITEM = re.compile(r"\s+(?=-\s)")
# In a directory, each entry ends with its e-mail address (« … v.rouquette@… Magali Combe, … »).
_AFTER_EMAIL = re.compile(r"(?<=@)([\w-]+(?:\.[\w-]+)+)\s+(?=[A-ZÀ-Ý])")

_STOPWORD_TEXT = """a au aux avec ce ces cet cette dans de des du elle elles en et est etre eu
    il ils je la le
    les leur leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui
    sa se ses son sont sur ta te tes toi ton tu un une vos votre vous y d l j m n s t c qu
    quel quelle quels quelles quoi quand comment combien pourquoi ou est-ce estce lequel laquelle
    ete etait etaient sera seront avait ont a-t-il a-t-elle ai as avons avez fait faire
    the of and to in is what who which when where how"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def fold_letters(text: str) -> str:
    """Lower-case without accents, one character for one: positions stay valid."""
    folded = []
    for char in text.translate(_APOSTROPHES).lower():
        base = unicodedata.normalize("NFKD", char)
        letters = "".join(c for c in base if not unicodedata.combining(c))
        folded.append(letters if len(letters) == 1 else char)
    return "".join(folded)


def fold(text: str) -> str:
    """Lower-case, unify apostrophes, spaces and ``1%``, strip accents: ``Élue`` → ``elue``."""
    text = _PERCENT.sub(r"\1 %", text.translate(_APOSTROPHES).lower())
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_NUMBER_WORDS = {
    "premier": "1", "premiere": "1", "deux": "2", "deuxieme": "2", "second": "2",
    "seconde": "2", "trois": "3", "troisieme": "3", "quatre": "4", "quatrieme": "4",
    "cinq": "5", "cinquieme": "5", "six": "6", "sixieme": "6", "sept": "7", "septieme": "7",
    "huit": "8", "huitieme": "8", "neuf": "9", "neuvieme": "9", "dix": "10", "dixieme": "10",
}  # fmt: skip
_ORDINAL = re.compile(r"^(\d+)(?:e|er|ere|eme|ieme|nd|nde)$")


def tokens(text: str) -> list[str]:
    """Folded word tokens; ``1%`` gives ``1 pourcent``, ``4e`` and ``quatrième`` give ``4``."""
    words = _TOKEN.findall(fold(text).replace("%", " pourcent "))
    return [_number(word) for word in words]


def _number(word: str) -> str:
    ordinal = _ORDINAL.match(word)
    return ordinal.group(1) if ordinal else _NUMBER_WORDS.get(word, word)


@lru_cache(maxsize=1)
def _french_stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("french")


def stems(text: str, keep_stopwords: bool = False) -> list[str]:
    """Stemmed, folded tokens without stop words (the unit of lexical matching)."""
    words = [word for word in tokens(text) if keep_stopwords or word not in STOPWORDS]
    return list(_french_stemmer().stemWords(words))


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning: no stop words, no one-letter tokens."""
    return [stem for stem in stems(text) if len(stem) > 1]


def split_sentences(text: str) -> list[str]:
    """Split flowing French text into sentences; each item of a list is one of its own.

    A list item (after « • » or « ■ », or after a dash when the text opens a dash
    list) is the unit a member asks about: « fonds de solidarité Maroc 73
    collectivités », not the whole table it sits in; so is a directory's entry, which
    ends with its e-mail address.
    """
    sentences = []
    for sentence in _SENTENCE_END.split(text):
        for item in _BULLET.split(sentence):
            parts = _DASH_ITEM.split(item) if item.lstrip().startswith("- ") else [item]
            for part in parts:
                entries = _AFTER_EMAIL.sub("\\1\n", part).split("\n")
                sentences += [entry.strip() for entry in entries if entry.strip()]
    return sentences


def squash_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
