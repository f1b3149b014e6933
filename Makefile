# Two commands matter: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/loopbaan.tar.gz
export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

# What a trained model depends on: retrain when any of it changes.
BOT_INPUTS := config.yml bot/domain.yml $(shell find bot/data bot/nlu bot/dutch -type f \( -name '*.yml' -o -name '*.py' \) 2>/dev/null) var/spacy/pipeline-in-use

.PHONY: help setup train validate test pytest test-postgres backend-tests test-stories nlu-report run bench load profile

help:
	@echo "make run    start the bot, the action server and the backend"
	@echo "make test   run every test (sets up and trains first when needed)"
	@echo "make train  train the Rasa model into models/ (skipped when nothing changed)"
	@echo "make nlu-report  scores on the held-out NLU split, into docs/nlu/"
	@echo "make bench  latency and memory against a bare rasa init bot, into docs/"
	@echo "make profile  where our Rasa server spends its time per turn (py-spy), into var/bench/profile/"
	@echo "make load   20 clients chatting at once through the whole stack; checks every confirmed insight arrived (docs/load.json)"

setup:
	@bash tools/setup.sh

$(MODEL): $(BOT_INPUTS)
	$(RASA) train --config config.yml --domain bot/domain.yml --data bot/data --out models --fixed-model-name loopbaan
	@touch $@

train: setup $(MODEL)

validate: setup
	$(RASA) data validate --config config.yml --domain bot/domain.yml --data bot/data --fail-on-warnings

# The backend tests run twice: on SQLite (the default) and on PostgreSQL.
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

# Two workers (pytest-xdist), each test module on one worker: the modules that start real
# processes share them within the module. On PostgreSQL each worker gets its own database.
PYTEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile
# make test prints how long each step took (phase, seconds).
STEP = @echo "make test: $(1) done after $$(( $$(date +%s) - $(TEST_STARTED) )) s"
TEST_STARTED := $(shell date +%s)

pytest: train
	$(PYTEST)
	TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(PYTEST) tests/backend

test-postgres: train
	TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(PYTEST) tests/backend

# The backend's tests need no model: in `make test` they run on SQLite, then on PostgreSQL, on
# one worker while the model trains (training leaves one of the two cores idle most of the time).
backend-tests:
	$(PY) -m pytest tests/backend
	TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(PY) -m pytest tests/backend

test-stories: train
	$(RASA) test core --stories tests/stories --model $(MODEL) --e2e --fail-on-prediction-errors --out var/results/core

# Everything. Training and the backend's tests run side by side (each one's output is shown
# when it ends), then the other tests on two workers, then the stories.
test: setup
	$(call STEP,setup)
	@$(MAKE) --no-print-directory validate
	$(call STEP,data check)
	@$(MAKE) --no-print-directory --output-sync=target -j2 $(MODEL) backend-tests
	$(call STEP,training beside the backend's tests)
	$(PYTEST) --ignore=tests/backend
	$(call STEP,pytest)
	@$(MAKE) --no-print-directory test-stories
	$(call STEP,test stories)

# Intent and entity scores on the held-out split (tests/nlu/test_split.yml), into docs/nlu/.
nlu-report: train
	$(RASA) test nlu --nlu tests/nlu/test_split.yml --model $(MODEL) --out var/results/nlu
	@mkdir -p docs/nlu
	@cp var/results/nlu/intent_report.json var/results/nlu/intent_confusion_matrix.png docs/nlu/
	@cp var/results/nlu/DIETClassifier_report.json docs/nlu/entity_report_diet.json
	@cp var/results/nlu/LexiconEntityExtractor_report.json docs/nlu/entity_report_lexicon.json
	@$(PY) -m tools.nlu_summary docs/nlu

run: train
	$(PY) -m tools.run

bench: train
	$(PY) -m bench

# 20 simultaneous client conversations of 20 turns through REST, actions and the dossier
# (not part of `make test`); e.g. `make load LOAD_ARGS="--conversations 40"`.
LOAD_ARGS ?= --conversations 20 --turns 20
load: train
	$(PY) -m bench.loadrun $(LOAD_ARGS)

# A py-spy profile of our Rasa server during the benchmark conversation (bench/profile.py).
profile: train
	$(PY) -m pip install --quiet -c constraints.txt -e ".[profile]"
	$(PY) -m bench.profile $(PROFILE_ARGS)
