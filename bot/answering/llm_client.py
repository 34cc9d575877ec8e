"""One guarded call to the chat model: bounded length, circuit breaker, one log line per failure.

Every failure (HTTP error, timeout, dropped connection, a body that is not an
OpenAI response) becomes ``None`` for the caller, which then uses its fallback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.answering.llm_health import (
    CIRCUIT_OPEN,
    ERROR,
    TIMEOUT,
    CircuitBreaker,
    GenerationStats,
)

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Completion:
    text: str
    truncated: bool  # the model stopped at max_tokens, mid-answer


class GuardedModel:
    """A chat model behind a circuit breaker, with ``max_tokens`` on every request."""

    def __init__(
        self,
        model: BaseChatModel,
        breaker: CircuitBreaker,
        stats: GenerationStats,
        max_tokens: int,
    ) -> None:
        self.model = model
        self.breaker = breaker
        self.stats = stats
        self.max_tokens = max_tokens

    def complete(
        self, messages: list[BaseMessage], *, purpose: str, max_tokens: int | None = None
    ) -> Completion | None:
        """The model's reply, or ``None`` (breaker open, or the call failed; counted)."""
        prefix = "" if purpose == "answer" else f"{purpose}_"
        if not self.breaker.allow():
            self.stats.record(prefix + CIRCUIT_OPEN)
            return None
        # ``max_tokens`` itself, which every OpenAI-compatible server reads (ChatOpenAI's own
        # field is sent as ``max_completion_tokens``, which some servers ignore).
        bound = {"max_tokens": max_tokens or self.max_tokens}
        try:
            reply = self.model.invoke(messages, extra_body=bound)
        except Exception as error:  # any endpoint failure means: use the fallback
            import openai

            timed_out = isinstance(error, openai.APITimeoutError | TimeoutError)
            self.stats.record(prefix + (TIMEOUT if timed_out else ERROR))
            logger.warning("LLM %s call failed (%s); using the fallback", purpose, _describe(error))
            logger.debug("LLM failure details", exc_info=True)
            if self.breaker.record_failure():
                logger.warning(
                    "LLM endpoint failed repeatedly: not calling it for %.0f s "
                    "(answers are quoted from the documents)",
                    self.breaker.cooldown_seconds,
                )
            return None
        self.breaker.record_success()
        finish = (reply.response_metadata or {}).get("finish_reason")
        return Completion(str(reply.content).strip(), truncated=finish == "length")


def _describe(error: Exception) -> str:
    """One short line: the error type, the HTTP status if any, the start of the message."""
    status = getattr(error, "status_code", None)
    text = " ".join(str(error).split())[:160]
    return f"{type(error).__name__}" + (f" HTTP {status}" if status else "") + f": {text}"
