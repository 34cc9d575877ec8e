"""One settings class: defaults, then ``.env``, then the environment (prefix ``CUF_``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Reminders go out the day before and one hour before, unless configured or chosen
# by the member (the one place this default is written).
DEFAULT_REMINDER_LEADS_MINUTES = (24 * 60, 60)
DEFAULT_FUNDING_REMINDER_DAYS = (30, 7)


class Settings(BaseSettings):
    """Everything the assistant can be configured with; tests build it directly."""

    model_config = SettingsConfigDict(
        env_prefix="CUF_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Content and generated state.
    knowledge_dir: Path = Path("knowledge")
    state_dir: Path = Path("state")
    timezone: str = "Europe/Paris"
    # Texts embedded at once during an ingest (one CPU core each); 0: every usable core.
    embed_threads: int = 0
    # How the ingest gets sentence vectors: "separate" embeds each sentence on its own;
    # "late" pools them from the passage's forward pass (about 45 % less ingest CPU, but
    # the question bank's held-out half loses a little: see docs/architecture.md).
    sentence_vectors: Literal["separate", "late"] = "separate"

    # A running process answers from an index published by another one within this delay.
    index_check_seconds: float = 30.0

    # Conversation memory (follow-up questions).
    history_turns: int = 6
    history_ttl_minutes: int = 30

    # Optional generative mode: any OpenAI-compatible endpoint.
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str | None = None
    llm_timeout_seconds: float = 20.0
    llm_max_tokens: int = 400  # sent with every request: a rambling model stops there
    llm_max_answer_chars: int = 900  # longer generated answers are refused (quotes instead)
    llm_breaker_failures: int = 3  # consecutive endpoint failures that open the breaker…
    llm_breaker_cooldown_seconds: float = 300.0  # …for this long: no call, quotes at once

    # Meetings.
    calendar_urls: Annotated[list[str], NoDecode] = Field(default_factory=list)
    calendar_refresh_minutes: int = 60
    calendar_fetch_seconds: float = 20.0  # whole-fetch deadline of one calendar URL
    calendar_max_bytes: int = 5_000_000  # larger calendars (file or URL) are refused
    calendar_max_events: int = 5_000  # events kept per calendar
    reminder_leads_minutes: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_REMINDER_LEADS_MINUTES)
    )
    # Days before a followed funding call closes when its members are reminded (9:00).
    funding_reminder_days: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_FUNDING_REMINDER_DAYS)
    )

    # The reminder sweep: how often a running bot looks for due reminders (a sweep with
    # nothing due expands no calendar), and how long a claimed reminder stays reserved for
    # the process sending it (then, if never acknowledged, another process sends it).
    reminder_sweep_seconds: float = 60.0
    reminder_lease_seconds: float = 600.0

    # State: the SQLite file under state_dir, unless a PostgreSQL URL is given
    # (postgresql://user:password@host:5432/name), shared by several replicas.
    database_url: SecretStr | None = None

    # The staff's side (bot/staff/).
    retention_days: int = 180  # conversations and answer logs older than this are purged daily
    gaps_digest: bool = False  # a weekly digest of knowledge gaps to the admins (Mondays 9:00)
    staff_chat_id: int | None = None  # the staff chat members' questions are forwarded to
    handoff_per_day: int = 3  # questions a member may forward to the staff per day

    # Telegram.
    telegram_token: SecretStr | None = None
    telegram_base_url: str | None = None
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    allowed_user_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    rate_limit_per_minute: int = 12
    flood_limit_per_minute: int = 30
    telegram_retry_budget_seconds: float = 300.0
    telegram_startup_wait_seconds: float = 600.0
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    # polling or webhook; unset: webhook when webhook_url is set. In webhook mode a
    # replica never calls setWebhook: `python -m bot webhook set` is the deploy step.
    telegram_mode: Literal["polling", "webhook"] | None = None
    # Proactive throttling of sends (PTB's AIORateLimiter); 0 turns it off.
    telegram_max_messages_per_second: float = 30.0
    telegram_group_messages_per_minute: float = 20.0

    # Operations: health and metrics over HTTP (off while health_port is unset; 0 picks
    # a free port, logged), JSON logs.
    health_port: int | None = None
    health_listen: str = "127.0.0.1"
    health_cache_seconds: float = 30.0  # getMe and the LLM probe are asked at most this often
    log_format: Literal["text", "json"] = "text"

    @field_validator(
        "calendar_urls",
        "reminder_leads_minutes",
        "funding_reminder_days",
        "admin_ids",
        "allowed_user_ids",
        mode="before",
    )
    @classmethod
    def _split_comma_list(cls, value: object) -> object:
        """Lists come from the environment as comma-separated values: ``1,2,3``."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("reminder_leads_minutes", mode="after")
    @classmethod
    def _default_leads(cls, value: list[int]) -> list[int]:
        """An empty list means the default lead times."""
        return value or list(DEFAULT_REMINDER_LEADS_MINUTES)

    @field_validator("funding_reminder_days", mode="after")
    @classmethod
    def _check_funding_days(cls, value: list[int]) -> list[int]:
        """Distinct days, largest first, each between 1 and 365; empty means the default."""
        days = sorted(set(value or DEFAULT_FUNDING_REMINDER_DAYS), reverse=True)
        if any(not 1 <= day <= 365 for day in days):
            raise ValueError("CUF_FUNDING_REMINDER_DAYS: each value must be 1 to 365 days")
        return days

    @field_validator("telegram_base_url", mode="after")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        """A Bot API base URL ends with ``/bot``: the token is appended to it as is.

        Without that ending the token would become part of the host or port
        (and appear in error messages), so such a URL is refused up front. The
        message never repeats the value, which may hold the token by mistake.
        """
        if value is None or not value.strip():
            return None
        value = value.strip()
        parsed = urlsplit(value)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError("must start with http:// or https:// and name a host")
        if parsed.query or parsed.fragment or not parsed.path.endswith("/bot"):
            raise ValueError(
                "must end with /bot, without the token (e.g. http://127.0.0.1:8081/bot for a "
                "local telegram-bot-api server)"
            )
        try:
            parsed.port  # noqa: B018 (raises on a bad port)
        except ValueError:
            raise ValueError("has an invalid port") from None
        return value

    @field_validator("webhook_secret", mode="after")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram accepts 1 to 256 characters among ``A-Z a-z 0-9 _ -``."""
        if value is None or not value.get_secret_value():
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("must be 1 to 256 characters among A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("health_port", mode="before")
    @classmethod
    def _empty_port(cls, value: object) -> object:
        """``CUF_HEALTH_PORT=`` (empty) means off, like leaving it out."""
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def run_mode(self) -> str:
        """``polling`` or ``webhook`` (``telegram_mode``, else webhook when a URL is set)."""
        if self.telegram_mode is not None:
            return self.telegram_mode
        return "webhook" if self.webhook_url else "polling"

    @property
    def index_dir(self) -> Path:
        return self.state_dir / "index"

    @property
    def database_path(self) -> Path:
        return self.state_dir / "cuf.sqlite3"

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)
