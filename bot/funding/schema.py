"""The shape of a funding fiche (``knowledge/funding/<id>.yaml``), validated strictly.

A fiche is data written by people: unknown keys are rejected so that a typo
(``last_verifed``) cannot silently drop a field, and every error names the file
and the field. Facts that the sources did not confirm carry ``confirmed: false``
and are always shown with « (non confirmé) ».

Errors::

    FicheError            one file that cannot be used (message: file, field, reason)
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from bot import safe_yaml
from bot.messages import message


class FicheError(Exception):
    """A fiche that cannot be loaded; the message names the file, the field and the reason."""


class AuthorityKind(StrEnum):
    """Who can use a scheme: kinds of public bodies and organisations."""

    COMMUNE = "commune"
    EPCI = "epci"
    SYNDICAT_MIXTE = "syndicat_mixte"
    DEPARTEMENT = "departement"
    REGION = "region"
    AOM = "aom"  # autorité organisatrice de la mobilité (any legal form)
    AGENCE_EAU = "agence_eau"
    ASSOCIATION = "association"  # association of local authorities
    GIP = "gip"


class ServiceKind(StrEnum):
    """Public services whose budget some schemes draw on (the « 1 % » family)."""

    EAU = "eau"
    ASSAINISSEMENT = "assainissement"
    ENERGIE = "energie"
    DECHETS = "dechets"
    MOBILITE = "mobilite"


class Category(StrEnum):
    """What a fiche describes; only the first three can be "applied to"."""

    DISPOSITIF_LEGAL = "dispositif_legal"  # the 1 % laws
    APPEL_A_PROJETS = "appel_a_projets"  # calls with a deadline
    PROGRAMME = "programme"  # schemes run by CUF or others, joined on request
    INSTITUTION = "institution"  # DCTCIV, CNCD, PLATFORMA
    CADRE = "cadre"  # legal framework


APPLICABLE_CATEGORIES = frozenset(
    {Category.DISPOSITIF_LEGAL, Category.APPEL_A_PROJETS, Category.PROGRAMME}
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Fact(_Strict):
    """One statement; a bare string in YAML is a confirmed fact."""

    text: str = Field(min_length=1)
    confirmed: bool = True

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value

    def render(self) -> str:
        return self.text if self.confirmed else message("unconfirmed", text=self.text)


class AmountKind(StrEnum):
    TERMS = "terms"  # what an applicant gets: rates, caps, grant ranges
    FIGURE = "figure"  # what was mobilised: totals, examples (never "current")


class Amount(_Strict):
    """A rate, cap or amount, always tied to the year (and edition) it applies to."""

    text: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)
    edition: str | None = None
    kind: AmountKind = AmountKind.TERMS
    confirmed: bool = True

    def label(self) -> str:
        return self.edition or str(self.year)

    def render(self) -> str:
        text = f"{self.label()} : {self.text}"
        return text if self.confirmed else message("unconfirmed", text=text)


class CalendarEntry(_Strict):
    """One edition of a call: opening and closing dates when known.

    A ``closes`` date on or after today makes the call remindable: members who
    follow the scheme are reminded before it (``CUF_FUNDING_REMINDER_DAYS``). Only
    dates stated by a source go here; ``source`` names the page that states them
    (else the fiche's ``sources`` do).
    """

    edition: str = Field(min_length=1)
    opens: date | None = None
    closes: date | None = None
    note: str | None = None
    source: str | None = Field(default=None, pattern=r"^https?://\S+$")
    confirmed: bool = True

    @model_validator(mode="after")
    def _ordered(self) -> CalendarEntry:
        if self.opens and self.closes and self.closes < self.opens:
            raise ValueError("closes is before opens")
        return self


class Contact(_Strict):
    """Who helps: a help desk, network or team."""

    name: str = Field(min_length=1)
    role: str | None = None
    url: str | None = None
    email: str | None = None
    phone: str | None = None
    confirmed: bool = True


class SourceRef(_Strict):
    """Where the facts come from: a web page and/or a CUF publication (with page)."""

    title: str = Field(min_length=1)
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    publication: str | None = Field(default=None, pattern=r"^publications/\S+\.pdf$")
    page: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _has_location(self) -> SourceRef:
        if not self.url and not self.publication:
            raise ValueError("a source needs a url or a publication")
        return self

    def render(self) -> str:
        if self.publication:
            where = f"{self.title}, p. {self.page}" if self.page else self.title
            return where
        return self.url or self.title


class Eligibility(_Strict):
    """Who can use the scheme, in a form that lets the assistant compute it."""

    authorities: list[AuthorityKind] = Field(default_factory=list)
    services: list[ServiceKind] = Field(
        default_factory=list,
        description="required competence: the applicant must run one of these services",
    )
    summary: str = Field(min_length=1)
    conditions: list[Fact] = Field(default_factory=list)


class Fiche(_Strict):
    """One funding scheme (or the institution / legal frame around them)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    tagline: str = Field(min_length=1, max_length=140, description="one line, for lists")
    aliases: list[str] = Field(default_factory=list)
    acronyms: list[str] = Field(default_factory=list)
    category: Category
    summary: str = Field(min_length=1)
    funder: str = Field(min_length=1)
    legal_basis: list[Fact] = Field(default_factory=list)
    eligible: Eligibility
    what_it_funds: list[Fact] = Field(min_length=1)
    amounts: list[Amount] = Field(default_factory=list)
    how_to_apply: list[Fact] = Field(default_factory=list)
    calendar: list[CalendarEntry] = Field(default_factory=list)
    official_url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    help_desk: list[Contact] = Field(default_factory=list)
    sources: list[SourceRef] = Field(min_length=1)
    last_verified: date
    notes: list[Fact] = Field(default_factory=list)
    _file_name: str | None = PrivateAttr(default=None)  # set by load_fiche (.yaml or .yml)

    def statements(self) -> list[str]:
        """Every line the fiche states about the scheme (not its sources nor contacts)."""
        facts = [
            *self.legal_basis,
            *self.eligible.conditions,
            *self.what_it_funds,
            *self.how_to_apply,
            *self.notes,
        ]
        return [
            self.tagline,
            self.summary,
            self.funder,
            self.eligible.summary,
            *(fact.text for fact in facts),
            *(amount.text for amount in self.amounts),
        ]

    @property
    def file(self) -> str:
        """Path of the fiche relative to the knowledge folder."""
        return f"funding/{self._file_name or self.id + '.yaml'}"

    def first_url(self) -> str | None:
        if self.official_url:
            return self.official_url
        return next((source.url for source in self.sources if source.url), None)


def _field_path(location: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in location:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(f".{item}" if parts else item)
    return "".join(parts) or "(racine)"


def describe_validation_error(file_name: str, error: ValidationError) -> str:
    """``eau.yaml: field 'amounts[0].year': Field required`` — one line per problem."""
    problems = []
    for item in error.errors():
        location = tuple(
            part
            for part in item["loc"]
            if not (isinstance(part, str) and part.startswith("function-"))
        )
        problems.append(f"{file_name}: field '{_field_path(location)}': {item['msg']}")
    return "; ".join(problems)


def parse_fiche(data: object, file_name: str) -> Fiche:
    """Validate already-parsed YAML; raise :class:`FicheError` naming file and field."""
    if not isinstance(data, dict):
        raise FicheError(
            f"{file_name}: the file must contain a mapping of fields, not {type(data).__name__}"
        )
    try:
        fiche = Fiche.model_validate(data)
    except ValidationError as error:
        raise FicheError(describe_validation_error(file_name, error)) from error
    stem = Path(file_name).stem
    if fiche.id != stem:
        raise FicheError(f"{file_name}: field 'id': '{fiche.id}' must match the file name '{stem}'")
    return fiche


def load_fiche(path: Path) -> Fiche:
    """Read and validate one fiche file."""
    try:
        data = safe_yaml.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise FicheError(f"{path.name}: cannot read the file ({error})") from error
    except safe_yaml.YamlError as error:
        raise FicheError(f"{path.name}: invalid YAML ({error})") from error
    fiche = parse_fiche(data, path.name)
    fiche._file_name = path.name
    return fiche
