#!/usr/bin/env bash
# Creates or updates the Python reference venv (.venv-ref at the repo root) with tensorflow-cpu and
# librosa. Idempotent: when both import at the pinned versions it does nothing.
# Usage: bash scripts/reference/setup-venv.sh        (prints the venv's python path on the last line)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${KWS_REF_VENV:-$ROOT/.venv-ref}"
PY="$VENV/bin/python"
TF_VERSION="2.21.0"

if [ ! -x "$PY" ]; then
  echo "[setup-venv] creating $VENV" >&2
  python3 -m venv "$VENV"
fi

if "$PY" - "$TF_VERSION" <<'PYCHECK' >/dev/null 2>&1
import sys, importlib.metadata as md
assert md.version("tensorflow-cpu") == sys.argv[1]
for pkg in ("librosa", "soundfile", "scipy", "numpy"):
    md.version(pkg)
import soundfile, librosa  # noqa: F401  (librosa's import pulls numba; fail here rather than later)
PYCHECK
then
  echo "[setup-venv] already installed" >&2
else
  echo "[setup-venv] installing tensorflow-cpu==$TF_VERSION librosa" >&2
  "$PY" -m pip install --quiet --retries "${PIP_RETRIES:-1}" "tensorflow-cpu==$TF_VERSION" librosa soundfile >&2
fi

echo "$PY"
