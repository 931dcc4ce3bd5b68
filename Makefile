# The two commands of the README: `make run` (the main job) and `make test` (every test).
# Both bootstrap uv into .tools/ with the machine's python3 and create .venv from uv.lock.
PYTHON ?= python3
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: run test lint bench docs clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv>=0.5"

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet --all-extras
	touch .venv/.synced

run: .venv/.synced
	.venv/bin/asylum-pathways simulate --out results

test: .venv/.synced
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/ruff format --check src tests benchmarks
	.venv/bin/mypy
	.venv/bin/pytest

bench: .venv/.synced
	.venv/bin/python benchmarks/bench_determine.py
	.venv/bin/python benchmarks/bench_simulate.py

docs: .venv/.synced
	.venv/bin/python -m asylum_pathways.docs

clean:
	rm -rf .venv .tools results
