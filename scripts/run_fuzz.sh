#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS seconds in a fresh temporary folder, starting
# from a copy of its seed corpus (tests/fuzz/corpus/<target name>/, if any), so neither
# the repository nor the working folder is written to. libFuzzer's exit code passes
# through; on a failure the temporary folder (crash-* inputs, log) is kept and printed.
# Usage: scripts/run_fuzz.sh BINARY SECONDS
set -uo pipefail
if [[ $# -ne 2 ]]; then
  echo "usage: $0 BINARY SECONDS" >&2
  exit 2
fi
bin=$(realpath "$1")
seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)
name=$(basename "$bin")
work=$(mktemp -d "${TMPDIR:-/tmp}/vinfer-fuzz-${name}.XXXXXX")
mkdir -p "$work/corpus"
if [[ -d "$root/tests/fuzz/corpus/$name" ]]; then
  cp -r "$root/tests/fuzz/corpus/$name/." "$work/corpus/"
fi
cd "$work" || exit 2
"$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 corpus 2>&1 | tee log.txt
rc=${PIPESTATUS[0]}
cd / || exit 2
if [[ $rc -eq 0 ]]; then
  rm -rf "$work"
else
  echo "run_fuzz: $name exited with $rc; inputs and log kept in $work" >&2
fi
exit "$rc"
