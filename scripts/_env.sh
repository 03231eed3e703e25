# Shared set-up for scripts/serve and scripts/test: a Python 3.12+, uv, and the locked
# dependencies in .venv. Sourced, not run. Everything it needs it installs or names.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3 python; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

PY="$(find_python)" || die "Python 3.12 or newer is needed (Django 6). Install it (e.g. 'pyenv install 3.13', \
'apt-get install python3.13', or from python.org) or point PYTHON=/path/to/python3.12+ at one."

if command -v uv >/dev/null 2>&1 && uv --version >/dev/null 2>&1; then
    UV=(uv)
elif "$PY" -m uv --version >/dev/null 2>&1; then
    UV=("$PY" -m uv)
else
    say "Installing uv (the dependency manager) with pip for $PY"
    "$PY" -m pip install --quiet --user uv 2>/dev/null || "$PY" -m pip install --quiet uv ||
        die "Could not install uv. Install it yourself ('pip install uv') and run this again."
    UV=("$PY" -m uv)
fi

say "Installing locked dependencies into .venv (uv sync --frozen)"
"${UV[@]}" sync --frozen --quiet --python "$PY" || die "uv sync failed (see above)."
VENV_PY="$ROOT/.venv/bin/python"
export PYTHONUNBUFFERED=1
