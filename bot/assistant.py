"""The assistant: one question in, one sourced answer (or an honest "I don't know") out.

Flow: language → follow-up rewriting (conversation memory) → specialised
responders (funding schemes, agenda) → retrieval → support check → answer
(generative when an endpoint is configured, else extractive) with citations.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.answering.citations import source_of
from bot.answering.extractive import select_quotes, shorten
from bot.answering.followup import standalone_question
from bot.answering.generative import GenerativeAnswerer
from bot.answering.support import names_missing_from, unsupported_reason
from bot.answers import Answer, AskContext, Responder
from bot.conversation import ConversationStore, Turn
from bot.language import detect_language
from bot.messages import message
from bot.retrieval.retriever import Hit, Retriever

logger = logging.getLogger(__name__)


class Assistant:
    """Answers members' questions; knows nothing of the channel it is used from."""

    def __init__(
        self,
        retriever: Retriever,
        conversations: ConversationStore,
        responders: Sequence[Responder],
        clock: Callable[[], datetime],
        generator: GenerativeAnswerer | None = None,
    ) -> None:
        self._retriever = retriever
        self._conversations = conversations
        self._responders = list(responders)
        self._clock = clock
        self._generator = generator

    def answer(self, question: str, chat_id: str = "cli") -> Answer:
        """Answer ``question`` in the context of the chat's recent conversation."""
        question = " ".join(question.split())
        language = detect_language(question)
        if not question:
            return Answer(message("empty_question", language), answered=False, kind="abstain")
        now = self._clock()
        history = self._conversations.recent(chat_id, now)
        previous = history[-1].standalone_question if history else None
        standalone = standalone_question(question, previous)
        answer = self._respond(standalone, AskContext(chat_id, now, language))
        self._conversations.record(chat_id, Turn(question, standalone, answer.text, now))
        return answer

    def _respond(self, question: str, context: AskContext) -> Answer:
        for responder in self._responders:
            answer = responder.try_answer(question, context)
            if answer is not None:
                return answer
        hits = self._retriever.search(question)
        reason = unsupported_reason(question, hits, self._retriever)
        if reason:
            logger.info("Not answered (%s): %s", reason, question)
            return self._dont_know(context.language)
        answer = None
        if self._generator is not None:
            answer = self._generator.answer(question, hits, context.language)
        if answer is None:
            answer = self._extractive(question, hits, context.language)
        if not answer.answered:
            return self._dont_know(context.language)
        cited = [f"{source.title} {source.excerpt}" for source in answer.sources]
        missing = names_missing_from(question, cited, self._retriever)
        if missing:
            logger.info("Not answered (cited passages never say %s): %s", missing, question)
            return self._dont_know(context.language)
        return answer

    def _extractive(self, question: str, hits: list[Hit], language: str) -> Answer:
        quotes = select_quotes(question, hits, self._retriever.lexical)
        if not quotes:
            return self._dont_know(language)
        numbers: dict[str, int] = {}
        parts = []
        for quote in quotes:
            numbers.setdefault(quote.hit.chunk.id, len(numbers) + 1)
            parts.append(f"{shorten(quote.sentence)} [{numbers[quote.hit.chunk.id]}]")
        chunks = {quote.hit.chunk.id: quote.hit.chunk for quote in quotes}
        # A source shows the whole passage quoted from: the quotes and their context.
        sources = tuple(source_of(chunks[chunk_id]) for chunk_id in numbers)
        lead = message("extract_lead", language)
        return Answer(lead + "\n" + "\n".join(parts), answered=True, sources=sources)

    @staticmethod
    def _dont_know(language: str) -> Answer:
        return Answer(message("dont_know", language), answered=False, kind="abstain")
