"""The container files, checked without a container engine (none runs on these machines).

The image itself is not built by the tests (README, "Container"); what can be run
here is: the health-check script against a real listener, the entrypoint's seeding,
and the consistency of the Dockerfile and compose.yaml with the settings.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from bot.ops.health import HealthMonitor
from bot.ops.http import ops_routes, start_server, stop_server
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[2]


async def _healthcheck(port: int) -> int:
    import asyncio

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "docker" / "healthcheck.py"),
        env={**os.environ, "CUF_HEALTH_PORT": str(port)},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await process.wait()


async def test_the_health_check_script_follows_healthz() -> None:
    state = {"ok": True}

    async def database() -> str:
        if not state["ok"]:
            raise RuntimeError("down")
        return "sqlite"

    monitor = HealthMonitor()
    monitor.add("database", database)
    server, port = start_server(ops_routes(monitor), "127.0.0.1", 0)
    try:
        healthy = await _healthcheck(port)
        state["ok"] = False
        unhealthy = await _healthcheck(port)
    finally:
        await stop_server(server)
    nobody = await _healthcheck(port)  # nothing listens any more

    assert (healthy, unhealthy, nobody) == (0, 1, 1)


def test_the_entrypoint_seeds_an_empty_knowledge_volume_and_never_an_edited_one(
    tmp_path: Path,
) -> None:
    seed = tmp_path / "seed"
    (seed / "notes").mkdir(parents=True)
    (seed / "notes" / "a.md").write_text("shipped", encoding="utf-8")
    volume = tmp_path / "data"
    env = {
        **os.environ,
        "CUF_KNOWLEDGE_DIR": str(volume / "knowledge"),
        "CUF_STATE_DIR": str(volume / "state"),
        "CUF_KNOWLEDGE_SEED": str(seed),
    }
    script = str(REPO / "docker" / "entrypoint.sh")
    first = subprocess.run(["sh", script, "true"], env=env, capture_output=True, text=True)
    (volume / "knowledge" / "notes" / "a.md").write_text("edited", encoding="utf-8")
    second = subprocess.run(["sh", script, "echo", "ran"], env=env, capture_output=True, text=True)

    assert first.returncode == 0 and "initialised" in first.stdout
    assert (volume / "knowledge" / "notes" / "a.md").read_text(encoding="utf-8") == "edited"
    assert (volume / "state").is_dir()
    assert second.stdout.strip() == "ran"  # the command is run, the volume left alone


def test_dockerfile_and_compose_name_real_files_and_settings() -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    compose = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    settings = {f"CUF_{name.upper()}" for name in Settings.model_fields}

    for line in re.findall(r"^COPY (.+)$", dockerfile, re.MULTILINE):
        for source in line.split()[:-1]:
            assert (REPO / source).exists(), source
    named = set(re.findall(r"\bCUF_[A-Z_]+\b", dockerfile)) | set(
        compose["services"]["bot"]["environment"]
    )
    assert named - {"CUF_KNOWLEDGE_SEED"} <= settings, named - settings
    assert "healthcheck.py" in dockerfile and "healthcheck.py" in str(
        compose["services"]["bot"]["healthcheck"]
    )
    assert compose["services"]["db"]["profiles"] == ["postgres"]
    assert "cuf-data:/data" in compose["services"]["bot"]["volumes"]
