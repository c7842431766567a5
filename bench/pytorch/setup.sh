#!/usr/bin/env bash
# Creates bench/pytorch/.venv with the current PyTorch release from PyPI: the peer kiln's
# benchmarks are compared against. Never needed by the build or the tests.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install --quiet --upgrade torch numpy safetensors
.venv/bin/python -c "import torch; print('PyTorch', torch.__version__, 'ready in bench/pytorch/.venv')"
