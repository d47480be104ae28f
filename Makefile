# Two entry points, both self-contained on a fresh machine:
#   make demo  - set up .venv and run one poll over the bundled Maildir
#   make test  - set up .venv and the loopback servers' packages, run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test system-deps clean demo-clean bench bench-smoke crash

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

demo: $(STAMP)
	$(BIN)/intake --config config.yaml poll
	$(BIN)/intake --config config.yaml list
	@echo
	@echo "Replies written to: var/outbox/   database: var/intake.db   raw mail and files: var/"

demo-clean:
	rm -rf var

system-deps:
	sh scripts/install-system-deps.sh

test: $(STAMP) system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Issue 6: SIGKILL the poller at random points while it ingests from a real Dovecot.
crash: $(STAMP) system-deps
	$(BIN)/python -m bench.crash_harness --messages 100 --kills 25

clean:
	rm -rf $(VENV) var .pytest_cache

# Issue 7: backlog ingest vs the floor, idle poll, peak RSS on a real loopback
# Dovecot (needs system-deps). Writes bench/results/campaign.{json,md,png}.
#   make bench BENCH_ARGS="--sizes 2000 --out bench/results/n2000"   whole campaign: ~15 min, ~30 GB
bench: $(STAMP) system-deps
	$(BIN)/python -m bench.campaign $(BENCH_ARGS)

bench-smoke: $(STAMP) system-deps
	$(BIN)/python -m bench.campaign --smoke
