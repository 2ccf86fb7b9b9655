#!/usr/bin/env bash
# Make .venv from nothing (idempotent): CPU torch from this machine's disk first,
# then claimnlp with its dependencies, editable, with the test extras.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -c "import torch" 2>/dev/null || python -m pip install -q "torch==2.13.0"
python -m pip install -q -e ".[dev]"
echo "claimnlp is set up in .venv ($(python -c 'import spacy; print("spaCy", spacy.__version__)'))" >&2
