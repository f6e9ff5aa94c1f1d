# One entry point for people and CI. `make run` sets everything up and runs the main job;
# `make test` runs ruff, mypy and the tests. Both create .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

# Debian packages the readers need: Tesseract with Vietnamese for scans, LibreOffice for .doc/.rtf/.odt,
# and the Times New Roman metrics (Liberation) the OCR test corpus is set in.
SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-vie libreoffice-writer-nogui fonts-liberation

.PHONY: setup system run test score bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# The CPU build of torch first, so sentence-transformers does not pull a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: system $(STAMP)

system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else echo "Missing Debian packages (scans and .doc/.rtf/.odt need them): sudo apt-get install$$missing"; fi

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
