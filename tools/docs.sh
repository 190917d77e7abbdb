#!/usr/bin/env bash
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
# Builds the reference site (docs/Doxyfile: the public headers, README.md as
# the main page, docs/*.md) into BUILD_DIR/html, build-docs/ by default.
#
#   bash tools/docs.sh [--check] [BUILD_DIR]
#
# --check, for CI: fails on any Doxygen warning (an undocumented public
# entity, a misplaced doc block, a \ref whose target is gone), on a broken
# internal link (tools/check_docs.py), and when headless Chromium cannot
# render the main page or a class page: their screenshots stay in BUILD_DIR
# (screenshot-*.png) as artifacts. Installs doxygen, and chromium for
# --check, when missing.

set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"
SECONDS=0

check=0
out=$repo_root/build-docs
for arg in "$@"; do
  case $arg in
    --check) check=1 ;;
    -h | --help)
      sed -n '7,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*)
      echo "error: unknown option $arg (usage: tools/docs.sh [--check] [BUILD_DIR])" >&2
      exit 2
      ;;
    *) out=$arg ;;
  esac
done
mkdir -p "$out"
out=$(cd -- "$out" && pwd)
cd -- "$repo_root"

ensure_packages doxygen
if ((check)); then
  ensure_packages chromium
fi

# Doxygen: the Doxyfile with the output directory of this run. Warnings go
# to a log, shown below; only --check makes them fatal.
rm -rf "$out/html" "$out/xml"
warnings_log=$out/doxygen-warnings.log
status=0
{
  cat docs/Doxyfile
  echo "OUTPUT_DIRECTORY = \"$out\""
  echo "WARN_LOGFILE = \"$warnings_log\""
  ((check)) || echo "WARN_AS_ERROR = NO"
} | doxygen - || status=$?
# (1.9.4 writes "error:" for a warning when WARN_AS_ERROR is set.)
warnings=$(grep -cE '(warning|error):' "$warnings_log" || true)
if ((warnings > 0)); then
  echo "Doxygen: $warnings warnings:" >&2
  cat "$warnings_log" >&2
fi
if ((status != 0)); then
  echo "error: doxygen failed (exit $status) with $warnings warnings" >&2
  exit 1
fi
if ((!check)); then
  echo "site: $out/html/index.html ($warnings Doxygen warnings)"
  exit 0
fi

echo "==== links and documented entities"
if ! site_report=$(python3 tools/check_docs.py site "$out"); then
  echo "$site_report"
  exit 1
fi
echo "$site_report"

echo "==== headless Chromium: the main page and a class page"
profiles=$(mktemp -d)
trap 'rm -rf -- "$profiles"' EXIT
# CF_DOCS_CHROMIUM_FLAGS: extra Chromium flags (a proxy, a different size).
read -r -a extra_flags <<<"${CF_DOCS_CHROMIUM_FLAGS:-}"
chromium_log=$out/chromium.log
: >"$chromium_log"
render_ok=1
shots=()
for page in index:index.html \
  class:thread_pool_executor:classconcurrent_1_1futures_1_1thread__pool__executor.html; do
  file=${page##*:}
  kind=${page%:*}
  name=${kind##*:}
  shot=$out/screenshot-$name.png
  dom=$out/dom-$name.html
  url=$(python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).as_uri())' \
    "$out/html/$file")
  rm -f "$shot" "$dom"
  # One run writes both: the DOM after the scripts ran, and the screenshot.
  # A hung Chromium is killed with its process group after 60 s; each run
  # has a profile of its own, so a killed one leaves no lock behind.
  timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu \
    --disable-dev-shm-usage --no-first-run --no-default-browser-check \
    --user-data-dir="$profiles/$name" --hide-scrollbars --window-size=1280,1600 \
    --virtual-time-budget=5000 --dump-dom --screenshot="$shot" \
    "${extra_flags[@]}" "$url" >"$dom" 2>>"$chromium_log" ||
    echo "chromium exited with $? on $file (see $chromium_log)" >&2
  python3 tools/check_docs.py render "$dom" "$shot" "$kind" || render_ok=0
  shots+=("$shot")
done
((render_ok)) || exit 1

echo "==== docs check passed in ${SECONDS}s"
echo "$site_report"
echo "Doxygen warnings: 0"
echo "site: $out/html/index.html"
for s in "${shots[@]}"; do echo "screenshot: $s"; done
