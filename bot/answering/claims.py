"""What a sentence asserts that can be checked word for word: numbers, dates, amounts, names.

A generated answer may only state a figure or a name that the passages it cites
contain. Both sides are normalised the way the rest of the code reads French:
accents folded, « 520 000 » = « 520000 » = « 520.000 », « 1,5 million » =
« 1 500 000 », a month written out (« mars », "March") = the month of « 12/03/2024 »,
number words of the passages (« quatre ») = digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.text import STOPWORDS, fold

_MONTHS_FR = (
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split()
)
_MONTHS_EN = (
    "january february march april may june july august september october november december"
).split()
_WEEKDAYS_EN = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_NUMBER_WORDS = {
    "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "six": "6",
    "sept": "7", "huit": "8", "neuf": "9", "dix": "10", "onze": "11", "douze": "12",
    "treize": "13", "quatorze": "14", "quinze": "15", "seize": "16", "vingt": "20",
    "trente": "30", "quarante": "40", "cinquante": "50", "soixante": "60", "cent": "100",
    "mille": "1000", "premier": "1", "premiere": "1", "deuxieme": "2", "second": "2",
    "seconde": "2", "troisieme": "3", "quatrieme": "4", "cinquieme": "5",
}  # fmt: skip
_MULTIPLIERS = {"million": 10**6, "millions": 10**6, "milliard": 10**9, "milliards": 10**9}
#: Names every answer may use without a passage saying them: the network itself.
HOUSE_NAMES = frozenset({"cuf", "cites", "unies", "france"})

_SPACES = "  \u202f"
# 520 000 · 520.000 · 520,000 · 1,5 · 12 · 2023 (digits glued to letters are skipped: "G7").
_NUMBER = re.compile(
    rf"(?<!\w)(\d{{1,3}}(?:[{_SPACES}]\d{{3}})+|\d+)(?:([.,])(\d+))?"
    rf"(?:[{_SPACES}]*(millions?|milliards?))?(?![\d])"
)
_NUMERIC_DATE = re.compile(
    r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b|\b(\d{4})-(\d{1,2})-(\d{1,2})\b"
)
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")
_CAPITALISED = re.compile(r"(?<![\w])[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ]*")
_CITATION = re.compile(r"\[\d+\]")
# Common words that start sentences: capitalised there without being names.
_OPENERS = frozenset(
    """selon depuis dans pour avec sans sous apres avant lors pendant entre chaque tous toutes
    tout plusieurs certains certaines aucun aucune oui non cependant toutefois ainsi donc enfin
    puis ensuite egalement aussi notamment parmi outre face grace actuellement aujourd hui
    celui celle ceux celles lui leur cet voici voila depuis des dès vers chez contre malgre
    the a an this these those according since during after before each all some many yes no
    however also currently today there here its his her our their as at by from""".split()
)


@dataclass(frozen=True)
class Claim:
    """One checkable statement: ``text`` as written, supported when any alternative holds.

    Each alternative is a set of normalised facts that must all be known
    (« 2023 200 » is either 2023200, or 2023 and 200).
    """

    text: str
    alternatives: tuple[frozenset[str], ...]

    def supported_by(self, known: set[str]) -> bool:
        return any(alternative <= known for alternative in self.alternatives)


def claims_in(sentence: str) -> list[Claim]:
    """The numbers, months and proper names ``sentence`` asserts (citations excluded)."""
    sentence = _CITATION.sub(" ", sentence)
    return _number_claims(sentence) + _month_claims(sentence) + _name_claims(sentence)


def known_facts(texts: Iterable[str]) -> set[str]:
    """Every fact the ``texts`` can support: numbers, months, folded words."""
    known: set[str] = set()
    for text in texts:
        for claim in _number_claims(text):
            for alternative in claim.alternatives:
                known |= alternative
        for match in _NUMERIC_DATE.finditer(text):
            month = match.group(2) or match.group(5)
            known.add(f"month:{int(month)}")
        known |= {fact for claim in _month_claims(text) for fact in claim.alternatives[0]}
        words = re.findall(r"[a-z0-9]+", fold(text))
        known |= {f"word:{word}" for word in words}
        known |= {f"number:{_NUMBER_WORDS[word]}" for word in words if word in _NUMBER_WORDS}
    return known


def unsupported(sentence: str, known: set[str]) -> list[str]:
    """What ``sentence`` asserts that ``known`` (see :func:`known_facts`) does not contain."""
    return [claim.text for claim in claims_in(sentence) if not claim.supported_by(known)]


def _canonical(integer: str, fraction: str = "") -> str:
    integer = integer.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"number:{integer}.{fraction}" if fraction else f"number:{integer}"


def _number_claims(text: str) -> list[Claim]:
    claims = []
    for match in _NUMBER.finditer(text):
        grouped, separator, fraction, multiplier = match.groups()
        parts = re.split(rf"[{_SPACES}]", grouped)
        alternatives: list[frozenset[str]] = []
        if fraction is None:
            alternatives.append(frozenset({_canonical("".join(parts))}))
        else:
            # « 1,5 » is a decimal; « 520.000 » or "520,000" is a thousands separator.
            alternatives.append(frozenset({_canonical("".join(parts), fraction)}))
            if len(fraction) == 3 and separator:
                alternatives.append(frozenset({_canonical("".join(parts) + fraction)}))
        if multiplier:
            value = float(f"{''.join(parts)}.{fraction or 0}") * _MULTIPLIERS[multiplier.lower()]
            alternatives.append(frozenset({_canonical(str(round(value)))}))
        if len(parts) > 1:  # « en 2023 200 communes »: two numbers side by side
            alternatives.append(frozenset(_canonical(part) for part in parts))
        claims.append(Claim(match.group(0).strip(), tuple(alternatives)))
    return claims


def _month_claims(text: str) -> list[Claim]:
    claims = []
    for match in _WORD.finditer(text):
        word = match.group(0)
        folded = fold(word)
        number = None
        if folded in _MONTHS_FR:
            number = _MONTHS_FR.index(folded) + 1
        elif folded in _MONTHS_EN and word[0].isupper():  # "may" the verb is not May
            number = _MONTHS_EN.index(folded) + 1
        if number is not None:
            claims.append(Claim(word, (frozenset({f"month:{number}"}),)))
    return claims


def _name_claims(sentence: str) -> list[Claim]:
    """Capitalised words, but for a common word opening the sentence (« Selon », « Le »)."""
    claims = []
    first_word = _WORD.search(sentence)
    matches = list(_CAPITALISED.finditer(sentence))
    for match in matches:
        word = match.group(0)
        folded = fold(word)
        if folded in STOPWORDS or folded in HOUSE_NAMES or folded in _WEEKDAYS_EN:
            continue
        if folded in _MONTHS_FR or folded in _MONTHS_EN:
            continue  # a month: checked as a date
        starts_sentence = first_word is not None and match.start() == first_word.start()
        if starts_sentence and folded in _OPENERS:
            continue  # « Selon le rapport » is no name; « Canberra [1] » or « Halima … » is
        words = re.findall(r"[a-z0-9]+", folded)
        claims.append(Claim(word, (frozenset(f"word:{w}" for w in words),)))
    return claims
