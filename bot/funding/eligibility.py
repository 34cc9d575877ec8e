"""Which schemes a given kind of authority can use, and why.

:func:`parse_applicant` reads « je suis un syndicat de collecte des déchets » or
« mon syndicat d'eau potable… » into an :class:`Applicant` (possible kinds and the
services it runs); :func:`assess` compares it with each fiche's structured
``eligible`` block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.funding.matching import fold
from bot.funding.schema import (
    APPLICABLE_CATEGORIES,
    AuthorityKind,
    Category,
    Fiche,
    ServiceKind,
)
from bot.messages import message

LOCAL_AUTHORITIES = frozenset(
    {
        AuthorityKind.COMMUNE,
        AuthorityKind.EPCI,
        AuthorityKind.SYNDICAT_MIXTE,
        AuthorityKind.DEPARTEMENT,
        AuthorityKind.REGION,
    }
)

# Patterns on folded text (no accents, lower case, apostrophes as "'"), each with the
# catalog key of how the applicant is named back to it.
_KIND_PATTERNS: tuple[tuple[str, frozenset[AuthorityKind], str], ...] = (
    (r"\bagences? de l'?\s?eau\b", frozenset({AuthorityKind.AGENCE_EAU}), "applicant_water_agency"),
    (
        r"\b(aom|autorites? organisatrices? de (la )?mobilite"
        r"|ile[- ]de[- ]france mobilites|idf mobilites)\b",
        frozenset({AuthorityKind.AOM}),
        "applicant_aom",
    ),
    (
        r"\bsyndicats?\b|\bsivu\b|\bsivom\b",
        frozenset({AuthorityKind.SYNDICAT_MIXTE, AuthorityKind.EPCI}),
        "applicant_syndicat",
    ),
    (
        r"\b(epci|intercommunalites?|interco|agglos?|metropoles?"
        r"|communautes? (de communes|d'agglomeration|urbaines?))\b",
        frozenset({AuthorityKind.EPCI}),
        "applicant_epci",
    ),
    (
        r"\b(communes?|villes?|mairies?|municipalites?)\b",
        frozenset({AuthorityKind.COMMUNE}),
        "applicant_commune",
    ),
    (
        r"\b(departements?|conseil departemental)\b",
        frozenset({AuthorityKind.DEPARTEMENT}),
        "applicant_departement",
    ),
    (r"\b(regions?|conseil regional)\b", frozenset({AuthorityKind.REGION}), "applicant_region"),
    (r"\b(gip|groupement d'interet public)\b", frozenset({AuthorityKind.GIP}), "applicant_gip"),
    (r"\bassociations?\b", frozenset({AuthorityKind.ASSOCIATION}), "applicant_association"),
    (r"\bcollectivites?\b", LOCAL_AUTHORITIES, "applicant_collectivite"),
)

_SERVICE_PATTERNS: tuple[tuple[str, ServiceKind], ...] = (
    (r"\beaux?\b|\bpotable\b", ServiceKind.EAU),
    (r"\bassainissement\b", ServiceKind.ASSAINISSEMENT),
    (r"\b(energies?|electricite|gaz)\b", ServiceKind.ENERGIE),
    (r"\b(dechets?|ordures|collecte|teom|reom)\b", ServiceKind.DECHETS),
    (r"\b(mobilites?|transports?)\b", ServiceKind.MOBILITE),
)

_IMPLIED_SERVICES = {
    AuthorityKind.AOM: frozenset({ServiceKind.MOBILITE}),
    AuthorityKind.AGENCE_EAU: frozenset({ServiceKind.EAU, ServiceKind.ASSAINISSEMENT}),
}

# Catalog keys of the services, as named in a reason (« vous êtes chargé de … »).
_SERVICE_KEYS = {
    ServiceKind.EAU: "service_water",
    ServiceKind.ASSAINISSEMENT: "service_sanitation",
    ServiceKind.ENERGIE: "service_energy",
    ServiceKind.DECHETS: "service_waste",
    ServiceKind.MOBILITE: "service_mobility",
}


# The applicant speaks about itself, or asks what one kind of body may do.
_SELF = re.compile(
    r"\b(je suis|nous sommes|on est|j'?\s?represente|mon|ma|notre|nos)\b"
    r"|\b(un|une|les|des|le|la|l')\s?\w*\s?\w*\s?\w*\s?"
    r"(peut|peuvent|pourrait|pourraient|a[- ]t[- ](il|elle) le droit|est[- ](il|elle) eligible)"
)
_ASKS_WHAT_FOR_ME = re.compile(
    r"\b(peut|peuvent|puis|pouvons|pourrait|pourrions|eligibles?|a droit|ont droit|"
    r"quels? (dispositifs?|financements?|aides?|subventions?)|quelles? (aides?|subventions?))\b"
)


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


_DESCRIPTION_END = re.compile(
    r"\bpeu(t|vent)\b|\bpuis\b|\bpourr|[-\s]t[-\s](il|elle)\b|[?,;.!]|\b(est|sont|a|ont|veut|souhaite)\b"
)


_DESCRIBES_ITSELF = re.compile(r"\b(je suis|nous sommes|on est)\b")


def parse_applicant(question: str) -> Applicant | None:
    """The kind of authority described in ``question``, or ``None`` if none is.

    Services are read only from the words describing the authority itself
    (« syndicat *d'eau potable* », « commune *qui gère les déchets* »), not from
    the rest of the question, so « une commune peut-elle utiliser le 1 % mobilité ? »
    does not make the commune a mobility authority.
    """
    text = fold(question)
    for pattern, kinds, label in _KIND_PATTERNS:
        match = re.search(pattern, text)
        if match:
            tail = text[match.end() : match.end() + 80]
            end = _DESCRIPTION_END.search(tail)
            description = tail[: end.start()] if end else tail
            services = frozenset(
                service
                for service_pattern, service in _SERVICE_PATTERNS
                if re.search(service_pattern, description)
            )
            return Applicant(kinds=kinds, services=services, label=message(label))
    return None


def describes_itself(question: str) -> bool:
    """« Je suis une région… », « nous sommes un syndicat… »."""
    return _DESCRIBES_ITSELF.search(fold(question)) is not None


def is_eligibility_question(question: str) -> bool:
    """« Je suis une région… », « Mon syndicat peut-il… », « Une commune peut-elle… »."""
    text = fold(question)
    if parse_applicant(question) is None:
        return False
    return describes_itself(question) or (
        _SELF.search(text) is not None and _ASKS_WHAT_FOR_ME.search(text) is not None
    )


def assess(fiche: Fiche, applicant: Applicant) -> Assessment:
    """Can ``applicant`` use ``fiche``? With a one-line French reason."""
    eligible = fiche.eligible
    if fiche.category not in APPLICABLE_CATEGORIES or not eligible.authorities:
        return Assessment(fiche, Verdict.NO, eligible.summary)
    if not applicant.kinds & set(eligible.authorities):
        return Assessment(fiche, Verdict.NO, message("reserved_to", who=eligible.summary))
    if not eligible.services:
        return Assessment(fiche, Verdict.YES, eligible.summary)
    required = set(eligible.services)
    runs = applicant.all_services() & required
    if runs:
        service = sorted(runs)[0]
        reason = message("runs_service", service=message(_SERVICE_KEYS[service]))
        return Assessment(fiche, Verdict.YES, reason)
    services = message("or").join(message(_SERVICE_KEYS[kind]) for kind in eligible.services)
    if applicant.services:
        return Assessment(fiche, Verdict.NO, message("reserved_to_services", services=services))
    return Assessment(fiche, Verdict.IF_SERVICE, message("if_runs_service", services=services))


_ORDER = {
    Category.DISPOSITIF_LEGAL: 0,
    Category.APPEL_A_PROJETS: 1,
    Category.PROGRAMME: 2,
}


def schemes_for(fiches: tuple[Fiche, ...], applicant: Applicant) -> list[Assessment]:
    """Schemes open (or conditionally open) to ``applicant``: direct matches first."""
    results = [assess(fiche, applicant) for fiche in fiches]
    kept = [result for result in results if result.verdict is not Verdict.NO]
    return sorted(
        kept,
        key=lambda result: (
            result.verdict is not Verdict.YES or not result.fiche.eligible.services,
            _ORDER.get(result.fiche.category, 3),
        ),
    )
