"""Optional generative mode: an OpenAI-compatible chat model writes from numbered passages.

Any endpoint speaking the OpenAI chat API works (Albert API, Mistral, Ollama, vLLM…).
A generated answer is shown only if it passes every check of
:mod:`bot.answering.verification` (length, language, citations, each figure and
name found in the passages its sentence cites); on a refusal, an error, a timeout
or an open circuit breaker the caller falls back to the quoted answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from bot.answering.llm_client import GuardedModel
from bot.answering.llm_followup import FollowUpRewriter
from bot.answering.llm_health import (
    ABSTAINED,
    KEPT,
    PROBE_NOT_RUN,
    CircuitBreaker,
    GenerationStats,
    ProbeResult,
    probe_endpoint,
)
from bot.answering.verification import check_answer, passage_text
from bot.answers import Answer

if TYPE_CHECKING:  # LangChain's chat classes cost ~0.7 s to import: only with an LLM
    from langchain_core.language_models import BaseChatModel

    from bot.retrieval.retriever import Hit

logger = logging.getLogger(__name__)

NOT_DOCUMENTED = "NON_DOCUMENTÉ"
_PASSAGES = 5


def load_prompt() -> str:
    return resources.files("bot.answering").joinpath("prompt_fr.md").read_text(encoding="utf-8")


@dataclass(frozen=True)
class LlmEndpoint:
    """Where the chat model is and how it may be used (the composition root fills it)."""

    base_url: str
    model: str
    api_key: str | None
    timeout_seconds: float
    max_tokens: int
    max_answer_chars: int
    breaker_failures: int
    breaker_cooldown_seconds: float


class GenerativeAnswerer:
    """Asks a chat model for a short answer citing the passages as ``[n]``, and checks it."""

    def __init__(
        self,
        model: BaseChatModel,
        prompt: str,
        *,
        max_tokens: int = 400,
        max_answer_chars: int = 900,
        breaker: CircuitBreaker | None = None,
        stats: GenerationStats | None = None,
        base_url: str = "",
        model_name: str = "",
        api_key: str | None = None,
        probe_timeout: float = 10.0,
    ) -> None:
        self._prompt = prompt
        self._max_answer_chars = max_answer_chars
        self.stats = stats or GenerationStats()
        self.breaker = breaker or CircuitBreaker()
        self._guarded = GuardedModel(model, self.breaker, self.stats, max_tokens)
        self._rewriter = FollowUpRewriter(self._guarded)
        self._base_url = base_url
        self._model_name = model_name
        self._api_key = api_key
        self._probe_timeout = probe_timeout
        self.probe_result = ProbeResult(PROBE_NOT_RUN, "LLM endpoint not probed yet")

    @property
    def model(self) -> BaseChatModel:
        return self._guarded.model

    @classmethod
    def from_endpoint(cls, endpoint: LlmEndpoint) -> GenerativeAnswerer:
        """An answerer calling ``endpoint`` (an OpenAI-compatible chat API)."""
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        model = ChatOpenAI(
            base_url=endpoint.base_url,
            # Local endpoints (Ollama, vLLM) need no key, but the client refuses to start
            # without one.
            api_key=SecretStr(endpoint.api_key or "no-key"),
            model=endpoint.model,
            timeout=endpoint.timeout_seconds,
            max_retries=0,
            temperature=0,
        )
        return cls(
            model,
            load_prompt(),
            max_tokens=endpoint.max_tokens,
            max_answer_chars=endpoint.max_answer_chars,
            breaker=CircuitBreaker(endpoint.breaker_failures, endpoint.breaker_cooldown_seconds),
            base_url=endpoint.base_url,
            model_name=endpoint.model,
            api_key=endpoint.api_key,
            probe_timeout=endpoint.timeout_seconds,
        )

    def answer(self, question: str, hits: list[Hit], language: str) -> Answer | None:
        """A checked generated answer, or ``None`` to fall back to the extractive one."""
        from langchain_core.messages import HumanMessage, SystemMessage

        passages = [hit.chunk for hit in hits[:_PASSAGES]]
        context = "\n\n".join(
            f"[{number}] {passage_text(chunk)}" for number, chunk in enumerate(passages, start=1)
        )
        reply_language = "anglais" if language == "en" else "français"
        messages = [
            SystemMessage(self._prompt.replace("{language}", reply_language)),
            HumanMessage(f"Extraits :\n\n{context}\n\nQuestion : {question}"),
        ]
        completion = self._guarded.complete(messages, purpose="answer")
        if completion is None:
            return None
        if NOT_DOCUMENTED in completion.text:
            self.stats.record(ABSTAINED)
            return Answer(text="", answered=False, kind="abstain")
        checked = check_answer(
            completion.text,
            passages,
            language,
            self._max_answer_chars,
            truncated=completion.truncated,
        )
        if checked.refusal is not None:
            self.stats.record(checked.refusal)
            logger.warning(
                "Refused a generated answer (%s: %s); quoting the documents instead",
                checked.refusal,
                checked.detail,
            )
            return None
        self.stats.record(KEPT)
        return Answer(text=checked.text, answered=True, sources=checked.sources, kind="documents")

    def rewrite_follow_up(self, turns: Sequence[tuple[str, str]], question: str) -> str | None:
        """The model's standalone version of ``question`` from the recent turns, checked.

        ``turns`` are ``(question, standalone question)`` pairs, oldest first. ``None``
        when the model failed or its rewrite dropped or invented a name or a figure:
        the caller then uses its string rules.
        """
        return self._rewriter.rewrite(turns, question)

    def standalone_question(self, turns: Sequence[tuple[str, str]], question: str) -> str:
        """``question`` rewritten from the recent ``(question, standalone question)`` turns.

        The model rewrites it; on failure or a doubtful rewrite, the string rules do.
        """
        return self._rewriter.standalone_question(turns, question)

    def probe(self) -> ProbeResult:
        """Check once that the key is accepted and the model served; log one line."""
        result = probe_endpoint(
            self._base_url, self._model_name, self._api_key, self._probe_timeout
        )
        self.probe_result = result
        if result.state == "ok":
            logger.info(result.message)
        elif result.misconfigured:
            logger.error(result.message)
            self.breaker.trip()  # no call until the cooldown is over: each would fail
        else:
            logger.warning(result.message)
        return result

    def status(self) -> dict[str, Any]:
        """What ``/stats`` and health output show about the endpoint."""
        return {
            "model": self._model_name,
            "base_url": self._base_url,
            "probe": self.probe_result.state,
            "probe_message": self.probe_result.message,
            "breaker": self.breaker.state,
            "outcomes": self.stats.snapshot(),
        }
