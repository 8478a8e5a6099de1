# offerlab: `make demo` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The demo keeps its store in a folder of its own unless the user names one.
DEMO_HOME ?= $(CURDIR)/.demo-home

# The wheel smoke test: the wheel built from a clean copy of this tree (an egg-info left by the
# editable install would list the package's files and hide what pyproject leaves out),
# installed into a fresh environment.
WHEEL_TREE := build/tree
WHEEL_DIR  := build/wheel
WHEEL_VENV := build/wheel-venv

.PHONY: demo test lint typecheck unit wheel-smoke bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	OFFERLAB_HOME=$${OFFERLAB_HOME:-$(DEMO_HOME)} bash scripts/demo.sh $(BIN)/offerlab

# Lint, format, and the import graph: the layers' arrows one way, no cycle (docs/architecture.md).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/python scripts/check_imports.py

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

unit: $(VENV)/.installed-dev
	$(BIN)/pytest

# Build the wheel, install it (no editable link, no dev tools) into a fresh environment with
# pip's own package index and --no-compile (bytecode is written on first use), and run every
# command group from it (scripts/smoke_wheel.py): a file missing from the wheel fails here.
wheel-smoke: $(VENV)/.installed-dev
	rm -rf build
	mkdir -p $(WHEEL_TREE)
	cp -R pyproject.toml README.md src $(WHEEL_TREE)/
	rm -rf $(WHEEL_TREE)/src/*.egg-info
	find $(WHEEL_TREE) -name __pycache__ -prune -exec rm -rf {} +
	$(BIN)/python -m pip wheel -q --no-deps -w $(WHEEL_DIR) $(WHEEL_TREE)
	$(PYTHON) -m venv --without-pip $(WHEEL_VENV)
	$(BIN)/python -m pip --python $(WHEEL_VENV)/bin/python install -q --no-compile $(WHEEL_DIR)/offerlab-*.whl
	$(WHEEL_VENV)/bin/python -I scripts/smoke_wheel.py --src src/offerlab --examples examples
	rm -rf build

test: lint typecheck unit wheel-smoke

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(DEMO_HOME) build .mypy_cache .pytest_cache .ruff_cache .hypothesis
