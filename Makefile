# Two commands for a newcomer: `make run` and `make test`. Everything else is a step they call.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DB ?= $(or $(SIKKERBY_DB),data/sikkerby.duckdb)
PORT ?= 8501
# Only this machine can open the app; `make run ADDRESS=0.0.0.0` opens it to the network (a server deployment).
ADDRESS ?= 127.0.0.1
SOURCES := data/reference/befkbhalderkoencivst.csv data/reference/bydele.geojson data/sample/indsatser.xlsx

.PHONY: run test screenshots lint format build sample bench mutants clean

# MALLOC_ARENA_MAX=2: Streamlit runs every rerun in a new thread, and glibc gives threads arenas of their own;
# with many arenas the server's memory climbed from 470 to 900 MB over 30 reruns at 1000× the sample, with two
# it levels off at about 570 MB (benchmarks/results.md).
# MALLOC_MMAP_THRESHOLD_=131072: glibc gives every block of 128 KB or more (a column of a result) its own pages and
# hands them back when freed. By default it raises that limit as blocks are freed and then keeps up to 32 MB blocks
# in its heap: at 1000× the sample the warming's peak was about 100 MB higher (benchmarks/results.md).
# scripts/start_warming.py runs the script once as soon as the server listens, so the caches of every page are warmed
# before the first visitor (dashboard/warmup.py).
run: $(VENV)/.runtime-installed $(DB)  ## start the dashboard on http://localhost:8501
	$(BIN)/python scripts/start_warming.py $(PORT) &
	MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 SIKKERBY_DB=$(DB) $(BIN)/streamlit run dashboard/app.py --server.port $(PORT) --server.address $(ADDRESS) \
		--server.scriptHealthCheckEnabled true

# One pytest worker per core (pytest-xdist): the browser tests run in order on one worker while the others take the
# remaining modules one at a time (tests/conftest.py). `make test TEST_WORKERS=0` runs everything in one process.
test: $(VENV)/.dev-installed  ## lint, format check, then every test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n $(or $(TEST_WORKERS),auto) --dist loadscope

# The browser tests again, saving every page at 1920, 1400, 768 and 390 px (with and without a district filter),
# the sign-in pages and the brief under tests/artifacts/ to look at; `make test` runs the same assertions without drawing them.
screenshots: $(VENV)/.dev-installed  ## screenshots of every page at four widths in tests/artifacts/
	SIKKERBY_SCREENSHOTS=1 $(BIN)/pytest -q tests/test_browser.py tests/test_browser_signin.py

build: $(VENV)/.runtime-installed  ## rebuild the database from data/ (reference data + sample portfolio)
	$(BIN)/python -m pipelines build --db $(DB)

sample: $(VENV)/.runtime-installed  ## regenerate the sample workbook data/sample/indsatser.xlsx
	$(BIN)/python scripts/generate_sample_portfolio.py

# Not part of `make test`: loads and page runs at 1×, 100× and 1000× the sample against their floors
# (benchmarks/results.md, about 30 minutes), then the browser load test with 20 sessions.
bench: $(VENV)/.dev-installed  ## measure load and pages at 1×, 100×, 1000×; browser load test with 20 sessions
	$(BIN)/python scripts/benchmark.py $(SCALES)
	SIKKERBY_LOAD_SESSIONS=20 $(BIN)/pytest -q tests/test_browser.py -k sessions

# Not part of `make test`: mutates where the money and the privacy are decided: dashboard/queries.py,
# analysis.py, scenarios.py, scenario_outcome.py, brief.py, focus_area_annex.py, disclosure.py, decisions.py, decision_store.py and
# pipelines/transform.py (see [tool.mutmut] in pyproject.toml), and runs the fast tests against each mutant.
# Starts afresh, so every mutant meets the current tests. `$(BIN)/mutmut results` lists survivors,
# `mutmut show NAME` one. `make mutants MUTANTS='dashboard.scenarios*'` mutates one module only (names as
# `mutmut results` gives them; quote the pattern).
mutants: $(VENV)/.dev-installed  ## mutation testing of the money and privacy modules with the fast tests
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(or $(MUTANT_JOBS),2) $(MUTANTS)
	$(BIN)/mutmut export-cicd-stats
	$(BIN)/python -c 'import json; s = json.load(open("mutants/mutmut-cicd-stats.json")); \
	print("mutants {total}: killed {killed}, timeout {timeout}, survived {survived}, no tests {no_tests}, suspicious {suspicious}".format(**s)); \
	print("kill rate (killed + timeout) / total: {:.1%}".format((s["killed"] + s["timeout"]) / s["total"]))'

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Built when missing or older than its sources, but never over a workbook an analyst loaded.
$(DB): $(SOURCES) | $(VENV)/.runtime-installed
	$(BIN)/python -m pipelines build --keep-loaded --db $(DB)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

clean:
	rm -rf $(VENV) data/sikkerby.duckdb tests/artifacts .pytest_cache .ruff_cache
