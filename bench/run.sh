#!/usr/bin/env bash
# Run the benchmarks in their own environment (bench/.venv).
#
# wininfparser, the peer we compare against, is installed ONLY here: it must never
# become a dependency of infmigrate. The repo itself is installed editable, so parser
# changes are picked up without reinstalling; the install step is re-run only when
# pyproject.toml changes (or the venv is missing / broken).
#
# Usage: bench/run.sh [--runs N] [--corpus PATH] [--files N]   parser benchmark (parse.py)
#        bench/run.sh cli [--runs N] [--corpus PATH]             command benchmark (cli.py)
#        bench/run.sh scaling [--scale X] [--shape S]          hostile shapes (scaling.py)
#        bench/run.sh sweep [--scale X] [--shape S]            more shapes, time only (sweep.py)
#        bench/run.sh formats [--scale X] [--shape S] [--format F]  output formats (formats.py)
#        bench/run.sh linked [--count N]                         INF and code joined (linked.py)
#        bench/run.sh csweep [--count N] [--shape S]             hostile C files (csweep.py)
#        bench/run.sh corpus [--checkout PATH]                   migration report (corpus_report.py)
#        bench/run.sh defects [CHECKOUT...]                      issue 10 defect classes (defects_report.py)
#        bench/run.sh stages [--memory SHAPE]                    stage breakdown (stages.py)
#        bench/run.sh all                                        both, one after the other
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
venv="$here/.venv"
peer="wininfparser==1.0.12.1"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi

stamp="$venv/.bench-installed"
want="$(sha256sum "$repo/pyproject.toml" | cut -d' ' -f1) $peer"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] \
    || ! "$venv/bin/python" -c "import wininfparser" >/dev/null 2>&1; then
    log="$venv/.install.log"
    if ! "$venv/bin/python" -m pip install --quiet -e "$repo" "$peer" >"$log" 2>&1; then
        # e.g. pyproject metadata that does not build yet (a missing README.md). parse.py
        # imports infmigrate from the working tree anyway, so its dependencies suffice.
        echo "bench/run.sh: 'pip install -e $repo' failed (see $log);" \
            "installing infmigrate's dependencies only" >&2
        mapfile -t deps < <("$venv/bin/python" -c '
import sys, tomllib
with open(sys.argv[1], "rb") as fh:
    print("\n".join(tomllib.load(fh)["project"].get("dependencies", [])))
' "$repo/pyproject.toml")
        if ! "$venv/bin/python" -m pip install --quiet "${deps[@]}" "$peer" >>"$log" 2>&1; then
            cat "$log" >&2
            exit 1
        fi
    fi
    echo "$want" > "$stamp"
fi

case "${1:-}" in
    cli)
        shift
        exec "$venv/bin/python" "$here/cli.py" "$@"
        ;;
    scaling)
        shift
        exec "$venv/bin/python" "$here/scaling.py" "$@"
        ;;
    sweep)
        shift
        exec "$venv/bin/python" "$here/sweep.py" "$@"
        ;;
    formats)
        shift
        exec "$venv/bin/python" "$here/formats.py" "$@"
        ;;
    linked)
        shift
        exec "$venv/bin/python" "$here/linked.py" "$@"
        ;;
    csweep)
        shift
        exec "$venv/bin/python" "$here/csweep.py" "$@"
        ;;
    corpus)
        shift
        exec "$venv/bin/python" "$here/corpus_report.py" "$@"
        ;;
    defects)
        shift
        exec "$venv/bin/python" "$here/defects_report.py" "$@"
        ;;
    stages)
        shift
        exec "$venv/bin/python" "$here/stages.py" "$@"
        ;;
    all)
        shift
        "$venv/bin/python" "$here/parse.py" "$@"
        echo
        exec "$venv/bin/python" "$here/cli.py" "$@"
        ;;
    *)
        exec "$venv/bin/python" "$here/parse.py" "$@"
        ;;
esac
