"""The assistant: one question in, one sourced answer (or an honest "I don't know") out.

Flow: analysis (one frozen :class:`Question`: language, follow-up resolved, what is
asked, what is named) → routing (small talk, agenda, funding fiches, documents) →
for the documents: retrieval → quotes ranked by the calibrated quote model → the
calibrated answer model decides to answer or refuse → the answer (generated when an
endpoint is configured, else quoted) with its citations.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import NamedTuple

from bot.answering.calibration import Calibration
from bot.answering.citations import source_of
from bot.answering.extractive import (
    Quote,
    candidate_quotes,
    choose_quotes,
    displayed,
    rank_quotes,
    shorten,
    with_lead,
)
from bot.answering.followup import looks_like_follow_up
from bot.answering.generative import GenerativeAnswerer
from bot.answering.smalltalk import smalltalk_answer
from bot.answering.support import alias_stems, answer_signals, is_distinctive
from bot.answers import Answer, Responder
from bot.conversation import ConversationStore, Turn
from bot.messages import message
from bot.retrieval.retriever import Hit, Retriever
from bot.text import content_stems, fold
from bot.understanding.lexicon import folded_words, load_lexicon
from bot.understanding.names import NameTable, unknown_names
from bot.understanding.question import Analyzer, Question
from bot.understanding.routing import Route, route

logger = logging.getLogger(__name__)

# The model reads 512 tokens: a longer message is cut (and costs no more to embed).
MAX_QUESTION_CHARS = 1000


class Assistant:
    """Answers members' questions; knows nothing of the channel it is used from."""

    def __init__(
        self,
        retriever: Retriever,
        conversations: ConversationStore,
        responders: Sequence[Responder],
        clock: Callable[[], datetime],
        generator: GenerativeAnswerer | None = None,
        analyzer: Analyzer | None = None,
        calibration: Calibration | None = None,
        names: Callable[[], NameTable] | None = None,
        curated: Callable[[Question, datetime], Answer | None] | None = None,
    ) -> None:
        self._retriever = retriever
        self._conversations = conversations
        self._responders = list(responders)
        self._clock = clock
        self._generator = generator
        self._analyzer = analyzer or Analyzer(load_lexicon())
        self._calibration = calibration or Calibration()
        self._names = names
        self._curated = curated  # the staff's FAQ (bot/staff/faq.py), before anything else

    def answer(
        self,
        question: str,
        chat_id: str = "cli",
        now: datetime | None = None,
        *,
        generate: bool = True,
    ) -> Answer:
        """Answer ``question`` in the context of the chat's recent conversation.

        ``now`` replaces the clock (an evaluation replays agenda questions at their moment).
        ``generate=False`` never calls the language model (a warm-up must not spend
        tokens nor count in its statistics).
        """
        generator = self._generator if generate else None
        now = now or self._clock()
        history = self._conversations.recent(chat_id, now)
        previous = history[-1].standalone_question if history else None
        message = question[:MAX_QUESTION_CHARS]
        rewritten = None
        if generator is not None and previous and looks_like_follow_up(message):
            # The model reads the conversation; the string rules are the fallback.
            turns = [(turn.question, turn.standalone_question) for turn in history]
            rewritten = generator.rewrite_follow_up(turns, message)
        understood = self._with_small_talk(
            self._analyzer.analyze(message, previous, standalone=rewritten)
        )
        answer = self._respond(understood, now, generator)
        if understood.smalltalk is None:  # « merci » must not become the thread
            turn = Turn(understood.asked, understood.text, answer.text, now)
            self._conversations.record(chat_id, turn)
        return answer

    def analyze(self, question: str, previous: str | None = None) -> Question:
        return self._with_small_talk(
            self._analyzer.analyze(question[:MAX_QUESTION_CHARS], previous)
        )

    def _with_small_talk(self, question: Question) -> Question:
        """Small talk that says a little more (« bonjour à tous »), or no word of ours.

        A message asks the documents nothing when it asks for no kind of answer, names
        nothing, speaks of no meeting nor funding, and either is a small-talk phrase with
        a word or two more (« salut ça va ? », « hello there ») or uses no word the
        documents use at all (« test », « cc »).
        """
        if question.smalltalk or question.follow_up or question.asks or question.names:
            return question
        if question.years:
            return question
        if question.asks_meeting or question.asks_agenda or question.asks_funding:
            return question
        if question.schemes or question.groups:
            return question
        if question.smalltalk_phrase is not None:
            return replace(question, smalltalk=question.smalltalk_phrase)
        if not set(content_stems(question.text)) & self._retriever.lexical.vocabulary:
            return replace(question, smalltalk="empty")
        return question

    def _respond(
        self, question: Question, now: datetime, generator: GenerativeAnswerer | None
    ) -> Answer:
        chosen = route(question, now)
        if chosen is Route.SMALLTALK:
            return smalltalk_answer(question)
        curated = self._curated(question, now) if self._curated is not None else None
        if curated is not None:
            return curated
        for responder in self._responders:
            if getattr(responder, "route", None) is chosen:
                answer = responder.try_answer(question, now)
                if answer is not None:
                    return answer
        return self._from_documents(question, generator)

    def gather(self, question: Question, passages: int | None = None) -> Evidence:
        """What the documents offer for ``question``: passages and candidate quotes.

        Quotes come from the ``passages`` best passages (the calibrated number when
        ``None``; fitting tries several).
        """
        text, names, unknown = self.searched(question)
        hits = self._retriever.search(text)
        distinctive = [name for name in names if is_distinctive(name, self._retriever)]
        candidates = candidate_quotes(
            text,
            question.asks,
            distinctive,
            hits,
            self._retriever.lexical,
            passages or self._calibration.passages_quoted,
        )
        return Evidence(
            question,
            text,
            names,
            unknown,
            hits,
            candidates,
            unknown_group=self._unknown_group(question, text, names, hits),
        )

    def searched(self, question: Question) -> Searched:
        """``question`` as the documents are searched with it, in their words."""
        known = self._retriever.lexical.vocabulary | alias_stems(question.text, self._retriever)
        unknown = unknown_names(question.names, known)
        resolved = {name: self._resolve(name) for name in unknown}
        translations = [corpus for corpus in resolved.values() if corpus]
        if question.language == "en" and self._names is not None:
            # Lexical matching needs the documents' words: « cost » is « coût ».
            translations += self._names().translate(list(question.words)).values()
        return Searched(
            text=question.text + "".join(f" ({name})" for name in translations),
            names=[resolved.get(name) or name for name in question.names],
            unknown=[name for name in unknown if not resolved[name]],
        )

    def _unknown_group(
        self, question: Question, text: str, names: list[str], hits: list[Hit]
    ) -> bool:
        """« le groupe-pays Brésil »: CUF has no such group, whatever passage comes close.

        A group is known from ``knowledge/meetings/groups.yaml`` or from a passage
        naming it (a new group's meeting note).
        """
        if not question.names_country_group or self._analyzer.groups_in(" ".join([text, *names])):
            return False
        written = [f"groupe pays {fold(name)}" for name in names]
        return not any(
            phrase in folded_words(hit.chunk.indexed_text) for hit in hits for phrase in written
        )

    def signals(self, evidence: Evidence, quotes: list[Quote]) -> dict[str, float]:
        """The answer model's features for an answer quoting ``quotes``."""
        question = evidence.question
        values = answer_signals(
            question.asks,
            evidence.text,
            evidence.names,
            evidence.unknown,
            question.years,
            evidence.hits,
            quotes,
            self._retriever,
            self._resolve,
        )
        values["scheme_named"] = float(bool(question.schemes))
        values["unknown_group"] = float(evidence.unknown_group)
        return values

    def _from_documents(self, question: Question, generator: GenerativeAnswerer | None) -> Answer:
        language = question.language
        evidence = self.gather(question)
        ranked = rank_quotes(evidence.candidates, self._calibration.quote_model)
        quotes = choose_quotes(ranked, question.asks, self._calibration.second_ratio)
        signals = self.signals(evidence, quotes)
        if not quotes or not self._supported(signals, question):
            logger.info("Not answered: %s", _rounded(signals))
            return self._dont_know(language)
        if generator is not None:
            generated = generator.answer(evidence.text, evidence.hits, language)
            if generated is not None:
                return generated if generated.answered else self._dont_know(language)
        previous = self._retriever.previous_passage
        return _quoted_answer([with_lead(q, previous(q.hit)) for q in quotes], language)

    def _supported(self, signals: dict[str, float], question: Question) -> bool:
        """Answer or refuse: the calibrated answer model, after rules that always hold.

        A name the documents never use in any language (« Pérou ») means they cannot
        answer, and so does a country group CUF does not have (« le groupe-pays
        Brésil »: the groups are ``knowledge/meetings/groups.yaml``), a message
        with no word the documents use (« aaaa… »), and a best quote saying the fact
        was not found (« plafond en euros non trouvé », in a fiche). (A question on a
        scheme's rules that names a country, « un syndicat d'eau peut-il financer un
        projet au Bénin ? », is the funding fiches' to answer, before this.) And
        nothing retrieved below the calibrated similarity floor is about the question,
        unless it names one of CUF's groups, nor is anything retrieved below the
        coverage floor (« la recette de la blanquette de veau »).
        """
        calibration = self._calibration
        if ruled_out(signals, calibration.min_similarity, calibration.min_coverage, question):
            return False
        model = calibration.answer_model
        if model is not None:
            return model.probability(signals) >= calibration.answer_threshold
        return not (signals["unknown_focus"] or signals["missing_name"])

    def _resolve(self, name: str) -> str | None:
        return self._names().resolve(name) if self._names is not None else None

    @staticmethod
    def _dont_know(language: str) -> Answer:
        return Answer(message("dont_know", language), answered=False, kind="abstain")


def ruled_out(
    signals: dict[str, float], min_similarity: float, min_coverage: float, question: Question
) -> bool:
    """The fixed rules of :meth:`Assistant._supported` (the fitting applies them too)."""
    return (
        bool(signals["unknown_names"])
        or bool(signals["unknown_group"])
        or bool(signals["no_known_word"])
        or bool(signals["says_not_found"])
        # A question naming one of CUF's groups is about the documents' subject, however
        # far an English question's wording lands from their French (« Who chairs the
        # Russia country group? »).
        or (signals["similarity"] < min_similarity and not question.groups)
        # The share of the question's words the French documents hold: an English
        # question's words are missing by language, not by subject.
        or (signals["coverage"] < min_coverage and question.language != "en")
    )


class Searched(NamedTuple):
    """What the documents are searched with for a question."""

    text: str  # the question with its names' corpus forms (and an English one's words)
    names: list[str]  # the question's names as the documents write them
    unknown: list[str]  # names the documents never use, in any language


@dataclass(frozen=True)
class Evidence:
    """A question's passages and candidate quotes, before any decision."""

    question: Question
    text: str  # what was searched: the question with its names' corpus forms
    names: list[str]  # the question's names as the documents write them
    unknown: list[str]  # names the documents never use, in any language
    hits: list[Hit]
    candidates: list[Quote]
    unknown_group: bool = False  # asks about a country group CUF does not have


def _quoted_answer(quotes: list[Quote], language: str) -> Answer:
    """The quotes, fact first, each with the number of the passage it comes from."""
    numbers: dict[str, int] = {}
    parts = []
    for quote in quotes:
        numbers.setdefault(quote.hit.chunk.id, len(numbers) + 1)
        parts.append(f"{shorten(displayed(quote.sentence))} [{numbers[quote.hit.chunk.id]}]")
    chunks = {quote.hit.chunk.id: quote.hit.chunk for quote in quotes}
    # A source shows the whole passage quoted from: the quotes and their context.
    sources = tuple(source_of(chunks[chunk_id]) for chunk_id in numbers)
    body = "\n".join(parts)
    if language == "en":
        body += "\n" + message("extract_note", language)
    return Answer(body, answered=True, sources=sources)


def _rounded(signals: dict[str, float]) -> dict[str, float]:
    return {name: round(value, 3) for name, value in signals.items()}
