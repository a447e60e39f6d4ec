#!/usr/bin/env bash
# Installs Debian's chromium for the dashboard's browser tests (test/dashboard/), if missing.
# playwright-core drives it at /usr/bin/chromium; no browser is downloaded from elsewhere.
# Needs root (or sudo) and apt; on other systems set AIOBS_CHROMIUM to a Chromium binary.
set -euo pipefail
# The browser the tests use (test/dashboard/browser.ts): nothing to do when it is there.
if [ -x "${AIOBS_CHROMIUM:-/usr/bin/chromium}" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: no apt-get here; install Chromium and set AIOBS_CHROMIUM to its path" >&2
  exit 1
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "install-chromium: run as root (apt-get install -y chromium)" >&2
    exit 1
  fi
fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends chromium
/usr/bin/chromium --version
