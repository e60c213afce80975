# The two commands a newcomer needs are `make run` and `make test` (see README.md).
# `make run ARGS='--home /tmp/ana'` (or ARGS=--demo) passes options to the desktop client.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
PYTHON ?= python3

.PHONY: run test lint bench soak slow clean screenshots icons package translations

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -e '.[gui]'
	touch $@

$(VENV)/.dev: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -e '.[gui,dev]'
	touch $@ $(VENV)/.base

$(VENV)/.package: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -e '.[gui,dev,package]'
	touch $@ $(VENV)/.base $(VENV)/.dev

run: $(VENV)/.base
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ] && [ "$$QT_QPA_PLATFORM" != "offscreen" ]; then \
	  echo "No display here: run the headless peer instead with '$(VENV)/bin/studycircle serve' (docs/cli.md)."; \
	else $(PY) -m ui $(ARGS); fi

# PNGs of the main screens over a live demo circle, rendered offscreen.
screenshots: $(VENV)/.base
	QT_QPA_PLATFORM=offscreen $(PY) -m ui.screenshots docs/screenshots
	QT_QPA_PLATFORM=offscreen $(PY) -m ui.screenshots docs/screenshots --theme dark
	QT_QPA_PLATFORM=offscreen $(PY) -m ui.screenshots docs/screenshots --lang zh_CN

# After changing the UI's words: refresh the .ts from ui/ (new strings come in unfinished,
# gone ones leave), translate the unfinished ones, then run this again to compile the .qm
# (both are committed; tests/ui/test_translations.py checks they are up to date). A new
# language: docs/translations.md.
translations: $(VENV)/.base
	$(VENV)/bin/pyside6-lupdate ui/*.py -ts resources/translations/studycircle_*.ts -no-obsolete -locations none
	for ts in resources/translations/studycircle_*.ts; do $(VENV)/bin/pyside6-lrelease -silent $$ts -qm $${ts%.ts}.qm; done

# The app icon's PNG sizes, .ico and .icns from resources/icons/studycircle.svg (committed).
icons: $(VENV)/.base
	QT_QPA_PLATFORM=offscreen $(PY) resources/render_icons.py

# The one-folder Linux app in dist/studycircle/ (docs/packaging.md), then its smoke test:
# the built app starts offscreen, shows its window, comes online and exits 0.
package: $(VENV)/.package
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
	  packaging/linux/studycircle.spec
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -p no:cacheprovider -q -m package tests/packaging

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy app ui sync p2p
	$(PY) -m tests.lint.sql_outside_core

# Two workers, a test file each at a time (`--dist loadfile`: a file's tests share its
# fixtures and run in order): the suite's network and process tests mostly wait, and CI's
# 20 minutes do not hold them one after another (24 min serial on 2 cores).
test: lint
	sh tests/lan/ensure-deps.sh
	$(PY) -m pytest -n 2 --dist loadfile

bench: $(VENV)/.dev
	$(PY) bench/ingest.py
	$(PY) bench/reconcile.py
	$(PY) bench/catchup.py
	$(PY) bench/propagation.py
	$(PY) bench/search.py --notes 100000
	$(PY) bench/circle_search.py --items 20000
	QT_QPA_PLATFORM=offscreen $(PY) bench/startup.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/responsiveness.py --ops 100000
	$(PY) bench/assessment.py --students 300 --reviewers 3
	$(PY) bench/survey.py --students 300

# The multi-process CLI walk-throughs (a teacher and six students, coaching pairs): each
# command a Python start-up, too long for CI's 20 minutes beside the rest of the suite.
slow: $(VENV)/.dev
	$(PY) -m pytest -m slow -q

soak: $(VENV)/.dev
	SIM_SEEDS=2000 $(PY) -m pytest tests/sync/test_simulator.py -q
	ADVERSARY_SEEDS=1000 $(PY) -m pytest tests/sync/test_adversary.py -q --timeout=0

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist
