#!/usr/bin/env bash
# Sets up what is missing: .venv on Python 3.10 with the pinned packages, and the
# Dutch spaCy pipeline (the official nl_core_news_sm when its host is reachable,
# otherwise the offline blank-Dutch pipeline). Safe to run again: each step is skipped
# when its inputs did not change.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP_INPUTS="pyproject.toml constraints.txt tools/setup.sh"

find_python310() {
  local candidate
  for candidate in python3.10 "$(command -v pyenv >/dev/null 2>&1 && ls -d "$(pyenv root)"/versions/3.10.*/bin/python 2>/dev/null | sort -V | tail -n 1)"; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  if ! PY310=$(find_python310); then
    cat >&2 <<'MSG'
Python 3.10 is needed (Rasa Open Source 3.6 does not run on 3.11 or newer) and none was found.
Install it, then run this again. For example:
  - Debian/Ubuntu:  apt-get install python3.10 python3.10-venv   (or use the deadsnakes PPA)
  - pyenv:          pyenv install 3.10.13
  - macOS:          brew install python@3.10
MSG
    exit 1
  fi
  echo "setup: creating $VENV with $PY310"
  rm -rf "$VENV"
  "$PY310" -m venv "$VENV"
fi

stamp="$VENV/.installed-$(cat $STAMP_INPUTS | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing pinned packages (a few minutes the first time)"
  "$VENV/bin/python" -m pip install --quiet --upgrade "pip==23.3.2" "setuptools==70.3.0" "wheel==0.43.0" "uv==0.13.8"
  # uv installs the same pinned set as pip (same constraints, checked by `pip check` below) in
  # about 10 s instead of about 66 s on this machine; pip remains the way when uv cannot run.
  if ! "$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" -c constraints.txt -e ".[test]"; then
    echo "setup: uv could not install the packages; trying pip"
    "$VENV/bin/python" -m pip install --quiet -c constraints.txt -e ".[test]"
  fi
  # pip's resolver can leave a broken set behind when pins drift: fail loudly instead.
  "$VENV/bin/python" -m pip check
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi

# Browser tests drive Debian's chromium (a browser download cannot be fetched everywhere).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian's chromium and chromium-driver for the browser tests"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "setup: chromium is missing; the browser tests need it (apt-get install chromium chromium-driver)" >&2
    exit 1
  fi
fi

# --- scale-out (bench/, tests/scaleout/): HAProxy in front of two Rasa servers ---
# haproxy is looked up under /usr/sbin too: that is where Debian puts it, and not every PATH has it.
if ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian's haproxy for the scale-out test"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
  else
    echo "setup: haproxy is missing; the scale-out test needs it (apt-get install haproxy)" >&2
    exit 1
  fi
fi
# --- end of the scale-out block ---

# The official Dutch pipeline first; a machine without a route to its host keeps the
# offline pipeline (built below) and the NLU component falls back to it with a warning.
if ! "$VENV/bin/python" -c 'import nl_core_news_sm' 2>/dev/null; then
  mkdir -p var/spacy
  if [ ! -f var/spacy/.download-tried ] || [ -n "${RETRY_SPACY_DOWNLOAD:-}" ]; then
    echo "setup: trying the official spaCy pipeline nl_core_news_sm-3.4.0"
    if PIP_DEFAULT_TIMEOUT=15 timeout 120 "$VENV/bin/python" -m spacy download nl_core_news_sm-3.4.0 --direct >var/spacy/download.log 2>&1; then
      echo "setup: nl_core_news_sm installed"
    else
      echo "setup: nl_core_news_sm could not be downloaded (see var/spacy/download.log); using the offline Dutch pipeline"
    fi
    touch var/spacy/.download-tried
  fi
fi
"$VENV/bin/python" -m bot.nlu.offline_pipeline --ensure --record var/spacy/pipeline-in-use

# --- Web assets for the client chat page -------------------------------------------------
# The socket.io browser client comes from the npm registry, pinned by web/package-lock.json,
# and is served by the backend from web/node_modules (never copied into the repository).
# `npm ci` runs again whenever the lock file changes.
web_stamp="web/node_modules/.installed-$(sha256sum web/package-lock.json | cut -c1-16)"
if [ ! -f "$web_stamp" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm is missing; the chat page needs Node.js 18 or newer (e.g. apt-get install nodejs npm)" >&2
    exit 1
  fi
  echo "setup: installing the chat page's browser libraries (npm ci --prefix web)"
  npm ci --prefix web --no-audit --no-fund --loglevel=error
  touch "$web_stamp"
fi
