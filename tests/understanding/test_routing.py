"""Routing is a pure function of the analysed question: a table of cases."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.understanding.lexicon import load_lexicon
from bot.understanding.question import Analyzer
from bot.understanding.routing import Route, route

NOW = datetime(2027, 1, 5, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
ANALYZER = Analyzer(
    load_lexicon(),
    find_schemes=lambda text: ["afd_ficol"] if "ficol" in text.lower() else [],
    find_groups=lambda text: ["mali"] if "mali" in text.lower() else [],
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bonjour", Route.SMALLTALK),
        ("?", Route.SMALLTALK),
        ("merci !", Route.SMALLTALK),
        ("ya une reunion mali bientot?", Route.AGENDA),
        ("C'est quand la prochaine chronique géopolitique ?", Route.AGENDA),
        ("When is the next RAICT?", Route.AGENDA),
        ("je veux suivre le groupe mali", Route.AGENDA),
        ("Comment suivre un projet de coopération ?", Route.DOCUMENTS),  # no group named
        ("Quand ont lieu les RAICT en 2027 ?", Route.AGENDA),
        # Asking what is coming with no tense word: a window, a group that meets.
        ("Qu'y a-t-il la semaine prochaine ?", Route.AGENDA),
        ("Quand se réunit le groupe Mali ?", Route.AGENDA),
        ("Quel est le prochain webinaire sur le FICOL ?", Route.FUNDING),
        ("Où se sont tenues les RAICT 2023 ?", Route.DOCUMENTS),
        ("Quelle était la dernière réunion du groupe Mali ?", Route.DOCUMENTS),
        ("C'est quoi le FICOL ?", Route.FUNDING),
        # A scheme's « calendrier » is its calls' dates; a group's is its meetings.
        ("Quel est le calendrier du FICOL cette année ?", Route.FUNDING),
        ("Quel est le calendrier du groupe Mali cette année ?", Route.AGENDA),
        ("Mon syndicat d'eau peut-il financer un projet au Bénin ?", Route.FUNDING),
        ("Which schemes can a region use?", Route.FUNDING),
        ("Combien de projets le FICOL a-t-il financés entre 2017 et 2022 ?", Route.DOCUMENTS),
        ("Qui préside le groupe-pays Mali ?", Route.DOCUMENTS),
        # A month in a question about what happened is no meeting to come.
        ("Pourquoi le groupe Mali a publié une déclaration en octobre ?", Route.DOCUMENTS),
    ],
)
def test_route(text: str, expected: Route) -> None:
    assert route(ANALYZER.analyze(text), NOW) is expected
