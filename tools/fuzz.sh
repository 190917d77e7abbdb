#!/usr/bin/env bash
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
# Fuzzes the decoders of cf::codec, the exception decoder and replies
# completing futures (test/fuzz/codec_fuzz.cpp) with libFuzzer under
# AddressSanitizer + UBSan, built by clang 14 in build-fuzz/, for a bounded
# time. Starts from the seeds in test/fuzz/corpus and keeps what it finds in
# build-fuzz/corpus. Fails on any crash, sanitizer report, leak, input slower
# than 10 s or allocation over 128 MiB, leaving the input in
# build-fuzz/artifacts/; prints the executions, coverage and corpus size.
#
#   bash tools/fuzz.sh                  # 120 s (or $FUZZ_SECONDS)
#   bash tools/fuzz.sh --seconds 3600   # longer, by hand
#   bash tools/fuzz.sh --write-corpus   # regenerate test/fuzz/corpus from the
#                                       # decoder table, after changing it
#
# Replay one input: build-fuzz/test/fuzz/codec_fuzz build-fuzz/artifacts/crash-...

set -euo pipefail
cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."
source tools/common.sh

seconds=${FUZZ_SECONDS:-120}
write_corpus=0
while (($#)); do
  case $1 in
  --seconds)
    seconds=$2
    shift 2
    ;;
  --write-corpus)
    write_corpus=1
    shift
    ;;
  *)
    echo "usage: tools/fuzz.sh [--seconds N] [--write-corpus]" >&2
    exit 2
    ;;
  esac
done

# libFuzzer for clang 14 is in libclang-rt-14-dev.
ensure_packages "${base_packages[@]}" clang libclang-rt-14-dev

dir=build-fuzz
CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCONCURRENT_FUTURES_BUILD_FUZZ=ON -DCONCURRENT_FUTURES_WERROR=ON \
  -DCONCURRENT_FUTURES_BUILD_TESTS=OFF -DCONCURRENT_FUTURES_BUILD_DEMOS=OFF \
  -DCONCURRENT_FUTURES_BUILD_BENCH=OFF >&2
cmake --build "$dir" -j "$jobs" --target codec_fuzz >&2
fuzzer=$dir/test/fuzz/codec_fuzz

if ((write_corpus)); then
  rm -rf test/fuzz/corpus
  CODEC_FUZZ_WRITE_CORPUS=test/fuzz/corpus "$fuzzer"
  echo "wrote $(find test/fuzz/corpus -type f | wc -l) seeds to test/fuzz/corpus"
  exit 0
fi

mkdir -p "$dir/corpus" "$dir/artifacts"
log=$dir/fuzz.log
status=0
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$fuzzer" "$dir/corpus" test/fuzz/corpus -max_total_time="$seconds" \
  -max_len=4096 -timeout=10 -malloc_limit_mb=128 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$dir/artifacts/" >"$log" 2>&1 || status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
corpus=$(sed -n 's/.* corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p' <<<"$last")
if ((status != 0)); then
  tail -n 60 "$log" >&2
  echo "codec_fuzz FAILED after ${runs:-?} executions: see $log and $dir/artifacts/" >&2
  exit 1
fi
echo "codec_fuzz: ${runs} executions in ${seconds} s, coverage ${cov} edges" \
  "(${ft} features), corpus ${corpus} inputs/bytes; nothing found"
