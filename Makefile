# Two commands on a fresh machine: `make run` (the assistant) and `make test` (the tests).
# Both create the virtual environment and install what they need on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EMULATOR := tests/e2e/emulator

.PHONY: run test install ingest bench bench-scale bench-load lint clean

run: $(VENV)/.installed
	$(BIN)/python -m bot run

test: $(VENV)/.installed $(EMULATOR)/node_modules/.installed
	$(BIN)/python -m pytest

install: $(VENV)/.installed

ingest: $(VENV)/.installed
	$(BIN)/python ingest.py

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_answers.py
	$(BIN)/python bench/bench_reminders.py
	$(BIN)/python bench/bench_tutorial.py
	$(BIN)/python bench/bench_telegram_first_answer.py

# Long: cold ingests of 10x and 50x the shipped knowledge (about an hour on 2 cores).
bench-scale: $(VENV)/.installed
	$(BIN)/python bench/bench_scale.py --factors 1 10 50

bench-load: $(VENV)/.installed $(EMULATOR)/node_modules/.installed
	$(BIN)/python bench/bench_load.py --members 50 --messages 20

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

clean:
	rm -rf $(VENV) state $(EMULATOR)/node_modules .pytest_cache .mypy_cache .ruff_cache
