"""/healthz and /metrics over real sockets: checks, caching, status codes, exposition."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
from pathlib import Path

import httpx
import pytest

from bot.app import Services
from bot.ops import metrics
from bot.ops.health import HealthMonitor, service_checks
from bot.ops.http import Route, json_response, ops_routes, start_server, stop_server
from bot.ops.logs import JsonFormatter
from bot.settings import Settings
from bot.telegram.logs import TokenRedactor
from tests.llm_server import GOOD_KEY, MODEL, scripted_llm

REPO = Path(__file__).resolve().parents[2]


async def _get(port: int, path: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as client:
        return await client.get(f"http://127.0.0.1:{port}{path}")


async def test_healthz_is_200_when_every_check_passes_and_503_when_a_critical_one_fails() -> None:
    monitor = HealthMonitor()
    state = {"database": True}

    async def database() -> str:
        if not state["database"]:
            raise RuntimeError("database is locked")
        return "sqlite"

    async def llm() -> str:
        raise ConnectionError("endpoint down")

    monitor.add("database", database)
    server, port = start_server(ops_routes(monitor), "127.0.0.1", 0)
    try:
        healthy = await _get(port, "/healthz")
        monitor.add("llm", llm, critical=False)
        degraded = await _get(port, "/healthz")
        state["database"] = False
        failing = await _get(port, "/healthz")
    finally:
        await stop_server(server)

    assert healthy.status_code == 200
    assert healthy.headers["content-type"].startswith("application/json")
    assert healthy.json() == {
        "status": "ok",
        "checks": {"database": {"ok": True, "critical": True, "detail": "sqlite"}},
    }
    assert degraded.status_code == 200  # only quotes instead of generated answers
    assert degraded.json()["status"] == "degraded"
    assert degraded.json()["checks"]["llm"]["detail"] == "ConnectionError: endpoint down"
    assert failing.status_code == 503
    assert failing.json()["status"] == "fail"
    assert failing.json()["checks"]["database"] == {
        "ok": False,
        "critical": True,
        "detail": "RuntimeError: database is locked",
    }


async def test_a_slow_check_fails_on_its_timeout_and_results_are_cached() -> None:
    now = [100.0]
    monitor = HealthMonitor(clock=lambda: now[0])
    calls = {"telegram": 0}

    async def telegram() -> str:
        calls["telegram"] += 1
        return "@TestNameBot"

    async def stuck() -> str:
        await asyncio.sleep(30)
        return "never"

    monitor.add("telegram", telegram, cache_seconds=60)
    monitor.add("stuck", stuck, timeout=0.2)
    first = await monitor.report()
    now[0] += 30
    await asyncio.gather(monitor.report(), monitor.report())
    now[0] += 31
    last = await monitor.report()

    assert calls["telegram"] == 2  # once, then again only after 60 s
    assert first[0] == 503
    assert first[1]["checks"]["stuck"]["detail"] == "no answer within 0.2 s"
    assert last[1]["checks"]["telegram"]["ok"] is True


async def test_metrics_are_served_in_prometheus_text_format() -> None:
    server, port = start_server(ops_routes(HealthMonitor()), "127.0.0.1", 0)
    before = metrics.ANSWERS.labels(kind="documents", outcome="refused")._value.get()
    try:
        metrics.record_reply("documents", "refused", "not in the documents", 0.3)
        metrics.record_reminder(sent=True)
        metrics.record_reminder(sent=False)
        metrics.record_ingest(ok=True)
        response = await _get(port, "/metrics")
        missing = await _get(port, "/nothing")
    finally:
        await stop_server(server)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    assert f'cuf_answers_total{{kind="documents",outcome="refused"}} {before + 1}' in text
    assert 'cuf_refusals_total{reason="not in the documents"}' in text
    assert "cuf_answer_latency_seconds_bucket" in text
    assert 'cuf_answer_latency_seconds_bucket{le="0.5"}' in text
    assert "cuf_reminders_sent_total" in text and "cuf_reminders_failed_total" in text
    assert 'cuf_ingest_runs_total{outcome="ok"}' in text
    assert "process_resident_memory_bytes" in text
    assert missing.status_code == 404


async def test_post_is_refused_where_only_get_is_served_and_bodies_are_bounded() -> None:
    received: list[bytes] = []

    async def echo(headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        received.append(body)
        return json_response(200, {"bytes": len(body)})

    routes = [*ops_routes(HealthMonitor()), Route("/hook", post=echo)]
    server, port = start_server(routes, "127.0.0.1", 0)
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            refused = await client.post(f"http://127.0.0.1:{port}/healthz", content=b"{}")
            accepted = await client.post(f"http://127.0.0.1:{port}/hook", content=b"x" * 1000)
            try:
                huge = (
                    await client.post(f"http://127.0.0.1:{port}/hook", content=b"x" * 2_000_000)
                ).status_code
            except httpx.HTTPError:
                huge = -1  # the server closed the connection: refused as well
    finally:
        await stop_server(server)

    assert refused.status_code == 405
    assert accepted.json() == {"bytes": 1000}
    assert huge in (-1, 400, 413)
    assert received == [b"x" * 1000]


def _services(tmp_path: Path, built_index: Path, **overrides: object) -> Services:
    shutil.copytree(built_index, tmp_path / "state" / "index")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        state_dir=tmp_path / "state",
        knowledge_dir=REPO / "knowledge",
        calendar_urls=[],
        **overrides,
    )
    return Services(settings)


async def test_service_checks_see_the_database_the_index_and_the_llm_endpoint(
    tmp_path: Path, built_index: Path
) -> None:
    with scripted_llm() as llm:
        services = _services(
            tmp_path,
            built_index,
            llm_base_url=llm.base_url,
            llm_model=MODEL,
            llm_api_key=GOOD_KEY,
        )
        monitor = service_checks(services)
        before_loading = await monitor.report()
        await asyncio.to_thread(lambda: services.retriever)
        loaded = await monitor.report()
    wrong_model = _services(
        tmp_path / "other", built_index, llm_base_url=llm.base_url, llm_model="gone"
    )
    await asyncio.to_thread(lambda: wrong_model.retriever)
    without_llm = await service_checks(wrong_model).report()  # server stopped: unreachable

    assert before_loading[0] == 503
    assert before_loading[1]["checks"]["index"]["detail"] == "RuntimeError: index not loaded yet"
    assert loaded[0] == 200, loaded
    checks = loaded[1]["checks"]
    assert checks["database"] == {"ok": True, "critical": True, "detail": "sqlite"}
    assert checks["index"]["detail"].startswith("generation gen-")
    assert checks["llm"]["ok"] is True and MODEL in checks["llm"]["detail"]
    assert without_llm[0] == 200 and without_llm[1]["status"] == "degraded"
    assert "unreachable" in without_llm[1]["checks"]["llm"]["detail"]


def test_llm_outcomes_are_exported_with_the_fallbacks_summed() -> None:
    status = {"outcomes": {"kept": 4, "unsupported_claim": 2, "timeout": 1, "followup_kept": 3}}
    metrics.watch_llm(lambda: status)
    try:
        text = metrics.exposition().decode()
    finally:
        metrics.watch_llm(lambda: None)
    after = metrics.exposition().decode()

    assert 'cuf_llm_generations_total{outcome="kept"} 4.0' in text
    assert 'cuf_llm_generations_total{outcome="timeout"} 1.0' in text
    assert "cuf_llm_fallbacks_total 3.0" in text  # refused and timed out, not follow-ups
    assert "cuf_llm_configured 1.0" in text
    assert "cuf_llm_configured 0.0" in after and "cuf_llm_fallbacks_total 0.0" in after


def test_json_log_lines_are_objects_and_keep_the_token_out() -> None:
    token = "123456:SECRET-token-value"
    record = logging.LogRecord(
        "bot.telegram", logging.WARNING, __file__, 1, "call to %s failed", (token,), None
    )
    try:
        raise ValueError(f"bad url https://api/bot{token}/getMe")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    TokenRedactor(token).filter(record)
    line = JsonFormatter().format(record)

    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "WARNING" and entry["logger"] == "bot.telegram"
    assert entry["message"] == "call to <telegram-token> failed"
    assert "ValueError" in entry["exception"]
    assert token not in line
    assert entry["time"].endswith("+00:00")


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_health_port_means_off(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUF_HEALTH_PORT", value)
    assert Settings(_env_file=None).health_port is None  # type: ignore[call-arg]


def test_webhook_secrets_telegram_would_refuse_are_refused_up_front() -> None:
    with pytest.raises(ValueError, match="A-Z, a-z, 0-9"):
        Settings(_env_file=None, webhook_secret="with spaces!")  # type: ignore[call-arg]
    assert Settings(_env_file=None, webhook_secret="ok_-9").webhook_secret is not None  # type: ignore[call-arg]
