#!/usr/bin/env bash
# The Python package's tests: builds the wheel of crates/evenkeel-py with maturin into a
# virtual environment (target/py-venv), installs it, and runs pytest (crates/evenkeel-py/tests):
# the Python results against the CLI's JSON, check_arrow on awkward tables, and a real local
# Spark session (local[2]) auditing the demo data against `evenkeel audit`.
# Non-interactive; installs a Java runtime with apt-get where `java` is missing (Spark needs it).
# Every missing piece is an error, never a skipped test.
# Usage: scripts/test-python.sh [PYTEST ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
die() { echo "test-python: $*" >&2; exit 1; }
started=$(date +%s)

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found; install Python 3.9 or newer"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 9))' || die "$PYTHON is older than 3.9"
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || {
  echo "test-python: installing python3-venv (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq python3-venv </dev/null >/dev/null || die "cannot install python3-venv"
}

# Spark runs on the JVM: Java 17 or newer.
if ! command -v java >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || die "java not found and apt-get missing; install a Java 17+ runtime"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo -n); fi
  echo "test-python: installing a Java runtime for Spark (apt-get install openjdk-17-jre-headless)"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq || die "apt-get update failed"
  "${SUDO[@]}" apt-get install -y -qq openjdk-17-jre-headless </dev/null >/dev/null \
    || "${SUDO[@]}" apt-get install -y -qq default-jre-headless </dev/null >/dev/null \
    || die "apt-get could not install a Java runtime"
  command -v java >/dev/null 2>&1 || die "a Java runtime was installed but java is not on PATH"
fi
java -version 2>&1 | head -1

VENV="$ROOT/target/py-venv"
if [ ! -x "$VENV/bin/python" ]; then
  echo "test-python: creating $VENV"
  "$PYTHON" -m venv "$VENV" || die "cannot create the virtual environment $VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r crates/evenkeel-py/requirements-test.txt \
  || die "pip could not install crates/evenkeel-py/requirements-test.txt"

# The evenkeel binary the results are compared with (the one `cargo test` built, else built now).
export EVENKEEL_BIN="${EVENKEEL_BIN:-$ROOT/target/debug/evenkeel}"
if [ ! -x "$EVENKEEL_BIN" ]; then
  echo "test-python: building the evenkeel binary (cargo build -p evenkeel)"
  cargo build --locked -p evenkeel || die "cannot build the evenkeel binary"
fi

echo "test-python: building the wheel (maturin, release, in target/py)"
rm -rf "$ROOT/target/py-wheels"
# A target folder of its own: the release build of the extension never waits on (or
# invalidates) the workspace's debug and release builds.
CARGO_TARGET_DIR="${EVENKEEL_PY_TARGET:-$ROOT/target/py}" "$VENV/bin/maturin" build --release --locked -m crates/evenkeel-py/Cargo.toml -i "$VENV/bin/python" -o "$ROOT/target/py-wheels" \
  || die "maturin could not build the wheel"
wheel=$(ls "$ROOT"/target/py-wheels/evenkeel-*.whl 2>/dev/null | head -1)
[ -n "$wheel" ] || die "maturin finished but wrote no wheel to target/py-wheels"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel" || die "cannot install $wheel"

# Spark's Python workers must use the same interpreter (and so the same evenkeel).
export PYSPARK_PYTHON="$VENV/bin/python" PYSPARK_DRIVER_PYTHON="$VENV/bin/python"
# Run from outside the source tree so that `import evenkeel` is the installed wheel.
cd "$ROOT/target"
"$VENV/bin/python" -m pytest -p no:cacheprovider "$ROOT/crates/evenkeel-py/tests" "$@"
echo "test-python: done in $(( $(date +%s) - started )) s"
