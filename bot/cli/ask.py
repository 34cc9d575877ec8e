"""``python -m bot ask`` and ``python -m bot chat``: the assistant without Telegram."""

from __future__ import annotations

import argparse
import io
import json
import sys
from typing import TYPE_CHECKING

from bot.answers import Answer
from bot.messages import message

if TYPE_CHECKING:
    from bot.app import Services

_CONSOLE_CHAT_ID = "console"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ask = subparsers.add_parser(
        "ask",
        help="answer a question (or one question per line on stdin)",
        description="Answers QUESTION; without it, reads one question per line on stdin "
        "and writes one result per line.",
    )
    ask.add_argument("question", nargs="?", help="the question, in French or English")
    ask.add_argument("--json", action="store_true", help="one JSON object per answer")
    ask.add_argument("--chat", default="cli", help="conversation id (follow-ups share it)")
    ask.set_defaults(handler=handle_ask)
    chat = subparsers.add_parser(
        "chat", help="interactive conversation in the terminal (no Telegram token needed)"
    )
    chat.set_defaults(handler=lambda _args, services: console_chat(services))


def handle_ask(args: argparse.Namespace, services: Services) -> int:
    if args.question is not None:
        answer = services.assistant.answer(args.question, args.chat)
        print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else render(answer))
        return 0
    # Bytes that are not UTF-8 become « � » rather than crash the loop.
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")
    for line in sys.stdin:
        if not line.strip():
            continue
        answer = services.assistant.answer(line, args.chat)
        print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else one_line(answer))
        sys.stdout.flush()
    return 0


def console_chat(services: Services) -> int:
    """A conversation in the terminal; ``/sources``, ``/oublier`` and ``/quitter`` work too.

    Ctrl-C or Ctrl-D leaves quietly, even in the middle of an answer.
    """
    print(message("console_welcome"))
    try:
        _converse(services)
    except (EOFError, KeyboardInterrupt):
        print()
    return 0


def _converse(services: Services) -> None:
    last: Answer | None = None
    while True:
        line = input(message("console_prompt")).strip()
        if line in {"/quitter", "/quit", "/q"}:
            return
        if line in {"/aide", "/help"}:
            print(message("console_help"))
        elif line == "/sources":
            print(render_passages(last) if last else message("console_no_answer_yet"))
        elif line == "/oublier":
            services.forget_chat(_CONSOLE_CHAT_ID)
            print(message("console_forgotten"))
        elif line:
            last = services.assistant.answer(line, _CONSOLE_CHAT_ID)
            print(render(last))


def render(answer: Answer) -> str:
    """An answer and its numbered sources, for a terminal."""
    lines = [answer.text]
    if answer.sources:
        lines.append("")
        lines += [
            f"[{number}] {source.label()}" + (f" — {source.url}" if source.url else "")
            for number, source in enumerate(answer.sources, start=1)
        ]
    lines += [
        message("console_attachment", filename=attachment.filename)
        for attachment in answer.attachments
    ]
    return "\n".join(lines)


def render_passages(answer: Answer) -> str:
    if not answer.sources:
        return message("console_no_sources")
    return "\n\n".join(
        f"[{number}] {source.label()}\n{source.excerpt or source.url or ''}"
        for number, source in enumerate(answer.sources, start=1)
    )


def one_line(answer: Answer) -> str:
    """An answer on a single line (for stdin mode)."""
    text = " ".join(answer.text.split())
    sources = "; ".join(
        f"[{number}] {source.label()}" for number, source in enumerate(answer.sources, start=1)
    )
    return message("console_one_line", text=text, sources=sources) if sources else text
