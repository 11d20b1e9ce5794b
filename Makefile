# One command surface: `make run` starts the dashboard, `make test` runs every test.
# Both build .venv from the hash-locked requirements on first use; only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test bench demo lint lock clean

$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

venv: $(BIN)/.installed

run: venv
	$(BIN)/stridelog demo
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# the parser fuzzer at length: every seed file up to 4 MB (make test runs 1000 cases of small ones)
.PHONY: fuzz
fuzz: venv
	STRIDELOG_FUZZ_CASES=$(or $(FUZZ_CASES),10000) STRIDELOG_FUZZ_MAX_SEED_KB=4096 \
		STRIDELOG_FUZZ_SEED=$(or $(FUZZ_SEED),make-fuzz) $(BIN)/python -m pytest -q -s tests/test_fuzz.py

bench: venv
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.fit_decode
	$(BIN)/python -m benchmarks.archive
	$(BIN)/python -m benchmarks.roster
	$(BIN)/python -m benchmarks.pages
	$(BIN)/python -m benchmarks.memory

demo: venv
	$(BIN)/python -m sample_data.generate

lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--no-header --no-annotate -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
