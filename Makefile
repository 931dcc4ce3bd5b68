# The two commands of the README: `make run` (the main job) and `make test` (every test).
# Both bootstrap uv into .tools/ with the machine's python3 and create .venv from uv.lock.
PYTHON ?= python3
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: run test test-fast lint bench docs clean bytecode serve

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv>=0.5"

# --compile-bytecode --all-extras: these machines set PYTHONDONTWRITEBYTECODE, so without it every run
# compiles every imported module again. Our own sources are installed editable (not in
# site-packages), so compileall writes their bytecode too; it skips files already compiled.
.venv/.synced: $(UV) pyproject.toml uv.lock Makefile
	$(UV) sync --frozen --quiet --compile-bytecode --all-extras
	touch .venv/.synced

bytecode: .venv/.synced
	.venv/bin/python -m compileall -q src

run: bytecode
	.venv/bin/asylum-pathways simulate --out results

test: bytecode
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/ruff format --check src tests benchmarks
	.venv/bin/mypy
	.venv/bin/lint-imports --no-cache
	.venv/bin/pytest

# The fast lane: every test but those driving a browser, starting a server or taking long.
test-fast: bytecode
	.venv/bin/pytest -m "not browser and not server and not slow"

bench: bytecode
	.venv/bin/python benchmarks/bench_determine.py
	.venv/bin/python benchmarks/bench_simulate.py
	.venv/bin/python benchmarks/bench_startup.py

serve: .venv/.synced
	.venv/bin/asylum-pathways serve

docs: .venv/.synced
	.venv/bin/python -m asylum_pathways.docs

clean:
	rm -rf .venv .tools results
