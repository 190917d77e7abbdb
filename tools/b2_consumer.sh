#!/usr/bin/env bash
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
# b2 from a user's project: copies test/consumer/b2/Jamroot and the consumer
# program outside the source tree, builds it there against the library with
# use-project, runs it, and fails if b2 built any of the library's tests or
# demos on the way. Run by .ci/run after `b2 -j2 -q`, whose library it reuses
# (release, static: b2 keeps the library's objects in its build-b2/).
#
#   bash tools/b2_consumer.sh [B2 ARGS...]     e.g. link=shared

set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
work=$(mktemp -d "${TMPDIR:-/tmp}/cf-b2-consumer.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

cp "$repo_root/test/consumer/b2/Jamroot" "$repo_root/test/consumer/main.cpp" \
  "$repo_root/project-config.jam" "$work/"
cd "$work"
export CONCURRENT_FUTURES_ROOT=$repo_root
# The b2 step's properties unless the arguments name others (b2 would build
# both values of a feature given twice).
b2_args=()
for default in variant=release link=static; do
  [[ " $* " == *" ${default%%=*}="* ]] || b2_args+=("$default")
done
b2_args+=("$@")

# What b2 would build from scratch for the program: the library, not its
# tests or demos (the dry run sees them whether or not they are up to date).
b2 -n -a "${b2_args[@]}" >plan.log 2>&1 || { cat plan.log; exit 1; }
if grep -E "^[a-z0-9_.+-]+ $repo_root/build-b2/(test|demo)/" plan.log; then
  echo "error: b2 builds the library's tests or demos for a program that uses it" >&2
  exit 1
fi
b2 -j"$jobs" -q "${b2_args[@]}"
mapfile -t programs < <(find bin -type f -name consumer -perm -u+x)
if ((${#programs[@]} != 1)); then
  echo "error: expected one consumer program under $work/bin, found ${#programs[@]}" >&2
  exit 1
fi
"${programs[0]}"
echo "b2 consumer: built and ran ${programs[0]#bin/}"
