#!/usr/bin/env bash
# Installs the external tools the tests use, pinned:
# - Python: tests/requirements.txt into tests/.venv (openapi-spec-validator);
# - npm: tests/package.json + package-lock.json into tests/node_modules (Stoplight Prism).
# Idempotent: a second run only checks that they are there. Fails loudly when they cannot be installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

venv="$here/.venv"
if ! { [ -x "$venv/bin/openapi-spec-validator" ] && cmp -s "$here/requirements.txt" "$venv/.requirements"; }; then
  echo "tests/setup.sh: installing Python test tools into tests/.venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  "$venv/bin/openapi-spec-validator" --help > /dev/null
  cp "$here/requirements.txt" "$venv/.requirements"
fi

modules="$here/node_modules"
if ! { [ -x "$modules/.bin/prism" ] && cmp -s "$here/package-lock.json" "$modules/.package-lock.stamp"; }; then
  echo "tests/setup.sh: installing npm test tools into tests/node_modules" >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  "$modules/.bin/prism" --version > /dev/null
  cp "$here/package-lock.json" "$modules/.package-lock.stamp"
fi
