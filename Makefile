# Two entry points for a newcomer: `make demo` and `make test`.
# Both build .venv themselves; nothing has to be installed by hand but Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

# The models' matrices are small: BLAS threads only compete with each other.
export OMP_NUM_THREADS ?= 1

.PHONY: demo test install install-test bench clean assets web-assets mutants

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The demo and the README tour use the reader, the web app and the PDF brief: the
# base package plus those extras (the Spark engine stays opt-in: `pip install -e '.[spark]'`).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[read,web,pdf]'
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

install: $(STAMP)
install-test: $(TEST_STAMP)

demo: $(STAMP)
	$(BIN)/redline demo

# Lint and types first (seconds), then the suite.
test: $(TEST_STAMP)
	$(BIN)/ruff check src
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# Natural Earth borders (npm package world-atlas, public domain) for the brief's map.
# The copied file is committed, so `make demo` needs no node; rerun after a version bump.
ASSETS := src/redline/reports/assets
assets:
	$(BIN)/python -m pip install --quiet -e '.[assets]'
	npm ci --ignore-scripts --no-audit --no-fund
	cp node_modules/world-atlas/countries-50m.json $(ASSETS)/countries-50m.json
	cp node_modules/world-atlas/LICENSE $(ASSETS)/world-atlas-LICENSE.txt
	# DejaVu Sans (free licence), cut to Latin and punctuation, embedded in every brief.
	fonts=$$($(BIN)/python -c 'import matplotlib, os; print(os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data/fonts/ttf"))') && \
	for w in "" -Bold; do $(BIN)/pyftsubset $$fonts/DejaVuSans$$w.ttf --unicodes=U+0020-007E,U+00A0-00FF,U+0100-017F,U+2010-2027,U+2030-203A,U+2190-2193,U+2212,U+2248,U+2264,U+2265,U+00D7,U+25A0-25CF \
	  --layout-features='kern,liga' --output-file=$(ASSETS)/DejaVuSans$$w-subset.ttf || exit 1; done && \
	cp $$fonts/LICENSE_DEJAVU $(ASSETS)/DejaVu-LICENSE.txt

# JavaScript and CSS of `redline serve`, from the npm registry (web/package-lock.json).
# The copied files are committed, so a fresh clone needs no node; rerun after a version bump.
# axe-core is only for the accessibility tests, so it goes to tests/web/, not into the package.
VENDOR := src/redline/web/static/vendor
NM := web/node_modules
web-assets:
	$(BIN)/python -m pip install --quiet -e '.[assets]'
	npm ci --prefix web --ignore-scripts --no-audit --no-fund
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/leaflet/images tests/web/vendor
	cp $(NM)/htmx.org/dist/htmx.min.js $(NM)/vega/build/vega.min.js $(NM)/vega-lite/build/vega-lite.min.js \
	   $(NM)/vega-embed/build/vega-embed.min.js $(NM)/vega-interpreter/build/vega-interpreter.min.js \
	   $(NM)/cytoscape/dist/cytoscape.min.js $(NM)/topojson-client/dist/topojson-client.min.js $(VENDOR)/
	cp $(NM)/leaflet/dist/leaflet.js $(NM)/leaflet/dist/leaflet.css $(VENDOR)/leaflet/
	cp $(NM)/leaflet/dist/images/*.png $(VENDOR)/leaflet/images/
	# the borders come from the brief's assets (make assets), served at /static/borders/
	cd $(NM) && for p in htmx.org vega vega-lite vega-embed vega-interpreter cytoscape topojson-client leaflet world-atlas; do \
	  printf '%s %s\n' $$p "$$(node -p "require('./$$p/package.json').version + ' ' + require('./$$p/package.json').license")"; \
	done > ../../$(VENDOR)/VERSIONS.txt
	cp $(NM)/axe-core/axe.min.js tests/web/vendor/axe.min.js

bench: $(TEST_STAMP)
	for f in bench/*.py; do $(BIN)/python $$f || exit 1; done

# Mutation testing (slow, not part of `make test`): a seeded sample of mutants of each
# module listed in mutants.toml, niced; rerun to continue, the score per module is printed.
mutants: $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[mutation]'
	PATH=$(abspath $(BIN)):$$PATH nice -n 10 $(BIN)/python scripts/mutants.py

clean:
	rm -rf $(VENV) .pytest_cache
