# EcoLeads: `make run` serves the demo, `make test` runs the whole suite on SpatiaLite and PostGIS.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# SpatiaLite; Noto CJK and Pango for dossier PDFs and maps; poppler-utils to check PDFs in tests.
SYSTEM_PACKAGES := libsqlite3-mod-spatialite fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
	libharfbuzz-subset0 poppler-utils
# Browser tests drive Debian's Chromium (no browser download by the test tool); the OGC API
# tests read it with GDAL's ogrinfo (gdal-bin) and run ogctests in its own environment.
TEST_PACKAGES := chromium gdal-bin

.PHONY: run test install system-deps migrate demo lint docs bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { scripts/ensure-system-deps.sh python3-venv && $(PYTHON) -m venv $(VENV); }

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed system-deps

system-deps:
	@scripts/ensure-system-deps.sh $(SYSTEM_PACKAGES)

migrate: install
	$(BIN)/ecoleads migrate

demo: migrate
	$(BIN)/ecoleads demo

run: demo
	$(BIN)/ecoleads serve

test: install docs
	@scripts/ensure-system-deps.sh $(TEST_PACKAGES)
	@scripts/ogctests-venv.sh >/dev/null
	$(BIN)/ruff check .
	$(BIN)/mypy app geo models rules
	scripts/with-postgis.sh $(BIN)/pytest -q -n 2 --dist loadfile
	$(BIN)/python scripts/fuzz.py --max-examples 8

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy app geo models rules

# The reference site (docs/, mkdocs.yml) into var/site; --strict: a broken link or anchor, or a
# page missing from the nav, fails the build.
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir var/site

bench: install
	scripts/with-postgis.sh sh -c "$(BIN)/python bench/geocode.py && $(BIN)/python bench/geocode_single.py \
		&& $(BIN)/python bench/intake.py \
		&& $(BIN)/python bench/leads.py && $(BIN)/python bench/producers.py && $(BIN)/python bench/air.py && $(BIN)/python bench/map.py \
		&& $(BIN)/python bench/imagery.py"

# Property-based API fuzzing (schemathesis, ~3,800 cases, a few minutes): fails on any 5xx.
# `make test` runs a shorter pass (--max-examples 8: ~3,700 cases, about a minute).
fuzz: install
	$(BIN)/python scripts/fuzz.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache *.egg-info
