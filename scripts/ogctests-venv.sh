#!/usr/bin/env bash
# Create (once) the virtual environment of `ogctests`, the OGC API - Features Part 1
# conformance tests: it pins httpx<0.28 and pytest<9, so it cannot share the project's.
# Prints the environment's python. Location: $OGCTESTS_VENV or ~/.cache/ecoleads/ogctests-venv.
set -euo pipefail
venv=${OGCTESTS_VENV:-$HOME/.cache/ecoleads/ogctests-venv}
python=${PYTHON:-$(command -v python3.11 || command -v python3)}
if ! "$venv/bin/python" -c "import ogctests" >/dev/null 2>&1; then
  "$python" -m venv "$venv" >&2
  "$venv/bin/pip" install -q "ogctests==0.1.15" >&2
fi
echo "$venv/bin/python"
