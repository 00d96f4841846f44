#!/usr/bin/env bash
# Installs what the browser test of the search page needs (tests/browser.rs): Debian's chromium
# and chromium-driver packages, and a Chinese font for its screenshot (fonts-wqy-zenhei), when
# they are missing. Needs root (or sudo) and Debian's package registry. Does nothing when all
# are there.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null && [ -d /usr/share/fonts/truetype/wqy ]; then
    exit 0
fi
as_root=()
[ "$(id -u)" -ne 0 ] && as_root=(sudo)
packages=(chromium chromium-driver fonts-wqy-zenhei)
echo "install-browser: installing ${packages[*]} (Debian packages)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${as_root[@]}" apt-get install -y -q "${packages[@]}" >/dev/null; then
    "${as_root[@]}" apt-get update -q >/dev/null
    "${as_root[@]}" apt-get install -y -q "${packages[@]}" >/dev/null
fi
command -v chromium >/dev/null && command -v chromedriver >/dev/null
