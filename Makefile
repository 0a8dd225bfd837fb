# Everything a fresh machine needs goes through these targets; see README.md.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k analyze"`.
PYTEST_ARGS ?=

.PHONY: install native run test lint typecheck check-dialogues bench eval train-cues train-safety-cues demo clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	@touch $@

install: $(VENV)/.installed

# Optional mypyc build of the engines (api/native.py). Never fails: without a C compiler the
# engines run as pure Python. Rebuilt when an engine source changes; a stale build is never used.
NATIVE := build/native/.stamp
$(NATIVE): $(wildcard api/feedback/*.py api/safety/*.py) api/native.py tools/build_native.py \
		$(VENV)/.installed
	$(PY) tools/build_native.py
	@mkdir -p $(@D) && touch $@

native: $(NATIVE)

run: install $(NATIVE)
	$(PY) -m api.migrate
	$(VENV)/bin/uvicorn api.main:app --host $(HOST) --port $(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

check-dialogues: install
	$(PY) -m api.dialogue lint dialogues

test: install node_modules/.installed lint check-dialogues $(NATIVE)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

eval: install $(NATIVE)
	$(PY) -m api.feedback.eval
	@echo "--- holdout.jsonl: written in another style; no longer blind (its misses guided rules) ---"
	$(PY) -m api.feedback.eval --corpus tests/corpus/holdout.jsonl --no-misses
	@echo "--- holdout2.jsonl: another writer; was unseen until its first measurement ---"
	$(PY) -m api.feedback.eval --corpus tests/corpus/holdout2.jsonl --no-misses
	@echo "--- blind2.jsonl: the blind set; misses are not printed so that it stays blind ---"
	$(PY) -m api.feedback.eval --corpus tests/corpus/blind2.jsonl --no-misses
	@echo "--- blind3.jsonl: a second blind set by another author; figures only ---"
	$(PY) -m api.feedback.eval --corpus tests/corpus/blind3.jsonl --no-misses
	@echo "--- blind4.jsonl: a third blind set by yet another author; figures only ---"
	$(PY) -m api.feedback.eval --corpus tests/corpus/blind4.jsonl --no-misses
	$(PY) -m api.safety.eval

# Retrain the cue model from tests/corpus/nl.jsonl (deterministic; commit the result), then
# print its out-of-fold figures and the holdout table the threshold was chosen on.
train-cues: install
	$(PY) -m api.feedback.train_cues
	$(PY) -m api.feedback.train_cues --report

# Retrain the safety cue model from the dev sets of tests/safety (+ everyday sentences of the
# feedback corpus and the dialogue examples as negatives); deterministic, commit the result. Then
# print its out-of-fold figures and the threshold table (blind sets are never read).
train-safety-cues: install
	$(PY) -m api.safety.train_cues
	$(PY) -m api.safety.train_cues --report

bench: install $(NATIVE)
	$(PY) -m api.feedback.bench
	$(PY) -m bench.reply_latency
	$(PY) -m bench.load

demo: install
	$(PY) -m api.migrate
	$(PY) -m api.demo

clean:
	rm -rf $(VENV) node_modules build .mypy_cache .pytest_cache .ruff_cache
