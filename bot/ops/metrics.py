"""The process's Prometheus metrics, in one registry served at ``/metrics``.

Counters are fed by the front end where things happen (one reply, one reminder,
one ingest); what other parts already count (the LLM endpoint's outcomes) is read
at scrape time by a collector, so nothing is counted twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

ANSWERS = Counter(
    "cuf_answers",
    "Replies to members' questions and commands, by kind and outcome (answered, refused).",
    ["kind", "outcome"],
    registry=REGISTRY,
)
REFUSALS = Counter(
    "cuf_refusals",
    "Replies that did not answer, by reason.",
    ["reason"],
    registry=REGISTRY,
)
ANSWER_LATENCY = Histogram(
    "cuf_answer_latency_seconds",
    "Time from receiving a question to the reply sent.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0),
    registry=REGISTRY,
)
REMINDERS_SENT = Counter("cuf_reminders_sent", "Meeting reminders delivered.", registry=REGISTRY)
REMINDERS_FAILED = Counter(
    "cuf_reminders_failed",
    "Meeting reminder sends that failed (released and retried by a later sweep).",
    registry=REGISTRY,
)
INGEST_RUNS = Counter(
    "cuf_ingest_runs",
    "Index builds run by this process (start-up, /reindex), by outcome (ok, failed).",
    ["outcome"],
    registry=REGISTRY,
)
WEBHOOK_UPDATES = Counter(
    "cuf_webhook_updates",
    "Webhook requests received, by outcome (accepted, forbidden, invalid).",
    ["outcome"],
    registry=REGISTRY,
)

# Generation outcomes that still gave the member an answer written by the model.
_NOT_FALLBACKS = frozenset({"kept"})


def record_reply(kind: str, outcome: str, reason: str | None, seconds: float) -> None:
    """One reply to a member: counted by kind and outcome, timed, refusals by reason."""
    ANSWERS.labels(kind=kind, outcome=outcome).inc()
    if reason:
        REFUSALS.labels(reason=reason).inc()
    ANSWER_LATENCY.observe(max(seconds, 0.0))


def record_reminder(sent: bool) -> None:
    (REMINDERS_SENT if sent else REMINDERS_FAILED).inc()


def record_ingest(ok: bool) -> None:
    INGEST_RUNS.labels(outcome="ok" if ok else "failed").inc()


class LLMCollector(Collector):
    """The LLM endpoint's outcome counts, read at scrape time from ``llm_status()``.

    ``cuf_llm_generations_total{outcome}`` mirrors every outcome counted by the
    generator; ``cuf_llm_fallbacks_total`` sums the answers that fell back to quotes
    (refused by a check, errors, timeouts, open breaker). Follow-up rewrites are
    not answers and are left out of the fallbacks.
    """

    def __init__(self, status: Callable[[], dict[str, Any] | None]) -> None:
        self._status = status

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        status = self._status()
        configured = GaugeMetricFamily(
            "cuf_llm_configured", "1 when an LLM endpoint is configured."
        )
        configured.add_metric([], 1.0 if status is not None else 0.0)
        yield configured
        generations = CounterMetricFamily(
            "cuf_llm_generations",
            "What happened to each generated answer or follow-up rewrite, by outcome.",
            labels=["outcome"],
        )
        fallbacks = CounterMetricFamily(
            "cuf_llm_fallbacks", "Generated answers replaced by quotes (any reason)."
        )
        outcomes: dict[str, int] = dict((status or {}).get("outcomes") or {})
        for outcome, count in sorted(outcomes.items()):
            generations.add_metric([outcome], float(count))
        fallen = sum(
            count
            for outcome, count in outcomes.items()
            if outcome not in _NOT_FALLBACKS and not outcome.startswith("followup")
        )
        fallbacks.add_metric([], float(fallen))
        yield generations
        yield fallbacks


_llm_collector: LLMCollector | None = None


def watch_llm(status: Callable[[], dict[str, Any] | None]) -> None:
    """Export the LLM endpoint's counts from ``status`` (the last call wins)."""
    global _llm_collector
    if _llm_collector is not None:
        REGISTRY.unregister(_llm_collector)
    _llm_collector = LLMCollector(status)
    REGISTRY.register(_llm_collector)


def exposition() -> bytes:
    """Every metric in Prometheus text format."""
    return generate_latest(REGISTRY)
