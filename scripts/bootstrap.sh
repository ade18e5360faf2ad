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
)
if [[ "${1:-}" == "--models" ]]; then
  pkgs+=(python3-torch python3-numpy bible-kjv)
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
