#!/usr/bin/env bash
# Issue 18's fuzz campaign in one command: see fuzz/README.md and fuzz/campaign.py.
#
# Usage: fuzz/campaign.sh [--minutes M] [--examples N] [--fault-runs R] [--out DIR] ...
#
# Runs with the repository's venv (.venv, made as CONTRIBUTING.md says, with the test
# extras) or $PYTHON, and installs atheris into it when it is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
python="${PYTHON:-$repo/.venv/bin/python}"

if ! "$python" -c "import hypothesis, pytest" >/dev/null 2>&1; then
    echo "fuzz/campaign.sh: $python lacks the test dependencies (pip install -e '.[test]')" >&2
    exit 2
fi
if ! "$python" -c "import atheris" >/dev/null 2>&1; then
    "$python" -m pip install --quiet atheris
fi
exec "$python" "$here/campaign.py" "$@"
