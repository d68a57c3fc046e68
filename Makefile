# Two commands do the whole set-up on a fresh machine:
#   make demo   create .venv, install deltagrad, make sure Graphviz's `dot` exists, run the demo
#   make test   the same set-up (and a headless Chromium for the picture tests), then the whole test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.deltagrad-installed

.PHONY: demo test lint bench bench-instructions graphviz browser install clean

demo: install graphviz
	$(VENV)/bin/deltagrad demo $(DEMO_ARGS)

test: install graphviz browser
	$(PY) -m pytest tests --nbmake notebooks

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install
	$(PY) -m bench

# Instructions per MLP step under valgrind's cachegrind: repeatable where CPU times on a shared machine are not.
bench-instructions: install
	$(PY) -m bench.instructions

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "deltagrad needs Python >= 3.11; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,notebooks]'
	@touch $(STAMP)

# Graphviz's layout program is a system binary, not a Python package.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Graphviz's dot is missing: installing Debian's graphviz package"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  else \
	    echo "deltagrad draws graphs with Graphviz's 'dot', which is not installed. Install it with one of:"; \
	    echo "  sudo apt-get install graphviz      # Debian, Ubuntu"; \
	    echo "  sudo dnf install graphviz          # Fedora, RHEL"; \
	    echo "  brew install graphviz              # macOS"; \
	    echo "  conda install -c conda-forge graphviz"; \
	    echo "then run make again."; \
	    exit 1; \
	  fi; \
	}
	@dot -V

# The picture tests open the notebooks in a real browser: Debian's Chromium and its driver (tests/browser).
browser:
	@{ command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Chromium is missing: installing Debian's chromium and chromium-driver for the picture tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "no chromium/chromedriver: the browser tests (tests/browser) will be skipped. To run them:"; \
	    echo "  sudo apt-get install chromium chromium-driver   # Debian, Ubuntu"; \
	  fi; \
	}

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .hypothesis
