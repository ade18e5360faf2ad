#!/usr/bin/env bash
# The 1,000-run measurement of quorum mode's fp32 tolerance rule (issue 5 §3): false
# positives of honest nodes across ISAs and thread counts, and detection of kjv-small
# served for kjv-large. Not a ctest (about a minute on 2 cores); ctest smoke-runs 3.
# Usage: scripts/fp32_tolerance.sh [RUNS] [BUILD_DIR]   (prints one JSON object)
set -euo pipefail
runs=${1:-1000}
build=${2:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
exec "$root/$build/vinfer" bench tolerance --runs "$runs" --json
