"""Optional generative mode: an OpenAI-compatible chat model writes from numbered passages.

Any endpoint speaking the OpenAI chat API works (Albert API, Mistral, Ollama, vLLM…).
The answer is kept only if every citation points at a passage it was given; on
an invalid answer, an error or a timeout the caller falls back to the extractive answer.
"""

from __future__ import annotations

import logging
from importlib import resources
from typing import TYPE_CHECKING

from bot.answering.citations import renumber
from bot.answers import Answer
from bot.settings import Settings

if TYPE_CHECKING:  # LangChain's chat classes cost ~0.7 s to import: only with an LLM
    from langchain_core.language_models import BaseChatModel

    from bot.retrieval.retriever import Hit

logger = logging.getLogger(__name__)

NOT_DOCUMENTED = "NON_DOCUMENTÉ"
_PASSAGES = 5


def load_prompt() -> str:
    return resources.files("bot.answering").joinpath("prompt_fr.md").read_text(encoding="utf-8")


class GenerativeAnswerer:
    """Asks a chat model for a short French answer citing the passages as ``[n]``."""

    def __init__(self, model: BaseChatModel, prompt: str) -> None:
        self._model = model
        self._prompt = prompt

    @classmethod
    def from_settings(cls, settings: Settings) -> GenerativeAnswerer | None:
        """The configured endpoint, or ``None`` when none is configured (extractive mode)."""
        if not settings.llm_configured:
            return None
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        model = ChatOpenAI(
            base_url=settings.llm_base_url,
            # Local endpoints (Ollama, vLLM) need no key, but the client refuses to start
            # without one.
            api_key=settings.llm_api_key or SecretStr("no-key"),
            model=str(settings.llm_model),
            timeout=settings.llm_timeout_seconds,
            max_retries=0,
            temperature=0,
        )
        return cls(model, load_prompt())

    def answer(self, question: str, hits: list[Hit], language: str) -> Answer | None:
        """A validated generated answer, or ``None`` to fall back to the extractive one."""
        from langchain_core.messages import HumanMessage, SystemMessage

        passages = [hit.chunk for hit in hits[:_PASSAGES]]
        context = "\n\n".join(
            f"[{number}] {chunk.title}"
            + (f", p. {chunk.page}" if chunk.page else "")
            + f"\n{chunk.text}"
            for number, chunk in enumerate(passages, start=1)
        )
        reply_language = "anglais" if language == "en" else "français"
        messages = [
            SystemMessage(self._prompt.replace("{language}", reply_language)),
            HumanMessage(f"Extraits :\n\n{context}\n\nQuestion : {question}"),
        ]
        try:
            text = str(self._model.invoke(messages).content).strip()
        except Exception:  # any endpoint failure means: use the extractive answer
            logger.warning("The language model failed; falling back to extracts", exc_info=True)
            return None
        if NOT_DOCUMENTED in text:
            return Answer(text="", answered=False, kind="abstain")
        cited = renumber(text, passages)
        if cited is None:
            logger.warning("Discarded a generated answer with missing or invalid citations")
            return None
        body, sources = cited
        return Answer(text=body, answered=True, sources=sources, kind="documents")
