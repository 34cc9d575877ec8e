"""Keeping an LLM endpoint honest: outcome counters, a circuit breaker, a start-up probe.

- :class:`GenerationStats` counts what happened to each generated answer (kept,
  refused and why, errors) for ``/stats`` and the logs.
- :class:`CircuitBreaker` stops calling an endpoint for a while after repeated
  failures, so members stop paying the timeout while it is down.
- :func:`probe_endpoint` asks ``GET /models`` once at start-up whether the key is
  accepted and the model served, so a misconfiguration is said once, clearly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bot.messages import message

logger = logging.getLogger(__name__)

# Outcomes besides the refusal kinds of ``verification.REFUSALS``.
KEPT = "kept"
ABSTAINED = "not_documented"  # the model said NON_DOCUMENTÉ
ERROR = "error"
TIMEOUT = "timeout"
CIRCUIT_OPEN = "circuit_open"


class GenerationStats:
    """Thread-safe counters of what happened to generated answers and follow-up rewrites."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def record(self, outcome: str) -> None:
        with self._lock:
            self._counts[outcome] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)


class CircuitBreaker:
    """Open after ``failures`` consecutive failures; closed again ``cooldown`` seconds later.

    Once the cooldown is over one call is let through: a success closes the
    breaker, a failure opens it for another cooldown.
    """

    def __init__(
        self,
        failures: int = 3,
        cooldown_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = max(1, failures)
        self._cooldown = cooldown_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._consecutive = 0
        self._open_until: float | None = None

    def allow(self) -> bool:
        """Whether a call may be made now."""
        with self._lock:
            return self._open_until is None or self._clock() >= self._open_until

    def record_success(self) -> None:
        with self._lock:
            self._consecutive = 0
            self._open_until = None

    def record_failure(self) -> bool:
        """Count a failure; ``True`` when it (re)opens the breaker."""
        with self._lock:
            self._consecutive += 1
            if self._consecutive < self._threshold:
                return False
            self._open_until = self._clock() + self._cooldown
            return True

    def trip(self) -> None:
        """Open now (the start-up probe found the endpoint misconfigured)."""
        with self._lock:
            self._consecutive = self._threshold
            self._open_until = self._clock() + self._cooldown

    @property
    def state(self) -> str:
        with self._lock:
            if self._open_until is None:
                return "closed"
            return "open" if self._clock() < self._open_until else "half-open"

    @property
    def cooldown_seconds(self) -> float:
        return self._cooldown


# Probe states.
PROBE_OK = "ok"
PROBE_UNAUTHORIZED = "unauthorized"
PROBE_MODEL_MISSING = "model_missing"
PROBE_NO_MODEL_LIST = "no_model_list"
PROBE_UNREACHABLE = "unreachable"
PROBE_NOT_RUN = "not_run"


@dataclass(frozen=True)
class ProbeResult:
    """What ``GET /models`` said: a state, and one line for the logs and ``/stats``."""

    state: str
    message: str
    models: tuple[str, ...] = ()

    @property
    def misconfigured(self) -> bool:
        """The key is refused or the model is not served: calls cannot succeed."""
        return self.state in (PROBE_UNAUTHORIZED, PROBE_MODEL_MISSING)


def probe_endpoint(base_url: str, model: str, api_key: str | None, timeout: float) -> ProbeResult:
    """Ask the endpoint for its models; never raises."""
    url = base_url.rstrip("/") + "/models"
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        response = httpx.get(url, headers=headers, timeout=timeout)
    except httpx.HTTPError as error:
        return ProbeResult(
            PROBE_UNREACHABLE,
            f"LLM endpoint unreachable at {url} ({type(error).__name__}: {error}); "
            "answers are quoted from the documents until it answers",
        )
    if response.status_code in (401, 403):
        return ProbeResult(
            PROBE_UNAUTHORIZED,
            f"LLM endpoint refused the API key (HTTP {response.status_code} at {url}): "
            "check CUF_LLM_API_KEY; answers are quoted from the documents meanwhile",
        )
    if response.status_code != 200:
        return ProbeResult(
            PROBE_NO_MODEL_LIST,
            f"LLM endpoint gave no model list (HTTP {response.status_code} at {url}); "
            f"model {model!r} not verified (is CUF_LLM_BASE_URL the API root, often …/v1?)",
        )
    models = _model_ids(response)
    if models is None:
        kind = response.headers.get("content-type", "unknown content")
        return ProbeResult(
            PROBE_NO_MODEL_LIST,
            f"LLM endpoint at {url} answered something that is not a model list ({kind}): "
            "check CUF_LLM_BASE_URL (often …/v1)",
        )
    if model not in models:
        listed = ", ".join(models[:10]) or "none"
        return ProbeResult(
            PROBE_MODEL_MISSING,
            f"LLM model {model!r} is not served at {base_url} (models: {listed}): "
            "check CUF_LLM_MODEL; answers are quoted from the documents meanwhile",
            models,
        )
    return ProbeResult(
        PROBE_OK, f"LLM endpoint ready: model {model!r} served at {base_url}", models
    )


def _model_ids(response: httpx.Response) -> tuple[str, ...] | None:
    try:
        body: Any = response.json()
    except ValueError:
        return None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return None
    return tuple(str(item["id"]) for item in data if isinstance(item, dict) and "id" in item)


_PROBE_STATES_FR = {
    PROBE_OK: "llm_probe_ok",
    PROBE_UNAUTHORIZED: "llm_probe_unauthorized",
    PROBE_MODEL_MISSING: "llm_probe_model_missing",
    PROBE_NO_MODEL_LIST: "llm_probe_no_model_list",
    PROBE_UNREACHABLE: "llm_probe_unreachable",
    PROBE_NOT_RUN: "llm_probe_not_run",
}
_OUTCOMES_FR = {
    "truncated": "llm_refused_truncated",
    "too_long": "llm_refused_too_long",
    "bare_citation": "llm_refused_bare_citation",
    "wrong_language": "llm_refused_wrong_language",
    "invalid_citation": "llm_refused_invalid_citation",
    "unsupported_claim": "llm_refused_unsupported_claim",
}


def status_lines(status: dict[str, Any]) -> list[str]:
    """The endpoint's state in French, for administrators (``/stats``)."""
    counts: dict[str, int] = status["outcomes"]
    probe = _PROBE_STATES_FR.get(status["probe"])
    state = message(probe) if probe else status["probe"]
    if status["breaker"] == "open":
        state += message("llm_breaker_open")
    refused = {kind: counts.get(kind, 0) for kind in _OUTCOMES_FR if counts.get(kind)}
    detail = ", ".join(
        f"{number} {message(_OUTCOMES_FR[kind])}" for kind, number in refused.items()
    )
    failed = counts.get(ERROR, 0) + counts.get(TIMEOUT, 0)
    return [
        message("llm_status_model", model=status["model"], state=state),
        message(
            "llm_status_answers",
            kept=counts.get(KEPT, 0),
            refused=sum(refused.values()),
            detail=f" ({detail})" if detail else "",
            failed=failed,
            timeouts=counts.get(TIMEOUT, 0),
            skipped=counts.get(CIRCUIT_OPEN, 0),
        ),
        message(
            "llm_status_followups",
            kept=counts.get("followup_kept", 0),
            refused=counts.get("followup_refused", 0),
        ),
    ]
