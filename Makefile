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
BOT_INPUTS := config.yml bot/domain.yml $(shell find bot/data bot/nlu bot/lexicon.py -type f \( -name '*.yml' -o -name '*.py' \) 2>/dev/null) var/spacy/pipeline-in-use

.PHONY: help setup train validate test pytest test-stories run bench

help:
	@echo "make run    start the bot, the action server and the backend"
	@echo "make test   run every test (sets up and trains first when needed)"
	@echo "make train  train the Rasa model into models/ (skipped when nothing changed)"

setup:
	@bash tools/setup.sh

$(MODEL): $(BOT_INPUTS)
	$(RASA) train --config config.yml --domain bot/domain.yml --data bot/data --out models --fixed-model-name loopbaan
	@touch $@

train: setup $(MODEL)

validate: setup
	$(RASA) data validate --config config.yml --domain bot/domain.yml --data bot/data --fail-on-warnings

pytest: train
	$(PY) -m pytest

test-stories: train
	$(RASA) test core --stories tests/stories --model $(MODEL) --e2e --fail-on-prediction-errors --out var/results/core

test: validate train pytest test-stories

run: train
	$(PY) -m tools.run

bench: train
	$(PY) -m bench
