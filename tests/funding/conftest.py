"""Shared fixtures: the shipped fiches, a fixed clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from funding_fixtures import SHIPPED

from bot.answers import AskContext
from bot.funding.catalog import FundingCatalog
from bot.funding.explainer import FundingResponder

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="session")
def catalog() -> FundingCatalog:
    return FundingCatalog.load(SHIPPED)


@pytest.fixture(scope="session")
def responder(catalog: FundingCatalog) -> FundingResponder:
    return FundingResponder(catalog)


@pytest.fixture
def context() -> AskContext:
    """22 November 2026, the date of the funding facts: every known call is closed."""
    return AskContext(chat_id="test", now=datetime(2026, 11, 22, 10, 0, tzinfo=PARIS))
