#!/usr/bin/env bash
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
# The README's first command: installs what is missing, builds the library
# and the demos (Release, in build-demo/), then runs the demo tour.
#
#   bash tools/demo.sh

source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

ensure_packages "${base_packages[@]}"
build "$repo_root/build-demo" -DCMAKE_BUILD_TYPE=Release \
  -DCONCURRENT_FUTURES_BUILD_TESTS=OFF -DCONCURRENT_FUTURES_BUILD_BENCH=OFF
exec bash "$repo_root/demo/tour.sh" "$repo_root/build-demo"
