"""Follow-up questions rewritten by the model from the recent conversation.

« Et qui en est le trésorier ? » after « Qu'est-ce que le groupe-pays Mali ? » is
sent to the model with the previous questions, and comes back as a question that
stands alone. The rewrite is kept only if it keeps the new question's names and
figures and invents none; otherwise, or when the endpoint fails, the string rules
of :mod:`bot.answering.followup` decide.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from bot.answering.claims import known_facts, unsupported
from bot.answering.followup import standalone_question as rule_based_standalone
from bot.answering.llm_client import GuardedModel

logger = logging.getLogger(__name__)

#: (question as asked, standalone question) of earlier turns, oldest first.
Turns = Sequence[tuple[str, str]]

_TURNS_SHOWN = 3
_MAX_TOKENS = 80
_MAX_CHARS = 300
_PREFIX = re.compile(r"^\s*(?:question(?: reformulée| autonome)?|rewritten question)\s*:\s*", re.I)

PROMPT = """Tu aides un assistant documentaire. On te donne les questions précédentes d'un \
membre et sa nouvelle question. Réécris la nouvelle question pour qu'elle se comprenne seule, \
sans l'historique : remplace les pronoms et les sous-entendus par ce qu'ils désignent dans les \
questions précédentes. Si elle se comprend déjà seule, recopie-la telle quelle. Garde la langue \
de la nouvelle question. Réponds uniquement par la question réécrite, sur une seule ligne, \
sans explication ni guillemets."""


class FollowUpRewriter:
    """Rewrites a follow-up into a standalone question with the model, checked."""

    def __init__(self, model: GuardedModel) -> None:
        self._model = model

    def rewrite(self, turns: Turns, question: str) -> str | None:
        """The model's standalone version of ``question``, or ``None`` (failed or refused)."""
        if not turns:
            return question
        from langchain_core.messages import HumanMessage, SystemMessage

        earlier = [standalone for _asked, standalone in turns[-_TURNS_SHOWN:]]
        history = "\n".join(f"{number}. {text}" for number, text in enumerate(earlier, 1))
        messages = [
            SystemMessage(PROMPT),
            HumanMessage(
                f"Questions précédentes :\n{history}\n\nNouvelle question : {question}\n\n"
                "Question réécrite :"
            ),
        ]
        completion = self._model.complete(messages, purpose="followup", max_tokens=_MAX_TOKENS)
        if completion is None:
            return None
        rewritten = _clean(completion.text)
        problem = _problem(rewritten, question, earlier)
        if problem:
            self._model.stats.record("followup_refused")
            logger.info("Refused a follow-up rewrite (%s): %r", problem, rewritten[:120])
            return None
        self._model.stats.record("followup_kept")
        return rewritten

    def standalone_question(self, turns: Turns, question: str) -> str:
        """``question`` made standalone: by the model, else by the string rules."""
        if not turns:
            return question
        rewritten = self.rewrite(turns, question)
        if rewritten is not None:
            return rewritten
        return rule_based_standalone(question, turns[-1][1])


def _clean(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    first = lines[0] if lines else ""
    return " ".join(_PREFIX.sub("", first).strip().strip("«»\"'“”").split())


def _problem(rewritten: str, question: str, earlier: list[str]) -> str | None:
    """Why ``rewritten`` cannot replace ``question``, or ``None`` when it can."""
    if not rewritten:
        return "empty"
    if "[" in rewritten or "NON_DOCUMENT" in rewritten:
        return "an answer, not a question"
    if len(rewritten) > max(_MAX_CHARS, 2 * len(question)):
        return "too long"
    dropped = unsupported(question, known_facts([rewritten]))
    if dropped:
        return f"drops {', '.join(dropped)}"
    invented = unsupported(rewritten, known_facts([question, *earlier]))
    if invented:
        return f"invents {', '.join(invented)}"
    return None
