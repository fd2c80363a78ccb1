#!/usr/bin/env bash
# Provisions the Synapse homeserver that mitreden's Matrix end-to-end tests talk to.
#
# Synapse is a test peer only (Python), never part of the product. It lives in a venv under the
# cache directory so it survives between test runs and never touches the project's node_modules.
#
# Idempotent: a marker file inside the venv records the pinned version; when the marker matches and
# the installed package imports, nothing is done. A changed pin (or a broken venv) reinstalls.
#
# Environment:
#   MITREDEN_CACHE_DIR      cache root (default: $HOME/.cache/mitreden)
#   MITREDEN_PYTHON         python interpreter used to create the venv (default: python3)
#
# Prints the venv's python path as the last line on stdout ("SYNAPSE_PYTHON=<path>") so callers
# need not re-derive it. Everything else goes to stderr.
set -euo pipefail

# The pin. Change it here; the marker makes the next run reinstall.
SYNAPSE_VERSION="1.163.2"

CACHE_DIR="${MITREDEN_CACHE_DIR:-$HOME/.cache/mitreden}"
VENV_DIR="$CACHE_DIR/synapse-venv"
MARKER="$VENV_DIR/.mitreden-synapse-pin"
PYTHON_BIN="${MITREDEN_PYTHON:-python3}"
WANTED="matrix-synapse==$SYNAPSE_VERSION"

say() { printf '[provision-synapse] %s\n' "$*" >&2; }
fail() {
  printf '\n[provision-synapse] ERROR: %s\n' "$*" >&2
  printf '[provision-synapse] Matrix end-to-end tests need Synapse; they will be skipped.\n\n' >&2
  exit 1
}

venv_python="$VENV_DIR/bin/python"

installed_ok() {
  [[ -x "$venv_python" ]] || return 1
  [[ -f "$MARKER" ]] || return 1
  [[ "$(cat "$MARKER")" == "$WANTED" ]] || return 1
  # The marker alone could lie after a half-finished install or a python upgrade under the venv.
  "$venv_python" -c 'import synapse, sys; sys.exit(0 if synapse.__version__ == sys.argv[1] else 1)' \
    "$SYNAPSE_VERSION" >/dev/null 2>&1
}

if installed_ok; then
  say "Synapse $SYNAPSE_VERSION already installed in $VENV_DIR (nothing to do)."
  echo "SYNAPSE_PYTHON=$venv_python"
  exit 0
fi

command -v "$PYTHON_BIN" >/dev/null 2>&1 ||
  fail "'$PYTHON_BIN' not found. Install Python 3.10+ (e.g. apt-get install python3 python3-venv)."

if ! "$PYTHON_BIN" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  fail "$("$PYTHON_BIN" --version 2>&1) is too old; Synapse $SYNAPSE_VERSION needs Python 3.10 or newer."
fi

mkdir -p "$CACHE_DIR"

if [[ -f "$MARKER" ]]; then
  say "Pin changed: venv has '$(cat "$MARKER")', want '$WANTED'. Reinstalling."
elif [[ -d "$VENV_DIR" ]]; then
  say "Venv at $VENV_DIR is incomplete or broken. Recreating it."
fi

# A fresh venv every time we (re)install keeps stale dependencies of an older pin out.
rm -rf "$VENV_DIR"
say "Creating venv at $VENV_DIR with $("$PYTHON_BIN" --version 2>&1)."
"$PYTHON_BIN" -m venv "$VENV_DIR" ||
  fail "Could not create a venv with '$PYTHON_BIN -m venv' (on Debian: apt-get install python3-venv)."

started=$(date +%s)
say "Installing $WANTED (this takes a minute or two the first time)..."
# Some machines list local index folders that do not exist; pip warns once per package about them,
# which would bury the messages that matter. pip's own exit status decides, not grep's.
set +o pipefail
"$venv_python" -m pip install --quiet --disable-pip-version-check "$WANTED" 2>&1 |
  { grep -v "is ignored: it is neither a file nor a directory" >&2 || true; }
pip_status=${PIPESTATUS[0]}
set -o pipefail
if [[ $pip_status -ne 0 ]]; then
  rm -rf "$VENV_DIR"
  fail "pip could not install $WANTED (exit $pip_status; see pip's output above)."
fi

if ! "$venv_python" -c 'import synapse.app.homeserver' >/dev/null 2>&1; then
  rm -rf "$VENV_DIR"
  fail "$WANTED installed but 'import synapse.app.homeserver' fails."
fi

echo "$WANTED" >"$MARKER"
say "Installed $WANTED in $(($(date +%s) - started)) s into $VENV_DIR."
echo "SYNAPSE_PYTHON=$venv_python"
