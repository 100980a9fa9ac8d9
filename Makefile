# Two entry points for a newcomer: `make demo` and `make test`.
# Both build .venv themselves; nothing has to be installed by hand but Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

# The models' matrices are small: BLAS threads only compete with each other.
export OMP_NUM_THREADS ?= 1

.PHONY: demo test install install-test bench clean assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

install: $(STAMP)
install-test: $(TEST_STAMP)

demo: $(STAMP)
	REDLINE_STORE=$${REDLINE_STORE:-demo.duckdb} $(BIN)/redline demo

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

# Natural Earth borders (npm package world-atlas, public domain) for the brief's map.
# The copied file is committed, so `make demo` needs no node; rerun after a version bump.
ASSETS := src/redline/reports/assets
assets:
	npm ci --ignore-scripts --no-audit --no-fund
	cp node_modules/world-atlas/countries-50m.json $(ASSETS)/countries-50m.json
	cp node_modules/world-atlas/LICENSE $(ASSETS)/world-atlas-LICENSE.txt
	# DejaVu Sans (free licence), cut to Latin and punctuation, embedded in every brief.
	fonts=$$($(BIN)/python -c 'import matplotlib, os; print(os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data/fonts/ttf"))') && \
	for w in "" -Bold; do $(BIN)/pyftsubset $$fonts/DejaVuSans$$w.ttf --unicodes=U+0020-007E,U+00A0-00FF,U+0100-017F,U+2010-2027,U+2030-203A,U+2190-2193,U+2212,U+2248,U+2264,U+2265,U+00D7,U+25A0-25CF \
	  --layout-features='kern,liga' --output-file=$(ASSETS)/DejaVuSans$$w-subset.ttf || exit 1; done && \
	cp $$fonts/LICENSE_DEJAVU $(ASSETS)/DejaVu-LICENSE.txt

bench: $(TEST_STAMP)
	for f in bench/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) demo.duckdb .pytest_cache
