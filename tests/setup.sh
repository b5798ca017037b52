#!/usr/bin/env bash
# Installs the external tools the tests use (see tests/requirements.txt) into tests/.venv.
# Idempotent: a second run only checks that they are there. Fails loudly when they cannot be installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
stamp="$venv/.requirements"
if [ -x "$venv/bin/openapi-spec-validator" ] && cmp -s "$here/requirements.txt" "$stamp"; then
  exit 0
fi
echo "tests/setup.sh: installing test tools into tests/.venv" >&2
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
"$venv/bin/openapi-spec-validator" --help > /dev/null
cp "$here/requirements.txt" "$stamp"
