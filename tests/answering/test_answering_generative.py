"""Generative mode against a scripted OpenAI-compatible server on loopback (real sockets).

The real ``ChatOpenAI`` client talks to ``tests/llm_server.py``; the retriever,
assistant, conversation store and checks are the real ones. Every scenario the
issue lists: valid; wrong name, invented figure, bare citation, ramble, wrong
language; 401, 404, 500; slower than the timeout, dropped connection, HTML body.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from answering_helpers import KNOWLEDGE, AnsweringServices, answering_settings
from langchain_openai import ChatOpenAI
from llm_server import (
    GOOD_KEY,
    MODEL,
    Reply,
    ScriptedLLM,
    passage_number,
    passages_of,
    scripted_llm,
)

from bot.answering.claims import known_facts, unsupported
from bot.answering.generative import GenerativeAnswerer
from bot.answering.llm_health import CircuitBreaker, status_lines
from bot.answering.verification import check_answer, cited_sentences, language_of
from bot.answers import Answer
from bot.app import llm_endpoint
from bot.index.records import Chunk
from bot.messages import message
from bot.settings import Settings

MALI = "Quel élu préside le groupe-pays Mali ?"
MALI_CLI = MALI
HALIMA = "Halima Menhoudj"

Services = Callable[..., AnsweringServices]


@pytest.fixture
def llm() -> Iterator[ScriptedLLM]:
    with scripted_llm() as server:
        yield server


def with_llm(make_services: Services, llm: ScriptedLLM, **overrides: Any) -> AnsweringServices:
    """Real services whose settings point at the scripted server."""
    values: dict[str, Any] = {
        "llm_base_url": llm.base_url,
        "llm_model": MODEL,
        "llm_api_key": GOOD_KEY,
        "llm_timeout_seconds": 10.0,
    }
    values.update(overrides)
    return make_services(**values)


def quoted(make_services: Services, question: str) -> Answer:
    """The extractive answer (no endpoint configured): what every fallback must give."""
    return make_services().assistant.answer(question, "quoted-reference")


def about_mali(write: Callable[[int], str], **options: Any) -> Callable[[dict[str, Any]], Reply]:
    """A script replying ``write(n)``, ``n`` the number of the passage naming Mali's chair."""
    return lambda body: Reply.text(write(passage_number(body, HALIMA)), **options)


# --- what reaches the member ---------------------------------------------------------


def test_a_valid_supported_answer_is_shown_with_its_sources(
    make_services: Services, llm: ScriptedLLM
) -> None:
    llm.script = about_mali(lambda n: f"Le groupe-pays Mali est présidé par {HALIMA} [{n}].")
    services = with_llm(make_services, llm)

    answer = services.assistant.answer(MALI, "valid")

    [request] = llm.chat_requests
    passages = passages_of(request.body or {})
    cited = passages[passage_number(request.body or {}, HALIMA)]
    assert answer.text == f"Le groupe-pays Mali est présidé par {HALIMA} [1]."
    assert answer.answered is True and answer.kind == "documents"
    [source] = answer.sources
    assert HALIMA in source.excerpt and source.excerpt in cited
    assert services.llm_status() is not None
    assert services.llm_status()["outcomes"] == {"kept": 1}  # type: ignore[index]


def test_every_request_bounds_its_length_and_carries_key_model_and_passages(
    make_services: Services, llm: ScriptedLLM
) -> None:
    llm.script = about_mali(lambda n: f"{HALIMA} [{n}].")
    services = with_llm(make_services, llm, llm_max_tokens=123)
    passages = [hit.chunk for hit in services.retriever.search(MALI)[:5]]

    services.assistant.answer(MALI, "bounded")

    [request] = llm.chat_requests
    body = request.body or {}
    assert body["max_tokens"] == 123
    assert body["model"] == MODEL and body["temperature"] == 0
    assert request.headers["authorization"] == f"Bearer {GOOD_KEY}"
    system, user = body["messages"]
    assert system["role"] == "system" and "Réponds en français" in system["content"]
    assert "NON_DOCUMENTÉ" in system["content"]
    assert user["content"].endswith(f"\n\nQuestion : {MALI}")
    assert passages_of(body) == {
        number: f"{chunk.title}, p. {chunk.page}\n{chunk.text}"
        for number, chunk in enumerate(passages, start=1)
    }


def test_the_default_max_tokens_is_400(make_services: Services, llm: ScriptedLLM) -> None:
    llm.script = about_mali(lambda n: f"{HALIMA} [{n}].")

    with_llm(make_services, llm).assistant.answer(MALI, "default-bound")

    assert Settings(_env_file=None).llm_max_tokens == 400  # type: ignore[call-arg]
    assert llm.chat_requests[0].body["max_tokens"] == 400  # type: ignore[index]


def test_only_cited_passages_become_sources_renumbered_in_order(
    make_services: Services, llm: ScriptedLLM
) -> None:
    def script(body: dict[str, Any]) -> Reply:
        n = passage_number(body, HALIMA)
        other = next(number for number in passages_of(body) if number != n)
        return Reply.text(f"Le groupe-pays Mali est présidé par {HALIMA} [{n}][{other}].")

    llm.script = script
    services = with_llm(make_services, llm)

    answer = services.assistant.answer(MALI, "renumbered")

    assert answer.text == f"Le groupe-pays Mali est présidé par {HALIMA} [1][2]."
    assert len(answer.sources) == 2
    assert HALIMA in answer.sources[0].excerpt


REFUSED = [
    pytest.param(
        lambda n: f"Le groupe-pays Mali est présidé par Pascal Duforestel [{n}].",
        "unsupported_claim",
        "Duforestel",
        id="wrong-name",
    ),
    pytest.param(
        lambda n: f"Le groupe-pays Mali, présidé par {HALIMA}, s'est réuni 47 fois [{n}].",
        "unsupported_claim",
        "47",
        id="invented-figure",
    ),
    pytest.param(lambda n: f"[{n}]", "bare_citation", None, id="bare-citation"),
    pytest.param(lambda n: f" [{n}] [{n}]. Voir [{n}].", "bare_citation", None, id="see-n"),
    pytest.param(
        lambda n: f"Le groupe-pays Mali est présidé par {HALIMA} [{n}]. " * 250,
        "too_long",
        None,
        id="ramble",
    ),
    pytest.param(
        lambda n: f"The Mali country group is chaired by {HALIMA}, who was elected [{n}].",
        "wrong_language",
        "chaired",
        id="wrong-language",
    ),
    pytest.param(
        lambda n: f"Le groupe-pays Mali est présidé par {HALIMA} [9].",
        "invalid_citation",
        None,
        id="uncited-passage",
    ),
    pytest.param(
        lambda n: f"Le groupe-pays Mali est présidé par {HALIMA}.",
        "invalid_citation",
        None,
        id="no-citation",
    ),
]


@pytest.mark.parametrize(("write", "kind", "leak"), REFUSED)
def test_a_refused_answer_never_reaches_the_member(
    make_services: Services,
    llm: ScriptedLLM,
    caplog: pytest.LogCaptureFixture,
    write: Callable[[int], str],
    kind: str,
    leak: str | None,
) -> None:
    llm.script = about_mali(write)
    services = with_llm(make_services, llm)

    with caplog.at_level(logging.WARNING, logger="bot"):
        answer = services.assistant.answer(MALI, "refused")

    assert len(llm.chat_requests) == 1
    assert answer == quoted(make_services, MALI)
    assert HALIMA in answer.text
    if leak:
        assert leak not in answer.text
    assert services.llm_status()["outcomes"] == {kind: 1}  # type: ignore[index]
    [record] = [r for r in caplog.records if "Refused a generated answer" in r.getMessage()]
    assert kind in record.getMessage()
    if leak and kind == "unsupported_claim":
        assert repr(leak) in record.getMessage()


def test_an_answer_cut_at_max_tokens_is_refused(make_services: Services, llm: ScriptedLLM) -> None:
    llm.script = about_mali(
        lambda n: f"Le groupe-pays Mali est présidé par {HALIMA} [{n}], élue",
        finish_reason="length",
    )
    services = with_llm(make_services, llm)

    answer = services.assistant.answer(MALI, "cut")

    assert answer == quoted(make_services, MALI)
    assert services.llm_status()["outcomes"] == {"truncated": 1}  # type: ignore[index]


def test_an_english_question_gets_a_checked_english_answer(
    make_services: Services, llm: ScriptedLLM
) -> None:
    llm.script = about_mali(lambda n: f"The Mali country group is chaired by {HALIMA} [{n}].")
    services = with_llm(make_services, llm)

    answer = services.assistant.answer("Who chairs the Mali country group?", "english")

    assert answer.text == f"The Mali country group is chaired by {HALIMA} [1]."
    system = llm.chat_requests[0].body["messages"][0]["content"]  # type: ignore[index]
    assert "Réponds en anglais" in system


def test_a_french_answer_to_an_english_question_is_refused(
    make_services: Services, llm: ScriptedLLM
) -> None:
    llm.script = about_mali(lambda n: f"Le groupe-pays Mali est présidé par {HALIMA} [{n}].")
    services = with_llm(make_services, llm)

    answer = services.assistant.answer("Who chairs the Mali country group?", "english-2")

    assert "présidé par" not in answer.text
    assert services.llm_status()["outcomes"] == {"wrong_language": 1}  # type: ignore[index]


def test_not_documented_abstains(make_services: Services, llm: ScriptedLLM) -> None:
    llm.reply_with("NON_DOCUMENTÉ")
    services = with_llm(make_services, llm)

    answer = services.assistant.answer(MALI, "abstain")

    assert answer == Answer(message("dont_know", "fr"), answered=False, kind="abstain")


UNDOCUMENTED = [
    "Quelle est la capitale de l'Australie ?",
    "Combien de collectivités ont donné au fonds de solidarité pour le Pérou ?",
    "Quel est le salaire de la directrice générale de CUF ?",
    "Qui est le maire de Valparaiso ?",
]


def test_questions_the_documents_cannot_answer_never_reach_the_model(
    make_services: Services, llm: ScriptedLLM
) -> None:
    refused = [q for q in UNDOCUMENTED if not quoted(make_services, q).answered]
    assert refused  # the support check refuses some of them before any generation
    llm.reply_with("Douze collectivités [1].")
    services = with_llm(make_services, llm)

    answers = [services.assistant.answer(q, f"undocumented-{n}") for n, q in enumerate(refused)]

    assert not any(answer.answered for answer in answers)
    assert llm.chat_requests == []


# --- failures of the endpoint ---------------------------------------------------------

FAILURES = [
    pytest.param({"llm_api_key": "wrong-key"}, Reply.text("unused"), "error", id="401"),
    pytest.param({"llm_model": "no-such-model"}, Reply.text("unused"), "error", id="404"),
    pytest.param({}, Reply.error(500), "error", id="500"),
    pytest.param({}, Reply.error(503), "error", id="503"),
    pytest.param({}, Reply(drop=True), "error", id="dropped-connection"),
    pytest.param({}, Reply(html=True), "error", id="html-body"),
    pytest.param(
        {"llm_timeout_seconds": 1.0}, Reply.text("trop tard", delay=60), "timeout", id="slow"
    ),
]


@pytest.mark.parametrize(("settings", "reply", "outcome"), FAILURES)
def test_endpoint_failures_fall_back_to_quotes_with_one_log_line(
    make_services: Services,
    llm: ScriptedLLM,
    caplog: pytest.LogCaptureFixture,
    settings: dict[str, Any],
    reply: Reply,
    outcome: str,
) -> None:
    llm.reply_with(reply)
    services = with_llm(make_services, llm, **settings)

    with caplog.at_level(logging.WARNING, logger="bot"):
        answer = services.assistant.answer(MALI, "failure")

    assert len(llm.chat_requests) == 1
    assert answer == quoted(make_services, MALI)
    assert services.llm_status()["outcomes"] == {outcome: 1}  # type: ignore[index]
    [line] = [r for r in caplog.records if r.name.startswith("bot.answering")]
    assert "LLM answer call failed" in line.getMessage()
    assert line.exc_info is None  # one line, no traceback per question
    if reply.delay:
        assert llm.pending == 1  # the client gave up while the server was still writing


def test_the_circuit_breaker_stops_calling_a_failing_endpoint(
    make_services: Services, llm: ScriptedLLM
) -> None:
    llm.reply_with(Reply.error(500))
    services = with_llm(make_services, llm, llm_breaker_failures=2)

    answers = [services.assistant.answer(MALI, f"breaker-{n}") for n in range(4)]

    assert len(llm.chat_requests) == 2
    assert all(answer == quoted(make_services, MALI) for answer in answers)
    status = services.llm_status()
    assert status is not None
    assert status["outcomes"] == {"error": 2, "circuit_open": 2}
    assert status["breaker"] == "open"


def test_the_breaker_lets_one_call_through_after_the_cooldown() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failures=2, cooldown_seconds=300, clock=lambda: now[0])

    assert breaker.record_failure() is False and breaker.allow()
    assert breaker.record_failure() is True
    assert not breaker.allow() and breaker.state == "open"
    now[0] = 299.0
    assert not breaker.allow()
    now[0] = 300.0
    assert breaker.allow() and breaker.state == "half-open"
    assert breaker.record_failure() is True  # the trial call failed: another cooldown
    assert not breaker.allow()
    now[0] = 600.0
    breaker.record_success()
    assert breaker.allow() and breaker.state == "closed"
    assert breaker.record_failure() is False  # the count started again


# --- the start-up probe ---------------------------------------------------------------


def test_the_probe_logs_one_line_when_the_endpoint_is_ready(
    make_services: Services, llm: ScriptedLLM, caplog: pytest.LogCaptureFixture
) -> None:
    services = with_llm(make_services, llm)

    with caplog.at_level(logging.INFO, logger="bot"):
        result = services.probe_llm()

    assert result is not None and result.state == "ok"
    assert [r.getMessage() for r in caplog.records] == [
        f"LLM endpoint ready: model '{MODEL}' served at {llm.base_url}"
    ]
    [request] = llm.requests
    assert (request.method, request.path) == ("GET", "/v1/models")
    assert services.llm_status()["probe"] == "ok"  # type: ignore[index]


@pytest.mark.parametrize(
    ("settings", "state", "says"),
    [
        ({"llm_api_key": "wrong-key"}, "unauthorized", "CUF_LLM_API_KEY"),
        ({"llm_model": "no-such-model"}, "model_missing", "scripted-model, other-model"),
    ],
)
def test_a_misconfigured_endpoint_is_said_once_and_not_called(
    make_services: Services,
    llm: ScriptedLLM,
    caplog: pytest.LogCaptureFixture,
    settings: dict[str, Any],
    state: str,
    says: str,
) -> None:
    services = with_llm(make_services, llm, **settings)

    with caplog.at_level(logging.INFO, logger="bot"):
        result = services.probe_llm()
        answers = [services.assistant.answer(MALI, f"misconfigured-{n}") for n in range(3)]

    assert result is not None and result.state == state
    [line] = caplog.records
    assert line.levelno == logging.ERROR and says in line.getMessage()
    assert llm.chat_requests == []  # the breaker is open: members do not wait for a 4xx
    assert all(answer == quoted(make_services, MALI) for answer in answers)
    status = services.llm_status()
    assert status is not None and status["probe"] == state and status["breaker"] == "open"
    lines = status_lines(status)
    assert lines[0].startswith(f"Modèle de langage : {settings.get('llm_model', MODEL)} — ")
    assert "appels suspendus" in lines[0]
    assert "3 non tentées" in lines[1]


def test_the_probe_warns_when_there_is_no_model_list(
    make_services: Services, llm: ScriptedLLM, caplog: pytest.LogCaptureFixture
) -> None:
    root = llm.base_url.removesuffix("/v1")  # a common mistake: the URL without /v1
    services = with_llm(make_services, llm, llm_base_url=root)

    with caplog.at_level(logging.INFO, logger="bot"):
        result = services.probe_llm()

    assert result is not None and result.state == "no_model_list"
    [line] = caplog.records
    assert line.levelno == logging.WARNING and "HTTP 404" in line.getMessage()
    assert "/v1" in line.getMessage()
    assert services.llm_status()["breaker"] == "closed"  # type: ignore[index]


def test_the_probe_says_when_the_endpoint_is_unreachable(
    make_services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    with scripted_llm() as stopped:
        url = stopped.base_url  # nothing listens there once the block is left
    services = make_services(llm_base_url=url, llm_model=MODEL, llm_timeout_seconds=2.0)

    with caplog.at_level(logging.INFO, logger="bot"):
        result = services.probe_llm()

    assert result is not None and result.state == "unreachable"
    [line] = caplog.records
    assert line.levelno == logging.WARNING and f"unreachable at {url}/models" in line.getMessage()


def test_no_endpoint_means_no_probe_and_no_status(make_services: Services) -> None:
    services = make_services()

    assert services.generator is None
    assert services.probe_llm() is None
    assert services.llm_status() is None


# --- follow-ups rewritten by the model ------------------------------------------------

PREVIOUS = "Qui préside le groupe-pays Mali ?"
TURNS = [(PREVIOUS, PREVIOUS)]


def test_a_follow_up_is_rewritten_by_the_model_from_the_recent_questions(
    make_services: Services, llm: ScriptedLLM
) -> None:
    llm.reply_with("Qui préside le groupe-pays Sénégal ?")
    generator = with_llm(make_services, llm).generator
    assert generator is not None

    standalone = generator.standalone_question(TURNS, "Et pour le Sénégal ?")

    assert standalone == "Qui préside le groupe-pays Sénégal ?"
    assert generator.rewrite_follow_up(TURNS, "Et pour le Sénégal ?") == standalone
    request = llm.chat_requests[0]
    body = request.body or {}
    assert body["max_tokens"] == 80
    assert body["messages"][1]["content"] == (
        f"Questions précédentes :\n1. {PREVIOUS}\n\nNouvelle question : Et pour le Sénégal ?\n\n"
        "Question réécrite :"
    )
    assert generator.stats.snapshot() == {"followup_kept": 2}


@pytest.mark.parametrize(
    ("reply", "outcome"),
    [
        (Reply.text("Qui préside le groupe-pays Brésil ?"), "followup_refused"),  # invented
        (Reply.text("Qui préside le groupe-pays ?"), "followup_refused"),  # dropped Sénégal
        (Reply.text("Halima Menhoudj [1]."), "followup_refused"),  # an answer
        (Reply.text(""), "followup_refused"),
        (Reply.error(500), "followup_error"),
        (Reply(html=True), "followup_error"),
    ],
)
def test_a_doubtful_or_failed_rewrite_falls_back_to_the_string_rules(
    make_services: Services, llm: ScriptedLLM, reply: Reply, outcome: str
) -> None:
    llm.reply_with(reply)
    generator = with_llm(make_services, llm).generator
    assert generator is not None

    standalone = generator.standalone_question(TURNS, "Et pour le Sénégal ?")

    assert standalone == "Qui préside le groupe-pays Sénégal ?"  # the rules swap the subject
    assert generator.stats.snapshot() == {outcome: 1}
    assert generator.rewrite_follow_up(TURNS, "Et pour le Sénégal ?") is None


def test_without_history_the_question_is_kept_and_the_model_not_called(
    make_services: Services, llm: ScriptedLLM
) -> None:
    generator = with_llm(make_services, llm).generator
    assert generator is not None

    assert generator.standalone_question([], "Et pour le Sénégal ?") == "Et pour le Sénégal ?"
    assert llm.requests == []


# --- configuration ----------------------------------------------------------------------


def test_no_endpoint_configured_means_extractive_mode(tmp_path: Path) -> None:
    none = answering_settings(tmp_path)
    only_url = answering_settings(tmp_path, llm_base_url="http://x/v1")

    assert llm_endpoint(none) is None
    assert llm_endpoint(only_url) is None


@pytest.mark.parametrize("api_key", ["secret-key", None])
def test_a_configured_endpoint_builds_a_chat_openai_model(
    tmp_path: Path, api_key: str | None
) -> None:
    settings = answering_settings(
        tmp_path,
        llm_base_url="http://127.0.0.1:11434/v1",
        llm_model="mistral-small",
        llm_api_key=api_key,
        llm_timeout_seconds=7.5,
    )

    endpoint = llm_endpoint(settings)
    assert endpoint is not None
    answerer = GenerativeAnswerer.from_endpoint(endpoint)

    model = answerer.model
    assert isinstance(model, ChatOpenAI)
    assert model.openai_api_base == "http://127.0.0.1:11434/v1"
    assert model.model_name == "mistral-small"
    assert model.request_timeout == 7.5
    assert model.max_retries == 0
    assert model.openai_api_key is not None
    assert model.openai_api_key.get_secret_value() == (api_key or "no-key")


# --- the checks themselves ------------------------------------------------------------


def chunk(text: str, title: str = "Rapport d'activités 2023", page: int = 4) -> Chunk:
    return Chunk(
        id=text[:20],
        path="publications/r.pdf",
        title=title,
        kind="publication",
        page=page,
        section="",
        text=text,
        position=0,
    )


PASSAGE = (
    "Le groupe-pays Mali, présidé par Halima Menhoudj, élue de Montreuil, s'est réuni à "
    "quatre reprises le 12/03/2024. Le fonds dispose de 520 000 euros, soit 1,5 million "
    "sur trois ans."
)


@pytest.mark.parametrize(
    "sentence",
    [
        "Le groupe est présidé par HALIMA MENHOUDJ.",  # case and accents are folded
        "Le groupe s'est réuni 4 fois.",  # « quatre » in the passage
        "Il s'est réuni le 12 mars 2024.",  # a month written out = 12/03/2024
        "Le fonds dispose de 520000 € (520 000 €, 520.000 €).",  # thousands separators
        "Soit 1 500 000 euros, ou 1,50 million.",  # millions written both ways
        "Selon le Rapport d'activités 2023, p. 4, c'est CUF qui le dit.",  # title, page, CUF
        "Elle est élue de Montreuil.",
    ],
)
def test_claims_found_in_the_passage_are_supported(sentence: str) -> None:
    assert unsupported(sentence, known_facts([f"Rapport d'activités 2023, p. 4\n{PASSAGE}"])) == []


@pytest.mark.parametrize(
    ("sentence", "missing"),
    [
        ("Le groupe est présidé par Pascal Duforestel.", ["Pascal", "Duforestel"]),
        ("Il s'est réuni 47 fois en 2023.", ["47", "2023"]),
        ("Il s'est réuni le 14 avril 2024.", ["14", "avril"]),
        ("The fund holds 520,001 euros.", ["520,001"]),
        ("Halima Menhoudj est élue de Lyon.", ["Lyon"]),
        ("AFD finance le fonds.", ["AFD"]),
        ("Canberra.", ["Canberra"]),  # a name alone, opening the sentence
        ("Canberra est la capitale.", ["Canberra"]),
    ],
)
def test_claims_missing_from_the_passage_are_named(sentence: str, missing: list[str]) -> None:
    assert unsupported(sentence, known_facts([PASSAGE])) == missing


def test_each_sentence_is_checked_against_the_passages_it_cites() -> None:
    passages = [chunk(PASSAGE), chunk("Le groupe-pays Sénégal est présidé par Jean Dupont.")]
    right = "Le Mali : Halima Menhoudj [1]. Le Sénégal : Jean Dupont [2]."
    crossed = "Le Mali : Jean Dupont [1]. Le Sénégal : Halima Menhoudj [2]."

    assert check_answer(right, passages, "fr", 900).refusal is None
    refused = check_answer(crossed, passages, "fr", 900)
    assert refused.refusal == "unsupported_claim"
    assert refused.detail == (
        "'Jean' not in [1]; 'Dupont' not in [1]; 'Halima' not in [2]; 'Menhoudj' not in [2]"
    )


def test_a_citation_after_the_full_stop_belongs_to_the_sentence_before() -> None:
    assert cited_sentences("Première phrase. [2] Seconde phrase [1].") == [
        ("Première phrase.", {2}),
        ("Seconde phrase [1].", {1}),
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Le groupe-pays Mali est présidé par Halima Menhoudj [1].", "fr"),
        ("The Mali country group is chaired by Halima Menhoudj [1].", "en"),
        ("Halima Menhoudj [1].", None),  # a name alone is in no language
    ],
)
def test_the_language_of_an_answer(text: str, language: str | None) -> None:
    assert language_of(text) == language


# --- python -m bot ask --json against the scripted server -----------------------------


@pytest.fixture(scope="module")
def cli_state(tmp_path_factory: pytest.TempPathFactory, built_index: Path) -> Path:
    """One copy of the index for this module's subprocesses (distinct chat ids)."""
    state = tmp_path_factory.mktemp("cli") / "state"
    shutil.copytree(built_index, state / "index")
    return state


def ask_json(state: Path, llm: ScriptedLLM | None, *questions: str, **env: str) -> list[Any]:
    """``python -m bot ask --json`` in a subprocess configured only by the environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CUF_", "OPENAI_"))}
    clean.update(CUF_KNOWLEDGE_DIR=str(KNOWLEDGE), CUF_STATE_DIR=str(state), CUF_CALENDAR_URLS="")
    if llm is not None:
        clean.update(
            CUF_LLM_BASE_URL=llm.base_url,
            CUF_LLM_MODEL=MODEL,
            CUF_LLM_API_KEY=GOOD_KEY,
            CUF_LLM_TIMEOUT_SECONDS="10",
        )
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--chat", f"cli-{next(_chats)}"],
        input="\n".join(questions) + "\n",
        capture_output=True,
        text=True,
        env=clean,
        cwd=state.parent,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


_chats = itertools.count()


@pytest.fixture(scope="module")
def quoted_cli(cli_state: Path) -> dict[str, Any]:
    """The CLI's answer to MALI_CLI with no endpoint configured: every fallback must give it."""
    [answer] = ask_json(cli_state, None, MALI_CLI)
    assert HALIMA in answer["answer"] and answer["sources"]
    return answer  # type: ignore[no-any-return]


def test_cli_ask_json_shows_valid_answers_and_falls_back_on_bad_ones(
    cli_state: Path, llm: ScriptedLLM, quoted_cli: dict[str, Any]
) -> None:
    replies = iter(
        [
            lambda n: f"Le groupe-pays Mali est présidé par {HALIMA} [{n}].",
            lambda n: f"Le groupe-pays Mali est présidé par Pascal Duforestel [{n}].",
            lambda n: f"Le groupe-pays Mali s'est réuni 47 fois [{n}].",
            lambda n: f"[{n}]",
        ]
    )
    llm.script = lambda body: (
        Reply.text(next(replies)(passage_number(body, HALIMA)))
        if "Extraits" in body["messages"][1]["content"]
        else Reply.text(MALI_CLI)  # a follow-up rewrite, should the assistant ask for one
    )

    valid, wrong_name, figure, bare = ask_json(cli_state, llm, *[MALI_CLI] * 4)

    assert valid["answer"] == f"Le groupe-pays Mali est présidé par {HALIMA} [1]."
    assert valid["answered"] is True and HALIMA in valid["sources"][0]["excerpt"]
    assert wrong_name == figure == bare == quoted_cli
    answer_requests = [r for r in llm.chat_requests if "Extraits" in str(r.body)]
    assert len(answer_requests) == 4
    assert all((r.body or {})["max_tokens"] == 400 for r in llm.chat_requests)


def test_cli_ask_json_falls_back_when_the_endpoint_is_slower_than_the_timeout(
    cli_state: Path, llm: ScriptedLLM, quoted_cli: dict[str, Any]
) -> None:
    llm.reply_with(Reply.text("trop tard", delay=60))

    [answer] = ask_json(cli_state, llm, MALI_CLI, CUF_LLM_TIMEOUT_SECONDS="1")

    assert answer == quoted_cli
    assert llm.pending == 1  # the CLI had answered while the server was still "writing"


@pytest.mark.parametrize(
    "env",
    [
        {"CUF_LLM_API_KEY": "wrong-key"},
        {"CUF_LLM_MODEL": "no-such-model"},
        {"CUF_LLM_BASE_URL": "http://127.0.0.1:9/v1"},  # nothing listens on port 9
    ],
)
def test_cli_ask_json_falls_back_on_a_wrong_key_model_or_address(
    cli_state: Path, llm: ScriptedLLM, quoted_cli: dict[str, Any], env: dict[str, str]
) -> None:
    llm.reply_with(f"Le groupe-pays Mali est présidé par {HALIMA} [1].")

    [answer] = ask_json(cli_state, llm, MALI_CLI, **env)

    assert answer == quoted_cli
    assert len(llm.chat_requests) == (0 if "CUF_LLM_BASE_URL" in env else 1)
