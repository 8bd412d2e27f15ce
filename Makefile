# `make run`: install, migrate, load demo data when the database is empty, serve on http://127.0.0.1:8000
# `make test`: install the test extras and run the whole suite (browser tests in their own pytest run)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# openfun's learning record store (ralph), for the xAPI tests: in its own environment, apart from drillhub's
LRS_VENV := .venv-lrs

.PHONY: run test serve migrate demo migration clean

run: $(VENV)/.installed
	$(BIN)/drillhub migrate
	$(BIN)/drillhub demo --if-empty
	$(BIN)/drillhub serve

test: $(VENV)/.installed-test $(LRS_VENV)/.installed
	$(BIN)/python -m pytest -m "not browser"
	$(BIN)/python -m pytest -m browser

migrate demo serve: $(VENV)/.installed
	$(BIN)/drillhub $@

# After changing a tables.py: `make migration DESC="what changed"` writes the next migration
# (review it, and test it on both engines).
migration: $(VENV)/.installed
	cd src && PICCOLO_CONF=drillhub.piccolo_conf ../$(BIN)/piccolo migrations new drillhub --auto --desc="$(DESC)"

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv"; rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q python3-venv; else sudo apt-get install -y -q python3-venv; fi \
	  && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	@touch $@ $(VENV)/.installed

$(LRS_VENV)/.installed: | $(BIN)/python
	rm -rf $(LRS_VENV)
	$(PYTHON) -m venv $(LRS_VENV)
	$(LRS_VENV)/bin/pip install -q 'ralph-malph[cli,lrs]==5.1.0' 'requests>=2.31'  # ralph's auth needs requests
	@touch $@

clean:
	rm -rf $(VENV) $(LRS_VENV) var src/*.egg-info
