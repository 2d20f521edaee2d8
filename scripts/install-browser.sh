#!/usr/bin/env bash
# Installs headless Chromium and its WebDriver (Debian packages `chromium` and `chromium-driver`) for the dashboard's
# browser test (DashboardBrowserTest). Idempotent: does nothing when both are there. Never fails the caller: where
# the packages cannot be installed (no apt, not root, no network), it says so and the browser test is skipped with
# that reason.
set -uo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "install-browser: chromium and chromedriver are installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: no apt-get here; the browser test will be skipped"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "install-browser: not root and no sudo; the browser test will be skipped"
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if $SUDO apt-get update >"$log" 2>&1 \
    && $SUDO apt-get install -y --no-install-recommends chromium chromium-driver >>"$log" 2>&1; then
  echo "install-browser: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
else
  echo "install-browser: apt-get could not install chromium and chromium-driver; the browser test will be skipped"
  tail -5 "$log"
fi
rm -f "$log"
exit 0
