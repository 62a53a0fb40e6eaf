#!/usr/bin/env bash
# Debian packages that some tests use as real peers or browsers. Installed only when missing, so a
# developer machine that has them is left alone. Tests that need one skip with a clear message if
# it is absent outside CI; in CI they fail.
set -u
need=()
# python3-websockets: a real RFC 6455 peer (interop tests). chromium: the demo's browser test.
# Debian's python (/usr/bin/python3) is the one the package serves; a pyenv python may come first on PATH.
/usr/bin/python3 -c 'import websockets' 2>/dev/null || need+=(python3-websockets)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# A C compiler: the load benchmark's generator (apps/bench/src/load/wsload.c) is compiled at bench time.
command -v cc >/dev/null 2>&1 || need+=(gcc)
# redis-server: the real Redis behind @wskit/redis's tests (each starts its own, without persistence).
[ -x /usr/bin/redis-server ] || need+=(redis-server)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: not root; cannot install ${need[*]}"
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
