# auralab: `make run` sets up a fresh machine and runs the main job; `make test` sets up and tests.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
export KEDRO_DISABLE_TELEMETRY := 1
export DVC_NO_ANALYTICS := 1

.PHONY: setup run test lint typecheck dvc-yaml viz benchmark mlflow-ui

$(VENV)/.installed: requirements.txt requirements-nodeps.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt -e .
	$(BIN)/pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $@

setup: $(VENV)/.installed  ## create .venv with every pinned dependency

run: setup  ## the main job: `kedro run` on the embedded corpus (converts it to MIDI on first run)
	kedro run

lint: setup
	ruff check src tests benchmarks
	ruff format --check src tests benchmarks

typecheck: setup
	mypy

test: setup lint typecheck  ## lint, type-check and run every test (what CI runs)
	python -m auralab.dvc_stages --check
	python -m pytest -n 2 --dist loadfile

dvc-yaml: setup  ## regenerate dvc.yaml from the Kedro pipelines
	python -m auralab.dvc_stages

viz: setup  ## build kedro-viz as static files and serve them on http://127.0.0.1:4141
	kedro viz build --include-hooks
	python -m http.server 4141 --bind 127.0.0.1 --directory build

benchmark: setup
	python benchmarks/music_preprocess.py

mlflow-ui: setup  ## browse the runs in the embedded sqlite store on http://127.0.0.1:5000
	mlflow ui --backend-store-uri sqlite:///mlflow.db --host 127.0.0.1 --port 5000
