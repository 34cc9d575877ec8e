"""``python -m bot ask|chat|eval`` in a subprocess, on a copy of the corpus index."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from answering_helpers import KNOWLEDGE

from bot.messages import CUF_CONTACT

JAPAN = "Qui préside le groupe-pays Japon ?"
DONT_KNOW = (
    "Je ne trouve pas la réponse dans les documents de Cités Unies France dont je dispose. "
    f"Pour cette question, le mieux est de contacter l'équipe de CUF : {CUF_CONTACT}."
)


def run_bot(state: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("CUF_", "OPENAI_"))
    }
    env.update(CUF_KNOWLEDGE_DIR=str(KNOWLEDGE), CUF_STATE_DIR=str(state), CUF_CALENDAR_URLS="")
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=state.parent,  # no .env there: only the environment above configures the bot
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def cli_state(tmp_path_factory: pytest.TempPathFactory, built_index: Path) -> Path:
    """One copy of the index for this module (the tests use distinct chat ids)."""
    import shutil

    state = tmp_path_factory.mktemp("cli") / "state"
    shutil.copytree(built_index, state / "index")
    return state


def test_ask_json_prints_one_object(cli_state: Path, report_pages: dict[int, str]) -> None:
    result = run_bot(cli_state, "ask", JAPAN, "--json", "--chat", "json-1")

    [line] = result.stdout.splitlines()
    answer = json.loads(line)
    assert answer["answered"] is True
    assert answer["kind"] == "documents"
    assert "Karima Zerkani-Raynal" in answer["answer"]
    source = answer["sources"][0]
    assert source["title"] == "Rapport d'activités 2023"
    assert source["file"] == "publications/cuf-rapport-activites-2023.pdf"
    assert "Zerkani-Raynal" in report_pages[source["page"]]
    assert set(answer) >= {"answer", "answered", "kind", "sources"}


def test_ask_prints_the_answer_and_its_numbered_sources(cli_state: Path) -> None:
    result = run_bot(cli_state, "ask", JAPAN, "--chat", "text-1")

    lines = result.stdout.splitlines()
    assert "Karima Zerkani-Raynal" in lines[0]
    assert re.fullmatch(r"\[1\] Rapport d'activités 2023, p\. \d+", lines[lines.index("") + 1])


QUESTIONS = [
    JAPAN,
    "Quelle est la capitale de l'Australie ?",
    "bonjour",
]


def test_stdin_mode_writes_one_line_per_question(cli_state: Path) -> None:
    result = run_bot(cli_state, "ask", "--chat", "stdin-1", stdin="\n".join(QUESTIONS) + "\n\n")

    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert "Karima Zerkani-Raynal" in lines[0]
    assert " — Sources : [1] Rapport d'activités 2023, p. " in lines[0]
    assert lines[1] == DONT_KNOW
    assert lines[2].startswith("Bonjour ! Je suis l'assistant de Cités Unies France.")


def test_stdin_mode_json_writes_one_object_per_line(cli_state: Path) -> None:
    result = run_bot(cli_state, "ask", "--json", "--chat", "stdin-2", stdin="\n".join(QUESTIONS))

    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [answer["answered"] for answer in answers] == [True, False, True]
    assert answers[1] == {"answer": DONT_KNOW, "answered": False, "kind": "abstain", "sources": []}
    assert answers[0]["sources"]
    assert answers[2]["kind"] == "smalltalk" and answers[2]["sources"] == []


def test_chat_id_keeps_follow_ups_across_invocations(cli_state: Path) -> None:
    run_bot(cli_state, "ask", "Qui préside la dynamique Genre ?", "--chat", "follow-1")
    follow_up = run_bot(
        cli_state, "ask", "Elle est élue de quelle ville ?", "--json", "--chat", "follow-1"
    )
    other_chat = run_bot(
        cli_state, "ask", "Elle est élue de quelle ville ?", "--json", "--chat", "follow-2"
    )

    assert "Tours" in json.loads(follow_up.stdout)["answer"]
    assert "Tours" not in json.loads(other_chat.stdout)["answer"]


def test_console_chat_answers_until_end_of_input(cli_state: Path) -> None:
    genre, city = "Qui préside la dynamique Genre ?", "Elle est élue de quelle ville ?"
    stdin = "\n".join([genre, city, "/sources", "/oublier", city])

    result = run_bot(cli_state, "chat", stdin=stdin + "\n")

    out = result.stdout
    assert out.startswith(
        "Assistant Cités Unies France. Posez votre question (/aide pour l'aide).\n"
    )
    assert out.count("vous> ") == 6  # five lines, then end of input
    before, after = out.split("Conversation effacée.")
    assert "Élise Pereira-Nunes" in before
    assert "Tours" in before
    assert "[1] Rapport d'activités 2023, p. 10\n" in before  # /sources shows the excerpt
    assert "Tours" not in after  # the same follow-up, once forgotten, has nothing to follow
    assert out.endswith("vous> \n")


def test_eval_prints_the_figures_of_each_file(cli_state: Path, tmp_path: Path) -> None:
    cases = [
        {"id": "q1", "q": JAPAN, "expect_all": [["Zerkani-Raynal"]], "evidence": "Zerkani-Raynal"},
        {"id": "q2", "q": "Quelle est la capitale de l'Australie ?", "abstain": True},
        {"id": "q3", "q": "bonjour", "smalltalk": True},
    ]
    bank = tmp_path / "small.json"
    bank.write_text(json.dumps({"cases": cases}), encoding="utf-8")

    result = run_bot(cli_state, "eval", str(bank))

    lines = result.stdout.splitlines()
    assert lines[0] == "== small.json"
    figures = {}
    for line in lines[1:]:
        match = re.fullmatch(r"(.+?)\s+(\d\.\d\d)  \((\d+)/(\d+)\)(  failed: .+)?", line)
        if match:
            figures[match.group(1).strip()] = (float(match.group(2)), int(match.group(4)))
    assert figures["fact in answer"] == (1.0, 1)
    assert figures["unanswerable refused"] == (1.0, 1)
    assert figures["small talk without passages"] == (1.0, 1)
    assert "-- fact in answer 1.00 · unanswerable refused 1.00 · answerable refused 0.0%" in lines


def test_invalid_utf8_and_endless_messages_on_stdin_get_an_answer_each(cli_state: Path) -> None:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("CUF_", "OPENAI_"))
    }
    env.update(CUF_KNOWLEDGE_DIR=str(KNOWLEDGE), CUF_STATE_DIR=str(cli_state))
    stdin = b"Qui pr\xe9side \xff\xfe ?\n" + "👍 ".encode() * 3000 + b"\n" + b"a" * 100_000 + b"\n"

    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--chat", "garbage"],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=cli_state.parent,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(answers) == 3
    assert answers[1]["kind"] == "smalltalk" and answers[1]["sources"] == []


def test_garbage_gets_no_passages(cli_state: Path) -> None:
    garbage = [
        "😀🎉🙏" * 20,  # emoji only
        "\u200b\u200c\u200d\u2060" * 10,  # zero-width only
        "a" * 5000,
        "联合国城市合作的资金是多少",  # Chinese: neither a language nor words of the documents
    ]

    result = run_bot(cli_state, "ask", "--json", "--chat", "garbage-2", stdin="\n".join(garbage))

    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == len(garbage)
    for message, answer in zip(garbage, answers, strict=True):
        assert answer["sources"] == [], message[:20]
        assert answer["kind"] in {"smalltalk", "abstain"}, message[:20]
