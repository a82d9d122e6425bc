#!/usr/bin/env bash
# Make Debian's Chromium available for the browser tests: installs the `chromium` package with apt-get
# when /usr/bin/chromium is missing (CI runs as root on a clean machine). Never runs `playwright install`.
# Exits 0 even when it cannot install, after saying why; the browser tests then skip with that reason.
set -uo pipefail
browser=/usr/bin/chromium
[ -x "$browser" ] && exit 0
warn() { echo "ensure-browser: $*; the browser tests will be skipped." >&2; exit 0; }
command -v apt-get >/dev/null 2>&1 || warn "$browser is missing and apt-get is not available"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  warn "$browser is missing and installing it needs root (apt-get install chromium)"
fi
echo "ensure-browser: installing Debian chromium for the browser tests (about 20 s)…" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null || warn "apt-get update failed"
"${sudo[@]}" apt-get install -y -qq chromium >/dev/null || warn "apt-get install chromium failed"
[ -x "$browser" ] || warn "chromium was installed but $browser is missing"
echo "ensure-browser: $("$browser" --version 2>/dev/null || echo chromium) ready." >&2
