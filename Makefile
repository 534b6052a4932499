# Extract UNDP project documents into a validated dataset.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
RAW    ?= raw
OUT    ?= output
ARGS   ?=
N      ?= 200
CORPUS ?= tests/corpus
DOC_LANG ?= en
WORDING ?= halves

.PHONY: setup setup-ocr extract test test-fast lint fuzz scan-check score notebooks bench profile clean

STAMP  := $(VENV)/.installed

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# pip runs again only when pyproject.toml is newer than the last install (or the venv is new)
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)  ## install the pipeline and its test tools into .venv

setup-ocr:  ## install Tesseract and unpaper, which scanned pages are read with (apt-get)
	bash scripts/ocr-tools.sh

extract: setup  ## raw/ -> output/ (override with RAW=... OUT=...); scanned pages need make setup-ocr
	$(PY) -m pipeline extract $(RAW) --out $(OUT) $(ARGS)

test: setup setup-ocr  ## the whole test suite (installs the fonts and PDF producers of the test documents, and the OCR tools, if missing)
	bash tests/renderers.sh
	$(PY) -m pytest -q

test-fast: setup  ## the fast tests only (no whole-PDF extraction, no rendering): under half a minute
	$(PY) -m pytest -q -m fast

lint: setup  ## ruff: the lint rules and the formatting pyproject.toml sets
	$(VENV)/bin/ruff check pipeline tests bench
	$(VENV)/bin/ruff format --check pipeline tests bench

fuzz: setup  ## N documents of random layouts (make fuzz N=200 DOC_LANG=fr WORDING=unseen): rendered, extracted, scored, the two halves of header wordings reported apart; not part of make test
	bash tests/renderers.sh
	$(PY) -m tests.synth.fuzz --n $(N) --language $(DOC_LANG) --wording $(WORDING)

scan-check: setup setup-ocr  ## scans of CORPUS's documents (grey, bitonal, phone photo) scored per table against born-digital; not part of make test
	$(PY) -m tests.scan_check $(CORPUS) $(ARGS)

notebooks: extract  ## run the example notebooks against output/ (outputs are not saved)
	cd notebooks && PRODOC_OUTPUT=../$(OUT) ../$(VENV)/bin/jupyter-execute explore.ipynb

bench: setup  ## speed and memory figures into bench/results.json, and the README's table from them
	$(PY) bench/bench.py
	$(PY) bench/readme_table.py

profile: setup  ## where one document's time goes (cProfile of the sample) into bench/profile-after.txt
	$(PY) bench/profile.py --label after

score: extract  ## score output/ against the sample's answer key
	$(PY) tests/score.py $(OUT) tests/gold/undp-china-migrant-workers

clean:
	rm -rf $(OUT) .pytest_cache
