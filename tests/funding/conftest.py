"""Shared fixtures: the shipped fiches, a fixed clock, questions analysed as in the bot."""

from __future__ import annotations

from datetime import datetime

import pytest
from funding_fixtures import NOW, SHIPPED, Ask

from bot.answers import Answer
from bot.funding.catalog import FundingCatalog
from bot.funding.explainer import FundingResponder
from bot.understanding.lexicon import load_lexicon
from bot.understanding.question import Analyzer


@pytest.fixture(scope="session")
def catalog() -> FundingCatalog:
    return FundingCatalog.load(SHIPPED)


@pytest.fixture(scope="session")
def responder(catalog: FundingCatalog) -> FundingResponder:
    return FundingResponder(catalog)


@pytest.fixture(scope="session")
def ask(catalog: FundingCatalog, responder: FundingResponder) -> Ask:
    """The responder's answer to a message, analysed as the assistant analyses it."""
    analyzer = Analyzer(
        load_lexicon(), find_schemes=lambda text: [fiche.id for fiche in catalog.find(text)]
    )

    def ask(question: str, now: datetime = NOW) -> Answer | None:
        return responder.try_answer(analyzer.analyze(question), now)

    return ask
