#!/usr/bin/env bash
# Make sure the real-browser report check can run: Debian's chromium at /usr/bin/chromium
# and playwright-core (pinned in tests/browser/package-lock.json) under tests/browser/node_modules.
# Idempotent and non-interactive; safe to run on every CI run.
# Usage: scripts/ensure-browser.sh
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "ensure-browser: $*" >&2; exit 1; }

CHROMIUM_BIN=/usr/bin/chromium
if [ -x "$CHROMIUM_BIN" ]; then
  echo "ensure-browser: chromium present ($CHROMIUM_BIN)"
else
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; cannot install Debian's chromium (install it by hand or set CHROMIUM)"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "not root and sudo not found; cannot apt-get install chromium"
    SUDO=(sudo -n)
  fi
  echo "ensure-browser: installing Debian package chromium (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq || die "apt-get update failed"
  "${SUDO[@]}" apt-get install -y -qq chromium </dev/null >/dev/null || die "apt-get install chromium failed"
  [ -x "$CHROMIUM_BIN" ] || die "chromium installed but $CHROMIUM_BIN is missing"
  echo "ensure-browser: installed $("$CHROMIUM_BIN" --version 2>/dev/null || echo chromium)"
fi

if [ -d tests/browser/node_modules/playwright-core ]; then
  echo "ensure-browser: playwright-core present (tests/browser/node_modules)"
else
  command -v node >/dev/null 2>&1 || die "node not found; install Node.js (Debian: apt-get install nodejs npm)"
  command -v npm >/dev/null 2>&1 || die "npm not found; install npm (Debian: apt-get install npm)"
  echo "ensure-browser: installing playwright-core (npm ci --prefix tests/browser)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error >/dev/null \
    || die "npm ci in tests/browser failed"
  [ -d tests/browser/node_modules/playwright-core ] || die "npm ci finished but playwright-core is missing"
fi
