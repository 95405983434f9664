#!/usr/bin/env bash
# The Debian packages that `npm test` and `npm start` need besides npm's, checked before they run (and by
# .ci/run, through this same script). As root the missing ones are installed; otherwise this stops at once
# with the one command that installs them. code-server itself is installed later, on first use, by
# scripts/install-code-server.sh.
#
#   scripts/setup.sh test    everything the tests use (the default)
#   scripts/setup.sh start   what `npm start` uses: building code-server
set -euo pipefail
PURPOSE="${1:-test}"

# libkrb5-dev: code-server builds kerberos from source; ripgrep: replaces @vscode/ripgrep's GitHub download.
START_PACKAGES=(libkrb5-dev ripgrep)
# chromium: the browser for the UI tests; tinyproxy and openssl: the proxy and TLS tests; fonts-noto-cjk:
# Chinese text in screenshots.
TEST_PACKAGES=("${START_PACKAGES[@]}" chromium tinyproxy openssl fonts-noto-cjk)

case "$PURPOSE" in
  test) PACKAGES=("${TEST_PACKAGES[@]}") ;;
  start) PACKAGES=("${START_PACKAGES[@]}") ;;
  *) echo "usage: $0 [test|start]" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null; then
  echo "setup: not a Debian-like system; make sure these are installed: ${PACKAGES[*]}" >&2
  exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: system packages present (${PACKAGES[*]})"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing Debian packages: ${missing[*]}. Install them with:" >&2
  echo >&2
  echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  echo >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
