#!/usr/bin/env bash
# Runs one coverage-guided fuzz target (cargo-fuzz + libFuzzer) for a time budget.
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer options...]
#   scripts/fuzz.sh list                  # the targets
#
# Installs what it needs on a fresh machine: cargo-fuzz (cargo install) and a C++ compiler
# for libFuzzer (apt-get, when missing and possible). Works on stable Rust: cargo-fuzz's
# nightly flags are enabled with RUSTC_BOOTSTRAP=1 when the toolchain is not nightly.
#
# Inputs: the committed seeds in fuzz/seeds/TARGET (read only) and the working corpus
# fuzz/corpus/TARGET (gitignored; new inputs are written there). A crash is written to
# fuzz/artifacts/TARGET/ and the script exits non-zero; the log is kept in fuzz/logs/.
# The run is niced (FUZZ_NICE, default 10) and uses one job: machines here are shared.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

targets() { sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^evenkeel-fuzz$'; }

if [[ "${1:-}" == "list" ]]; then
    targets
    exit 0
fi
if [[ $# -lt 2 ]]; then
    echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer options...]; targets: $(targets | tr '\n' ' ')" >&2
    exit 2
fi
target="$1"
seconds="$2"
shift 2
if ! targets | grep -qx "$target"; then
    echo "unknown target \`$target\`; the targets are: $(targets | tr '\n' ' ')" >&2
    exit 2
fi

# --- what the run needs ------------------------------------------------------------------
if ! command -v cargo >/dev/null; then
    echo "cargo is missing: install Rust (https://rustup.rs) first" >&2
    exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz ..." >&2
    cargo install cargo-fuzz --locked
fi
if ! command -v c++ >/dev/null && ! command -v clang++ >/dev/null; then
    echo "installing a C++ compiler (libFuzzer is C++) ..." >&2
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        apt-get update -q && apt-get install -y -q g++
    elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
        sudo apt-get update -q && sudo apt-get install -y -q g++
    else
        echo "no C++ compiler and no way to install one: install g++ or clang++" >&2
        exit 1
    fi
fi
if ! rustc --version | grep -q nightly; then
    export RUSTC_BOOTSTRAP=1
fi

# --- limits per target ---------------------------------------------------------------------
case "$target" in
    analyze) max_len=2048 ;;
    config | rule_pack) max_len=4096 ;;
    api) max_len=4096 ;;
    *) max_len=8192 ;;
esac

mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target" fuzz/logs
log="fuzz/logs/$target-$(date -u +%Y%m%dT%H%M%SZ).log"

# No sanitizer: the code under test is safe Rust, and ASan would cost a nightly std. Debug
# assertions stay on. FUZZ_NO_BUILD=1 runs the binary already built (while others edit the
# library, a build per run would rebuild it every time).
bin="fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release/$target"
if [[ -z "${FUZZ_NO_BUILD:-}" || ! -x "$bin" ]]; then
    nice -n "${FUZZ_NICE:-10}" cargo fuzz build --sanitizer none --debug-assertions "$target"
fi

echo "fuzzing $target for ${seconds}s; log: $log" >&2
set +e
nice -n "${FUZZ_NICE:-10}" "$bin" -artifact_prefix="fuzz/artifacts/$target/" \
    "fuzz/corpus/$target" "fuzz/seeds/$target" \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
echo "--- $target: $(grep -E '^#[0-9]+' "$log" | tail -1)" >&2
exit "$status"
