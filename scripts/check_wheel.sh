#!/usr/bin/env bash
# Build claimnlp's wheel, install it into a brand-new venv, and tag the sample report from another directory:
# proves the package (code, shipped pipelines, registered factories) works without the source checkout.
#   bash scripts/check_wheel.sh            (uses python3.11; CPU torch from this machine's disk first)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$PY" -m pip wheel -q --no-deps --no-build-isolation -w "$WORK/dist" "$ROOT" 2>/dev/null \
  || "$PY" -m pip wheel -q --no-deps -w "$WORK/dist" "$ROOT"
WHEEL=$(ls "$WORK"/dist/claimnlp-*.whl)
echo "built $(basename "$WHEEL") ($(du -h "$WHEEL" | cut -f1))" >&2
"$PY" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q --upgrade pip 2>/dev/null
"$WORK/venv/bin/python" -m pip install -q "torch==2.13.0"
"$WORK/venv/bin/python" -m pip install -q "$WHEEL"
cp "$ROOT/examples/peru_2020.txt" "$WORK/report.txt"
cd "$WORK"  # nowhere near the checkout
"$WORK/venv/bin/claimnlp" info
"$WORK/venv/bin/claimnlp" tag report.txt --format jsonl -o tagged.jsonl
# the claim layer's package data (word lists, the dashboard's script) and the database, from the wheel
"$WORK/venv/bin/claimnlp" extract report.txt -o claims.jsonl --model claimnlp-cnn
"$WORK/venv/bin/claimnlp" report claims.jsonl -o dashboard.html
"$WORK/venv/bin/claimnlp" db build report.txt -o claims.duckdb --model claimnlp-cnn
grep -q "plotly" dashboard.html
"$WORK/venv/bin/python" - <<'PY'
import json
rec = json.loads(open("tagged.jsonl", encoding="utf-8").readline())
labels = {s["label"] for s in rec["spans"]}
assert {"ORG", "QUANTITY", "POPULATION", "ASSESSMENT"} <= labels, labels
assert rec["relations"], "no counts relations"
print(f"wheel OK: {len(rec['spans'])} spans, {len(rec['relations'])} relations from the installed default pipeline")
PY
