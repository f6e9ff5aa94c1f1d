# One entry point for people and CI. `make run` sets everything up and runs the main job;
# `make test` runs ruff, mypy and the tests. Both create .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: setup run test score bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# The CPU build of torch first, so sentence-transformers does not pull a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/cchc extract ingest/samples --format table
	$(BIN)/cchc ingest ingest/samples
	$(BIN)/cchc cites "NĐ 107/2020"
	$(BIN)/cchc search "đơn vị nào chịu trách nhiệm số hóa hồ sơ TTHC" --k 3
	$(BIN)/cchc serve

test: setup
	$(BIN)/ruff check ingest kg search_api tests benchmarks eval
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

score: setup
	$(BIN)/python -m eval.score_seeds

bench: setup
	$(BIN)/python -m benchmarks.bench_extract
