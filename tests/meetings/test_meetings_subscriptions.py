"""Subscriptions and lead times persist across restarts (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.meetings.subscriptions import Subscription, SubscriptionStore, parse_leads
from bot.storage import Database


def test_follow_unfollow_persist_across_restart(database_target: str | Path):
    path = database_target
    store = SubscriptionStore(Database(path))
    assert store.follow("42", "japon") is True
    assert store.follow("42", "japon") is False
    assert store.follow("42", "mali") is True
    assert store.follow("7", "mali") is True
    store.set_leads("42", [60, 2880, 60])

    restarted = SubscriptionStore(Database(path))
    assert restarted.following("42") == ["japon", "mali"]
    assert restarted.chats_following("mali") == ["42", "7"]
    assert restarted.leads("42") == (2880, 60)
    assert restarted.leads("7") is None
    assert sorted(restarted.all(), key=lambda sub: sub.chat_id) == [
        Subscription("42", frozenset({"japon", "mali"}), (2880, 60)),
        Subscription("7", frozenset({"mali"}), None),
    ]

    assert restarted.unfollow("42", "japon") is True
    assert restarted.unfollow("42", "japon") is False
    restarted.forget("42")
    again = SubscriptionStore(Database(path))
    assert again.following("42") == [] and again.leads("42") is None
    assert again.following("7") == ["mali"]


def test_parse_leads():
    assert parse_leads("1440, 60") == (1440, 60)
    with pytest.raises(ValueError, match="n'est pas une liste de minutes"):
        parse_leads("demain")
    with pytest.raises(ValueError, match="Délai de 0 minutes refusé"):
        parse_leads("0")
    with pytest.raises(ValueError, match="au moins un délai"):
        parse_leads(",")


def test_funding_schemes_followed_persist_and_are_forgotten(database_target: str | Path):
    store = SubscriptionStore(Database(database_target))
    assert store.follow_scheme("42", "afd_ficol") is True
    assert store.follow_scheme("42", "afd_ficol") is False
    assert store.follow_scheme("42", "meae_aap_generaliste") is True
    assert store.follow_scheme("7", "afd_ficol") is True
    store.follow("42", "mali")

    restarted = SubscriptionStore(Database(database_target))
    assert restarted.schemes("42") == ["afd_ficol", "meae_aap_generaliste"]
    assert restarted.scheme_follows() == (
        ("42", "afd_ficol"),
        ("42", "meae_aap_generaliste"),
        ("7", "afd_ficol"),
    )
    subscriptions, schemes = restarted.everything()
    assert subscriptions == [Subscription("42", frozenset({"mali"}), None)]
    assert schemes == restarted.scheme_follows()
    assert restarted.unfollow_scheme("42", "afd_ficol") is True
    assert restarted.unfollow_scheme("42", "afd_ficol") is False
    restarted.forget("42")
    assert restarted.schemes("42") == [] and restarted.following("42") == []
    assert restarted.schemes("7") == ["afd_ficol"]
