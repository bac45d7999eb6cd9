#!/usr/bin/env bash
# The dashboard's browser test drives Debian's Chromium with Playwright (Playwright's own
# browser download does not work offline). Install it when missing; no-op when present.
set -euo pipefail
CHROMIUM="${WAREHOUSE_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "Chromium not found at $CHROMIUM. Install it (Debian/Ubuntu: sudo apt-get install chromium)" >&2
    echo "or point WAREHOUSE_CHROMIUM at a Chromium binary; the browser test needs it." >&2
    exit 1
fi
echo "Installing Debian's chromium for the browser test..."
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
"$CHROMIUM" --version
