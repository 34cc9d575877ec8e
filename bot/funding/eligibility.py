"""Which schemes a given kind of authority can use, and why.

:func:`parse_applicant` reads « je suis un syndicat de collecte des déchets » or
« mon syndicat d'eau potable… » into an :class:`Applicant` (possible kinds and the
services it runs); :func:`assess` compares it with each fiche's structured
``eligible`` block. The words are the lexicon's (``funding_responder`` in
``bot/understanding/lexicon.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from bot.funding.matching import fold
from bot.funding.schema import (
    APPLICABLE_CATEGORIES,
    AuthorityKind,
    Category,
    Fiche,
    ServiceKind,
)
from bot.messages import message
from bot.text import content_stems, stems
from bot.understanding.lexicon import FundingResponder as FundingWords
from bot.understanding.lexicon import expand_phrases, load_lexicon, phrase_body, phrase_pattern

LOCAL_AUTHORITIES = frozenset(
    {
        AuthorityKind.COMMUNE,
        AuthorityKind.EPCI,
        AuthorityKind.SYNDICAT_MIXTE,
        AuthorityKind.DEPARTEMENT,
        AuthorityKind.REGION,
    }
)

_IMPLIED_SERVICES = {
    AuthorityKind.AOM: frozenset({ServiceKind.MOBILITE}),
    AuthorityKind.AGENCE_EAU: frozenset({ServiceKind.EAU, ServiceKind.ASSAINISSEMENT}),
}

# Catalog keys naming each applicant of the lexicon back to it (« pour un syndicat »).
_APPLICANT_KEYS = {
    "water_agency": "applicant_water_agency",
    "aom": "applicant_aom",
    "syndicat": "applicant_syndicat",
    "epci": "applicant_epci",
    "commune": "applicant_commune",
    "departement": "applicant_departement",
    "region": "applicant_region",
    "gip": "applicant_gip",
    "association": "applicant_association",
    "collectivite": "applicant_collectivite",
}

# Catalog keys of the services, as named in a reason (« vous êtes chargé de … »).
_SERVICE_KEYS = {
    ServiceKind.EAU: "service_water",
    ServiceKind.ASSAINISSEMENT: "service_sanitation",
    ServiceKind.ENERGIE: "service_energy",
    ServiceKind.DECHETS: "service_waste",
    ServiceKind.MOBILITE: "service_mobility",
}


class Verdict(StrEnum):
    YES = "yes"  # open to this applicant
    IF_SERVICE = "if_service"  # open if the applicant runs one of the services
    NO = "no"


@dataclass(frozen=True)
class Applicant:
    """Who is asking: the kinds it may be and the services it runs (possibly unknown)."""

    kinds: frozenset[AuthorityKind]
    services: frozenset[ServiceKind]
    label: str

    def all_services(self) -> frozenset[ServiceKind]:
        implied = [_IMPLIED_SERVICES.get(kind, frozenset()) for kind in self.kinds]
        return self.services.union(*implied)


@dataclass(frozen=True)
class Assessment:
    fiche: Fiche
    verdict: Verdict
    reason: str


# Where a fiche line's clauses end: an exclusion (« hors… ») is about its own clause only.
_CLAUSE = re.compile(r"[,;:()]")
_AUTHORITY_WORDS = 5  # between « une » and « peut »: « commune de 2000 habitants »
# Punctuation ends the words describing the applicant (the lexicon lists the words that do).
_PUNCTUATION = re.compile(r"[?,;.!]")


def funding_words() -> FundingWords:
    """The funding responder's words in the shipped lexicon."""
    return load_lexicon().funding_responder


@cache
def _kinds() -> tuple[tuple[re.Pattern[str], frozenset[AuthorityKind], str], ...]:
    """The lexicon's applicant kinds: a pattern, the fiches' kinds, the message naming it."""
    return tuple(
        (
            phrase_pattern(applicant.words),
            frozenset(AuthorityKind(kind) for kind in applicant.kinds),
            _APPLICANT_KEYS[applicant.name],
        )
        for applicant in funding_words().applicants
    )


@cache
def _speaks_for_itself() -> re.Pattern[str]:
    """« mon syndicat… », or « une commune peut-elle… » (a determiner, a few words, a modal)."""
    words = funding_words()
    determiners = "|".join(re.escape(word) for word in words.determiners)
    modals = "|".join(phrase_body(modal) for modal in expand_phrases(words.modals))
    return re.compile(
        phrase_pattern(words.speaks_for_itself).pattern
        # A few words name the authority, one may be elided (« un syndicat d'eau potable
        # peut-il… », « une commune de 2000 habitants peut-elle… »).
        # (Words split on spaces only: a word matched piece by piece backtracks without end.)
        + rf"|\b(?:{determiners})\s*[\w']*(?:\s+[\w']+){{0,{_AUTHORITY_WORDS - 1}}}"
        + rf"\s+(?:{modals})"
    )


def parse_applicant(question: str, language: str = "fr") -> Applicant | None:
    """The kind of authority described in ``question``, or ``None`` if none is.

    Services are read only from the words describing the authority itself
    (« syndicat *d'eau potable* », « commune *qui gère les déchets* »), not from
    the rest of the question, so « une commune peut-elle utiliser le 1 % mobilité ? »
    does not make the commune a mobility authority.
    """
    words = funding_words()
    text = fold(question)
    for pattern, kinds, label in _kinds():
        match = pattern.search(text)
        if match:
            tail = text[match.end() : match.end() + 80]
            ends = [
                found.start()
                for found in (
                    phrase_pattern(words.description_end).search(tail),
                    _PUNCTUATION.search(tail),
                )
                if found
            ]
            description = " ".join(
                [*_words_before(text, match.start()), tail[: min(ends)] if ends else tail]
            )
            services = frozenset(
                ServiceKind(service)
                for service, phrases in words.services.items()
                if phrase_pattern(phrases).search(description)
            )
            return Applicant(kinds=kinds, services=services, label=message(label, language))
    return None


def _words_before(text: str, position: int, count: int = 2) -> list[str]:
    """The ``count`` words just before ``position``, within the same clause.

    English puts what describes an authority before it: "a *water* syndicate".
    """
    head = _PUNCTUATION.split(text[max(0, position - 40) : position])[-1]
    return head.split()[-count:]


def exclusion(question: str, fiche: Fiche) -> str | None:
    """The fiche's line excluding what ``question`` asks about, if any.

    « Une AOM peut-elle inclure le versement mobilité dans l'assiette ? »: the 1 % mobilité
    fiche says « les recettes du versement mobilité sont exclues de l'assiette ». A word of
    the question (not the scheme's own name) near an exclusion (« hors », « sauf »,
    « exclu… ») means a plain « oui » would contradict the fiche.
    """
    names = {
        stem for text in (fiche.short_name, *fiche.aliases, *fiche.acronyms) for stem in stems(text)
    }
    asked = set(content_stems(question)) - names
    cue = phrase_pattern(funding_words().exclusions)
    best: tuple[int, str] | None = None
    for line in fiche.statements():
        # What an exclusion is about stays within its clause: « …des AOM, hors versement… ».
        excluded = {
            stem
            for clause in _CLAUSE.split(fold(line))
            if cue.search(clause)
            for stem in stems(clause)
        }
        found = len(asked & excluded)
        if found and (best is None or found > best[0]):
            best = (found, line)
    return best[1] if best else None


def describes_itself(question: str) -> bool:
    """« Je suis une région… », « nous sommes un syndicat… »."""
    return phrase_pattern(funding_words().describes_itself).search(fold(question)) is not None


def is_eligibility_question(question: str) -> bool:
    """« Je suis une région… », « Mon syndicat peut-il… », « Une commune peut-elle… »."""
    text = fold(question)
    if parse_applicant(question) is None:
        return False
    words = funding_words()
    return describes_itself(question) or (
        _speaks_for_itself().search(text) is not None
        and phrase_pattern(words.asks_what_for_me).search(text) is not None
    )


def assess(fiche: Fiche, applicant: Applicant, language: str = "fr") -> Assessment:
    """Can ``applicant`` use ``fiche``? With a one-line reason in ``language``."""

    def say(key: str, **values: str) -> str:
        return message(key, language, **values)

    eligible = fiche.eligible
    if fiche.category not in APPLICABLE_CATEGORIES or not eligible.authorities:
        return Assessment(fiche, Verdict.NO, eligible.summary)
    if not applicant.kinds & set(eligible.authorities):
        return Assessment(fiche, Verdict.NO, say("reserved_to", who=eligible.summary))
    if not eligible.services:
        return Assessment(fiche, Verdict.YES, eligible.summary)
    required = set(eligible.services)
    runs = applicant.all_services() & required
    if runs:
        service = sorted(runs)[0]
        reason = say("runs_service", service=say(_SERVICE_KEYS[service]))
        return Assessment(fiche, Verdict.YES, reason)
    services = say("or").join(say(_SERVICE_KEYS[kind]) for kind in eligible.services)
    if applicant.services:
        return Assessment(fiche, Verdict.NO, say("reserved_to_services", services=services))
    return Assessment(fiche, Verdict.IF_SERVICE, say("if_runs_service", services=services))


_ORDER = {
    Category.DISPOSITIF_LEGAL: 0,
    Category.APPEL_A_PROJETS: 1,
    Category.PROGRAMME: 2,
}


def schemes_for(
    fiches: tuple[Fiche, ...], applicant: Applicant, language: str = "fr"
) -> list[Assessment]:
    """Schemes open (or conditionally open) to ``applicant``: direct matches first."""
    results = [assess(fiche, applicant, language) for fiche in fiches]
    kept = [result for result in results if result.verdict is not Verdict.NO]
    return sorted(
        kept,
        key=lambda result: (
            result.verdict is not Verdict.YES or not result.fiche.eligible.services,
            _ORDER.get(result.fiche.category, 3),
        ),
    )
