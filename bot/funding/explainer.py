"""Answers questions about funding schemes from the fiches; leaves the rest to retrieval.

The responder answers when a question names a scheme *and* asks what it is, who
can use it, the rates, how to apply, who helps or the deadlines — or when an
authority describes itself (« mon syndicat d'eau peut-il… »). Questions about
past events and figures (« combien de collectivités ont donné au fonds… ») are
left to document retrieval, which has the publications. The words it reads are the
lexicon's (``funding_responder`` in ``bot/understanding/lexicon.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import ClassVar

from bot.answering.extractive import ANSWER_PATTERNS
from bot.answering.support import says_not_found
from bot.answers import Answer, Source
from bot.funding.catalog import FundingCatalog
from bot.funding.deadlines import deadlines, format_deadline, upcoming
from bot.funding.eligibility import (
    Applicant,
    Assessment,
    Verdict,
    assess,
    describes_itself,
    exclusion,
    funding_words,
    is_eligibility_question,
    parse_applicant,
    schemes_for,
)
from bot.funding.matching import fold, normalize
from bot.funding.render import BULLET, Section, format_date, render_body, with_footer
from bot.funding.schema import APPLICABLE_CATEGORIES, Category, Fiche
from bot.messages import message
from bot.understanding.lexicon import phrase_pattern
from bot.understanding.question import Question
from bot.understanding.routing import Route

_MAX_OVERVIEW = 7
_MAX_CALLS = 4  # calls listed in one answer (each takes three or four lines)
# What a verdict already answers: who may use the scheme, and what it is.
_VERDICT = {Section.WHO, Section.WHAT}
_MAX_SCHEMES = 6
_MAX_NAMED = 3  # schemes named in one question and answered side by side
# Kinds of answer a fiche either states or does not: a sum, a date, a phone or email.
_SPECIFIC_VALUES = ("amount", "date", "contact")


def detect_intents(question: str) -> set[Section]:
    """Which parts of a fiche the question asks about (possibly none)."""
    text = fold(question)
    intents = funding_words().intents
    return {
        section
        for section in Section
        if phrase_pattern(getattr(intents, section.value)).search(text)
    }


def is_past_event_question(question: str) -> bool:
    return phrase_pattern(funding_words().past_event).search(fold(question)) is not None


@dataclass(frozen=True)
class FundingResponder:
    """The funding :class:`~bot.answers.Responder`: fiches, eligibility, calendar."""

    catalog: FundingCatalog
    route: ClassVar[Route] = Route.FUNDING

    def try_answer(self, question: Question, now: datetime) -> Answer | None:
        """A structured answer about a scheme, or ``None`` when it is not a funding question.

        The schemes named, what is asked and the language come from the analysis; the
        fiche sections asked about and the applicant are read here, from its words.
        """
        text = question.text
        if not text.strip() or not self.catalog.fiches:
            return None
        if is_past_event_question(text):
            return None
        today = now.date()
        language = question.language
        named = [fiche for id_ in question.schemes if (fiche := self.catalog.get(id_))]
        # A follow-up asks its own thing of the scheme the last question named (« ok, et
        # qui peut nous aider ? » after « c'est quoi le 1 % déchets ? »).
        intents = detect_intents(question.asked) or detect_intents(text)
        applicant = parse_applicant(text, language)
        asks_eligibility = is_eligibility_question(text)
        if not named:
            words = funding_words()
            links = words.scheme_name_links
            siblings = self.catalog.unknown_sibling(text, words.not_scheme_names, links)
            if siblings:
                return _unknown_scheme(siblings, language)
        if named:
            fiche = named[0]
            # A verdict answers « peut-il… ? », not « quel réseau conseille… ».
            if applicant and _asks_for_verdict(question, asks_eligibility, intents):
                also = tuple(section for section in Section if section in intents - _VERDICT)
                return self._verdict(
                    fiche,
                    applicant,
                    text,
                    language,
                    render_body(fiche, today, also, language, asked=text)[1:] if also else [],
                )
            excluded = exclusion(text, fiche) if question.asks == "yesno" else None
            if excluded:  # « le 1 % énergie peut-il financer de la biomasse ? »
                lines = [_caveat(fiche, excluded, language), fiche.summary]
                return _answer("\n".join([*lines, *_footer([fiche], language)]), [fiche])
            if not intents and not _only_names(text, named):
                return None
            sections = _sections_for(intents)
            if len(named) > 1:
                # « quels articles fondent le 1 % eau, le 1 % déchets et le 1 % mobilité ? »:
                # the part asked of each scheme named; « la différence entre le 1 % eau et
                # le 1 % énergie ? »: what each one is.
                if Section.WHAT in sections:
                    sections = (Section.WHAT,)
                shown = named[:_MAX_NAMED]
                body = [
                    line
                    for one in shown
                    for line in render_body(one, today, sections, language, asked=text)
                ]
                answer = _answer("\n".join([*body, *_footer(shown, language)]), shown)
            else:
                body = render_body(fiche, today, sections, language, asked=text)
                answer = _answer(with_footer(fiche, body, set(sections), language), [fiche])
            if not _holds_what_is_asked(question.asks, body):
                # The fiche says what it knows (a rate, « plafond non trouvé », who helps),
                # but not the sum, date or contact asked: the member is offered the team,
                # the staff see the gap.
                return replace(answer, answered=False)
            return answer
        if Section.CALENDAR in intents and _names_calls(text):
            return self._open_calls(today, language)
        if applicant and asks_eligibility:
            return self._eligibility(applicant, text, language)
        if _asks_overview(text):
            return self._overview(language)
        return None

    # --- answers -----------------------------------------------------------------

    def _verdict(
        self,
        fiche: Fiche,
        applicant: Applicant,
        question: str,
        language: str,
        also: list[str],
    ) -> Answer:
        """« Oui / a priori non… » and why; ``also``, the fiche's lines on what else was
        asked (« …et sous quel article ? »), before the sources."""

        def say(key: str, **values: str) -> str:
            return message(key, language, **values)

        result = assess(fiche, applicant, language)
        name = fiche.short_name
        excluded = exclusion(question, fiche) if result.verdict is not Verdict.NO else None
        opening = {
            Verdict.YES: say("funding_yes", name=name, applicant=applicant.label),
            Verdict.IF_SERVICE: say("funding_if", name=name, reason=result.reason),
            Verdict.NO: say("funding_no", name=name, reason=result.reason.rstrip(".")),
        }[result.verdict]
        if excluded:  # « oui » would contradict the fiche's own exclusion
            opening = _caveat(fiche, excluded, language)
        lines = [opening, fiche.summary]
        if result.verdict is Verdict.YES and fiche.eligible.services:
            lines.append(say("funding_why", reason=result.reason, tagline=fiche.tagline))
        lines.append(f"{say('fiche_who')} : {fiche.eligible.summary}")
        if result.verdict is not Verdict.NO:
            lines += [f"• {fact.render()}" for fact in fiche.eligible.conditions[:2]]
        if result.verdict is Verdict.NO:
            others = [
                item
                for item in schemes_for(self.catalog.fiches, applicant, language)
                if item.fiche.id != fiche.id
            ][:4]
            if others:
                lines.append(say("funding_others"))
                lines += [f"• {item.fiche.short_name}" for item in others]
        lines += also
        lines += _footer([fiche], language)
        return _answer("\n".join(lines), [fiche])

    def _eligibility(self, applicant: Applicant, question: str, language: str) -> Answer:
        results = schemes_for(self.catalog.fiches, applicant, language)
        if not results:
            text = message("funding_no_scheme", language, applicant=applicant.label)
            return Answer(text=text, answered=False, kind="funding")
        direct = [
            item for item in results if item.fiche.eligible.services and item.verdict is Verdict.YES
        ]
        conditional = [item for item in results if item.verdict is Verdict.IF_SERVICE]
        general = [item for item in results if item not in direct and item not in conditional]
        shown = [*direct, *general][:_MAX_SCHEMES]
        lines = _eligibility_opening(applicant, direct, question, language)
        for item in shown:
            lines.append(f"• {item.fiche.short_name} : {_short_reason(item)}")
        if conditional:
            names = ", ".join(item.fiche.short_name for item in conditional)
            lines.append(f"• {message('funding_one_percent_if', language, names=names)}")
        first = (shown or conditional)[0].fiche.short_name
        lines.append(message("funding_detail_hint", language, name=first))
        fiches = [item.fiche for item in [*shown, *conditional]]
        lines.append(_verified_line(fiches, language))
        return _answer("\n".join(lines), fiches)

    def _open_calls(self, today: date, language: str) -> Answer:
        """The calls open or announced on ``today``; if none, the last ones that closed."""
        known = deadlines(self.catalog)
        coming = upcoming(known, today)[:_MAX_CALLS]
        if coming:
            lines = [message("funding_calls_open", language)]
            shown = coming
        else:
            lines = [message("funding_calls_none", language)]
            shown = [item for item in known if item.is_past(today)][-_MAX_CALLS:][::-1]
            if shown:
                lines.append(message("funding_calls_last_closed", language))
        lines += [format_deadline(item, today, language) for item in shown]
        lines.append(message("funding_calls_follow", language))
        ids = dict.fromkeys(item.fiche_id for item in shown)
        found = [fiche for id_ in ids if (fiche := self.catalog.get(id_))]
        if found:
            lines.append(_verified_line(found, language))
        return _answer("\n".join(lines), found)

    def _overview(self, language: str) -> Answer:
        applicable = [
            fiche for fiche in self.catalog.fiches if fiche.category in APPLICABLE_CATEGORIES
        ]
        laws = [fiche for fiche in applicable if fiche.category is Category.DISPOSITIF_LEGAL]
        others = [fiche for fiche in applicable if fiche.category is not Category.DISPOSITIF_LEGAL]
        others.sort(key=lambda fiche: fiche.category is not Category.APPEL_A_PROJETS)
        lines = [message("funding_overview", language)]
        if laws:
            names = ", ".join(fiche.short_name for fiche in laws)
            lines.append(f"• {message('funding_one_percent', language, names=names)}")
        lines += [f"• {fiche.short_name} : {fiche.tagline}" for fiche in others[:_MAX_OVERVIEW]]
        lines.append(message("funding_ask_kind", language))
        shown = [*laws, *others[:_MAX_OVERVIEW]]
        lines.append(_verified_line(shown, language))
        return _answer("\n".join(lines), shown)


def _asks_for_verdict(question: Question, asks_eligibility: bool, intents: set[Section]) -> bool:
    """A yes/no question on eligibility, or an authority describing itself."""
    if not (asks_eligibility or Section.WHO in intents):
        return False
    return question.asks == "yesno" or describes_itself(question.text)


def _sections_for(intents: set[Section]) -> tuple[Section, ...]:
    if not intents or Section.WHAT in intents:
        overview = (Section.WHAT, Section.WHO, Section.AMOUNTS, Section.HELP, Section.CALENDAR)
        return (*overview, Section.LEGAL) if Section.LEGAL in intents else overview
    return tuple(section for section in Section if section in intents)


def _only_names(question: str, named: list[Fiche]) -> bool:
    """« FICOL ? », « le 1 % eau » — a bare name is a request for the fiche."""
    words = normalize(question)
    name_words: set[str] = set()
    for fiche in named:
        for text in (fiche.short_name, *fiche.aliases, *fiche.acronyms):
            name_words.update(normalize(text))
    rest = [word for word in words if word not in name_words]
    return len(rest) <= 1


def _names_calls(question: str) -> bool:
    """« un appel à projets », "a call for projects": calls in general."""
    return phrase_pattern(funding_words().calls).search(fold(question)) is not None


def _asks_overview(question: str) -> bool:
    """« Quels financements pour un projet à l'étranger ? »: the list of schemes."""
    text = fold(question)
    words = funding_words()
    return bool(
        phrase_pattern(words.overview).search(text)
        and phrase_pattern(words.overview_context).search(text)
    )


def _unknown_scheme(siblings: list[Fiche], language: str) -> Answer:
    """« le 1 % restauration scolaire »: no such scheme; the ones of its kind that exist."""
    names = ", ".join(fiche.short_name for fiche in siblings)
    text = message("funding_unknown_scheme", language, names=names)
    return replace(_answer(text, siblings), answered=False)


def _caveat(fiche: Fiche, excluded: str, language: str) -> str:
    """« Pas forcément » and the fiche's line excluding what was asked."""
    return message("funding_excluded", language, name=fiche.short_name, line=excluded)


def _eligibility_opening(
    applicant: Applicant, direct: list[Assessment], question: str, language: str
) -> list[str]:
    """« Oui, notamment avec le 1 % déchets… », unless a fiche excludes what is asked."""
    listing = message("funding_open_to", language, applicant=applicant.label)
    for item in direct:
        excluded = exclusion(question, item.fiche)
        if excluded:
            return [_caveat(item.fiche, excluded, language), listing]
    if direct:
        names = ", ".join(item.fiche.short_name for item in direct)
        return [message("funding_open_to_with", language, names=names, applicant=applicant.label)]
    return [listing]


def _short_reason(item: Assessment) -> str:
    if item.fiche.eligible.services:
        return f"{item.fiche.tagline} — {item.reason}"
    return item.fiche.tagline


def _footer(fiches: list[Fiche], language: str) -> list[str]:
    fiche = fiches[0]
    sources = " ; ".join(source.render() for source in fiche.sources[:2])
    return [f"{message('sources', language)} : {sources}", _verified_line(fiches, language)]


def _verified_line(fiches: list[Fiche], language: str) -> str:
    oldest = min(fiche.last_verified for fiche in fiches)
    return message("fiche_verified", language, date=format_date(oldest, language))


def _holds_what_is_asked(asks: str | None, body: list[str]) -> bool:
    """Whether the fiche's lines shown (``body``) give the sum, date or contact asked for.

    Other kinds of answer (who, what, a yes/no) are the fiche's text itself, unless
    every line shown says the fact was not found.
    """
    lines = [line for line in body if line.startswith(BULLET)]
    if lines and all(says_not_found(line) for line in lines):
        return False  # « aucun montant minimum de contribution trouvé »
    if asks not in _SPECIFIC_VALUES:
        return True
    return any(ANSWER_PATTERNS[asks].search(line) for line in body)


def _answer(text: str, fiches: list[Fiche]) -> Answer:
    sources = tuple(
        Source(title=fiche.name, file=fiche.file, url=fiche.first_url()) for fiche in fiches
    )
    return Answer(text=text, answered=True, sources=sources, kind="funding")
