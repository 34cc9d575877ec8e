"""Generative mode with a fake chat model at the boundary (the only fake: the hosted LLM)."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest
from answering_helpers import AnsweringServices
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import BaseMessage
from langchain_openai import ChatOpenAI
from pydantic import Field

from bot.answering.citations import source_of
from bot.answering.generative import GenerativeAnswerer, load_prompt
from bot.answers import Answer
from bot.assistant import Assistant
from bot.messages import message
from bot.settings import Settings

MALI = "Qui préside le groupe-pays Mali ?"


class RecordingChatModel(FakeListChatModel):
    """Replies from a list (or raises ``error``) and keeps every prompt it was sent."""

    received: list[list[BaseMessage]] = Field(default_factory=list)
    error: Exception | None = None

    def _call(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> str:
        self.received.append(list(messages))
        if self.error is not None:
            raise self.error
        return super()._call(messages, *args, **kwargs)


def assistant_with(services: AnsweringServices, model: RecordingChatModel) -> Assistant:
    """The real assistant and services, with the chat model swapped for the fake."""
    return Assistant(
        retriever=services.retriever,
        conversations=services.conversations,
        responders=[],
        clock=services.now,
        generator=GenerativeAnswerer(model, load_prompt()),
    )


def extractive(services: AnsweringServices, question: str) -> Answer:
    return services.assistant.answer(question, "extractive-reference")


def test_a_cited_answer_is_used_with_only_the_cited_passages_renumbered(
    services: AnsweringServices,
) -> None:
    model = RecordingChatModel(
        responses=["Le groupe est présidé par Halima Menhoudj [3], élue de Montreuil [3][1]."]
    )
    passages = [hit.chunk for hit in services.retriever.search(MALI)[:5]]

    answer = assistant_with(services, model).answer(MALI)

    assert answer.answered is True
    assert answer.kind == "documents"
    assert answer.text == "Le groupe est présidé par Halima Menhoudj [1], élue de Montreuil [1][2]."
    assert answer.sources == (
        source_of(passages[2]),
        source_of(passages[0]),
    )


def test_the_model_receives_the_numbered_passages_and_the_question(
    services: AnsweringServices,
) -> None:
    model = RecordingChatModel(responses=["Halima Menhoudj [1]."])
    passages = [hit.chunk for hit in services.retriever.search(MALI)[:5]]

    assistant_with(services, model).answer(MALI)

    [(system, human)] = model.received
    assert system.type == "system"
    assert "Réponds en français" in system.content
    assert "NON_DOCUMENTÉ" in system.content
    assert human.type == "human"
    expected_context = "\n\n".join(
        f"[{number}] {chunk.title}, p. {chunk.page}\n{chunk.text}"
        for number, chunk in enumerate(passages, start=1)
    )
    assert human.content == f"Extraits :\n\n{expected_context}\n\nQuestion : {MALI}"
    assert "[6]" not in human.content


def test_an_english_question_asks_for_an_english_answer(services: AnsweringServices) -> None:
    model = RecordingChatModel(responses=["Halima Menhoudj chairs it [1]."])

    answer = assistant_with(services, model).answer("Who chairs the Mali country group?")

    assert answer.text == "Halima Menhoudj chairs it [1]."
    assert "Réponds en anglais" in model.received[0][0].content


@pytest.mark.parametrize(
    "reply",
    [
        "Le groupe est présidé par Halima Menhoudj [9].",  # a passage it was never given
        "Le groupe est présidé par Halima Menhoudj [1] et par Jean Dupont [6].",  # 6 > 5 given
        "Le groupe est présidé par Halima Menhoudj [0].",
        "Le groupe est présidé par Halima Menhoudj.",  # no citation at all
        "",
    ],
)
def test_invalid_citations_fall_back_to_the_extractive_answer(
    services: AnsweringServices, reply: str
) -> None:
    model = RecordingChatModel(responses=[reply])

    answer = assistant_with(services, model).answer(MALI)

    assert len(model.received) == 1
    assert answer == extractive(services, MALI)
    assert "Halima Menhoudj" in answer.text
    assert answer.text.startswith("Voici ce que disent les documents de CUF :")


@pytest.mark.parametrize(
    "error",
    [
        TimeoutError("read timed out"),
        ConnectionError("connection refused"),
        openai.APITimeoutError(request=httpx.Request("POST", "http://llm.invalid/v1")),
        openai.APIConnectionError(request=httpx.Request("POST", "http://llm.invalid/v1")),
    ],
)
def test_model_errors_fall_back_to_the_extractive_answer(
    services: AnsweringServices, error: Exception
) -> None:
    model = RecordingChatModel(responses=["unused"], error=error)

    answer = assistant_with(services, model).answer(MALI)

    assert len(model.received) == 1
    assert answer == extractive(services, MALI)


def test_not_documented_abstains(services: AnsweringServices) -> None:
    model = RecordingChatModel(responses=["NON_DOCUMENTÉ"])

    answer = assistant_with(services, model).answer(MALI)

    assert answer == Answer(message("dont_know", "fr"), answered=False, kind="abstain")


def test_unsupported_questions_never_reach_the_model(services: AnsweringServices) -> None:
    model = RecordingChatModel(responses=["Canberra [1]."])

    answer = assistant_with(services, model).answer("Quelle est la capitale de l'Australie ?")

    assert answer.answered is False
    assert model.received == []


def test_no_endpoint_configured_means_extractive_mode(tmp_path: Any) -> None:
    settings = Settings(_env_file=None, state_dir=tmp_path, llm_base_url=None, llm_model=None)  # type: ignore[call-arg]
    only_url = Settings(
        _env_file=None, state_dir=tmp_path, llm_base_url="http://x/v1", llm_model=None
    )  # type: ignore[call-arg]

    assert GenerativeAnswerer.from_settings(settings) is None
    assert GenerativeAnswerer.from_settings(only_url) is None


@pytest.mark.parametrize("api_key", ["secret-key", None])
def test_a_configured_endpoint_builds_a_chat_openai_model(
    tmp_path: Any, api_key: str | None
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        state_dir=tmp_path,
        llm_base_url="http://127.0.0.1:11434/v1",
        llm_model="mistral-small",
        llm_api_key=api_key,
        llm_timeout_seconds=7.5,
    )

    answerer = GenerativeAnswerer.from_settings(settings)

    assert answerer is not None
    model = answerer._model
    assert isinstance(model, ChatOpenAI)
    assert model.openai_api_base == "http://127.0.0.1:11434/v1"
    assert model.model_name == "mistral-small"
    assert model.request_timeout == 7.5
    assert model.max_retries == 0
    if api_key is not None:
        assert model.openai_api_key is not None
        assert model.openai_api_key.get_secret_value() == api_key
