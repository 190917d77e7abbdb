#!/usr/bin/env bash
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
# What a user pays to compile one file that uses the library: the CPU time
# (user + sys of the compiler and what it runs, not wall time) of compiling
# small programs (one translation unit, -std=c++20 -O2, -c), side by side in
# one run, and their preprocessed size (g++ -E: bytes and lines of code,
# line markers and blank lines left out so that the tree's path does not
# count; a figure that machine noise does not move). Issue 12, item 4.
#
#   a. umbrella.cpp         <concurrent/futures.hpp>, thread pool submit + result
#   b. thread_pool.cpp      <concurrent/futures/thread_pool_executor.hpp> alone, the same
#   c. run_in_executor.cpp  io_context + co_spawn, co_await cf::run_in_executor
#   d. process_pool.cpp     <concurrent/futures/process_pool_executor.hpp>, submit + result
#   e. asio_post.cpp        reference: <boost/asio.hpp>, one post to asio::thread_pool, join
#   f. std_future_pool.cpp  reference: std::thread + std::packaged_task queue, submit + get
#
# a-d are compiled against two trees: "now" (the repository's include/, or
# --include DIR) and "baseline", the include/ of --baseline REV (default
# 8a0680d, the last commit before issue 12), unpacked with git archive into a
# temporary directory that is removed at exit. The programs use only API that
# exists in both. Every compile runs --repeat times, interleaved (all
# programs and both trees once, then again), so drift on the machine hits
# every program alike; the trees alternate which goes first. The sizes are
# taken first, which also warms the page cache for the headers.
#
#   bench/compile_time/run.sh                       # g++, median of 5
#   bench/compile_time/run.sh --repeat 3 --compiler g++,clang++-14
#   bench/compile_time/run.sh --include ../wt-other/include --baseline main
#   bench/compile_time/run.sh --quick               # one repetition: checks it works
#
# Prints one markdown table per compiler, then the issue's targets (umbrella
# now / baseline <= 0.70; thread pool only now / <boost/asio.hpp> one post
# <= 1.0) with PASS or MISS on the ratio of medians. Progress goes to
# stderr. The exit status is 1 when a program failed to compile (its cells
# read "error" and the compiler's first lines go to stderr), 2 on bad usage;
# a missed target does not fail. On a shared machine, run it under
# `nice -n 5`: only ratios within one run are meaningful.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

usage() {
  sed -n '/^# What a user pays/,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
  cat <<'EOF'
Options:
  --repeat N        compiles per program and tree (default 5)
  --quick           one repetition (--repeat 1)
  --baseline REV    the commit whose include/ is the baseline (default 8a0680d)
  --compiler LIST   comma-separated compilers (default g++-12, else g++)
  --include DIR     the include/ measured as "now" (default the repository's)
  --help            this text
EOF
}

repeat=5
baseline=8a0680d
compilers=""
now_include="$root/include"
while [[ $# -gt 0 ]]; do
  case "$1" in
  --repeat)
    repeat="${2:?--repeat needs a count}"
    shift 2
    ;;
  --quick)
    repeat=1
    shift
    ;;
  --baseline)
    baseline="${2:?--baseline needs a revision}"
    shift 2
    ;;
  --compiler)
    compilers="${2:?--compiler needs a compiler}"
    shift 2
    ;;
  --include)
    now_include="${2:?--include needs a directory}"
    shift 2
    ;;
  -h | --help)
    usage
    exit 0
    ;;
  *)
    echo "run.sh: unknown argument '$1' (--help lists them)" >&2
    exit 2
    ;;
  esac
done
if ! [[ "$repeat" =~ ^[1-9][0-9]*$ ]]; then
  echo "run.sh: --repeat wants a positive count, not '$repeat'" >&2
  exit 2
fi
if [[ -z "$compilers" ]]; then
  if command -v g++-12 >/dev/null; then compilers=g++-12; else compilers=g++; fi
fi
IFS=, read -r -a cxxs <<<"$compilers"
for cxx in "${cxxs[@]}"; do
  command -v "$cxx" >/dev/null || { echo "run.sh: no compiler '$cxx'" >&2; exit 2; }
done
if [[ ! -x /usr/bin/time ]]; then
  echo "run.sh: needs GNU time as /usr/bin/time (Debian: apt-get install time)" >&2
  exit 2
fi
if [[ ! -f "$now_include/concurrent/futures.hpp" ]]; then
  echo "run.sh: $now_include/concurrent/futures.hpp not found (--include DIR)" >&2
  exit 2
fi
now_include="$(cd "$now_include" && pwd)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/cf-compile-time.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

if ! baseline_sha="$(git -C "$root" rev-parse --verify --quiet "$baseline^{commit}")"; then
  echo "run.sh: --baseline $baseline is not a commit of $root" >&2
  exit 2
fi
mkdir -p "$tmp/baseline"
git -C "$root" archive "$baseline_sha" include | tar -x -C "$tmp/baseline"
base_include="$tmp/baseline/include"

# name, file, whether it is compiled against both trees, what it is.
progs=(umbrella thread_pool run_in_executor process_pool asio_post std_future_pool)
declare -A both=([umbrella]=1 [thread_pool]=1 [run_in_executor]=1 [process_pool]=1
  [asio_post]=0 [std_future_pool]=0)
# shellcheck disable=SC2016 # the backquotes are markdown
declare -A label=(
  [umbrella]='a. umbrella `<concurrent/futures.hpp>`, thread pool submit + result'
  [thread_pool]='b. `<concurrent/futures/thread_pool_executor.hpp>` alone, submit + result'
  [run_in_executor]='c. `co_await cf::run_in_executor` in a coroutine on an io_context'
  [process_pool]='d. `<concurrent/futures/process_pool_executor.hpp>`, submit + result'
  [asio_post]='e. reference: `<boost/asio.hpp>`, one `post` to `asio::thread_pool`'
  [std_future_pool]='f. reference: `<future>` pool (std::thread + packaged_task queue)'
)
flags=(-std=c++20 -O2)

trees_of() { if [[ ${both[$1]} -eq 1 ]]; then echo now baseline; else echo now; fi; }
include_of() { if [[ "$1" == now ]]; then echo "$now_include"; else echo "$base_include"; fi; }

status=0
mkdir -p "$tmp/times" "$tmp/obj"
# A compile that failed once is not timed again.
declare -A failed=()

compile_args() { # compiler index, program, tree -> the compiler's argv
  local i="$1" p="$2" t="$3"
  printf '%s\0' "${cxxs[$i]}" "${flags[@]}" -I "$(include_of "$t")" "$here/$p.cpp"
}

load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }
load_start="$(load)"

# Preprocessed sizes first: deterministic, and they read every header once.
for i in "${!cxxs[@]}"; do
  for p in "${progs[@]}"; do
    for t in $(trees_of "$p"); do
      mapfile -d '' -t argv < <(compile_args "$i" "$p" "$t")
      if "${argv[@]}" -E -o "$tmp/pp.ii" 2>"$tmp/err"; then
        # Line markers name the tree's path, and blank lines are not code.
        grep -v -E '^# [0-9]+ "|^[[:space:]]*$' "$tmp/pp.ii" >"$tmp/code.ii" || true
        echo "$(wc -c <"$tmp/code.ii") $(wc -l <"$tmp/code.ii")" >"$tmp/times/$i.$p.$t.pp"
      else
        failed[$i.$p.$t]=1
        status=1
        echo "run.sh: ${cxxs[$i]}: $p.cpp does not compile against $t ($(include_of "$t")):" >&2
        head -n 20 "$tmp/err" >&2
      fi
    done
  done
done
rm -f "$tmp/pp.ii" "$tmp/code.ii"

for ((r = 1; r <= repeat; ++r)); do
  printf 'run.sh: repetition %d of %d\n' "$r" "$repeat" >&2
  for i in "${!cxxs[@]}"; do
    for p in "${progs[@]}"; do
      read -r -a trees <<<"$(trees_of "$p")"
      ((r % 2 == 1)) || mapfile -t trees < <(printf '%s\n' "${trees[@]}" | tac)
      for t in "${trees[@]}"; do
        [[ -z "${failed[$i.$p.$t]:-}" ]] || continue
        mapfile -d '' -t argv < <(compile_args "$i" "$p" "$t")
        if /usr/bin/time -f '%U %S' -o "$tmp/time" \
          "${argv[@]}" -c -o "$tmp/obj/$p.o" 2>"$tmp/err"; then
          awk '{ printf "%.2f\n", $1 + $2 }' "$tmp/time" >>"$tmp/times/$i.$p.$t"
        else
          failed[$i.$p.$t]=1
          status=1
          echo "run.sh: ${cxxs[$i]}: $p.cpp failed to compile against $t:" >&2
          head -n 20 "$tmp/err" >&2
        fi
      done
    done
  done
done
load_end="$(load)"

# The median and the minimum of a file of numbers, one a line.
stats() {
  sort -g "$1" | awk '{ v[NR] = $1 } END {
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.2f %.2f\n", m, v[1] }'
}
median() { [[ -s "$1" ]] && stats "$1" | cut -d' ' -f1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
cell_time() { # file -> "4.21 s (4.10)" or error
  if [[ -s "$1" ]]; then stats "$1" | awk '{ printf "%s s (%s)", $1, $2 }'; else echo error; fi
}
cell_size() { # file -> "6.12 MB, 131k lines"
  if [[ -s "$1" ]]; then
    awk '{ printf "%.2f MB, %.0fk lines", $1 / 1e6, $2 / 1e3 }' "$1"
  else
    echo error
  fi
}
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { if (r == "-" || r == "") print "-";
  else if (r + 0 <= t + 0) print "**PASS**"; else print "**MISS**" }'; }

now_desc="$(git -C "$now_include" describe --always --dirty 2>/dev/null || echo 'not a git tree')"
base_desc="$(git -C "$root" log -1 --format='%h "%s"' "$baseline_sha")"
echo "Compile time: CPU (user + sys) of one \`-c\` compile, \`${flags[*]}\`, median (min) of $repeat" \
  "interleaved runs; $(nproc 2>/dev/null || echo '?') cores, load average $load_start at the start," \
  "$load_end at the end."
echo "now: \`$now_include\` ($now_desc); baseline: $base_desc."
for i in "${!cxxs[@]}"; do
  d="$tmp/times/$i"
  echo
  echo "**$("${cxxs[$i]}" --version | head -n 1)**"
  echo
  echo "| program | now: CPU s, median (min) | baseline | now / baseline | preprocessed, now | baseline |"
  echo "|---|---|---|---|---|---|"
  for p in "${progs[@]}"; do
    if [[ ${both[$p]} -eq 1 ]]; then
      r="-"
      if [[ -s "$d.$p.now" && -s "$d.$p.baseline" ]]; then
        r="$(ratio "$(median "$d.$p.now")" "$(median "$d.$p.baseline")")"
      fi
      echo "| ${label[$p]} | $(cell_time "$d.$p.now") | $(cell_time "$d.$p.baseline") | $r" \
        "| $(cell_size "$d.$p.now.pp") | $(cell_size "$d.$p.baseline.pp") |"
    else
      echo "| ${label[$p]} | $(cell_time "$d.$p.now") | | | $(cell_size "$d.$p.now.pp") | |"
    fi
  done
  pp_bytes() { [[ -s "$1" ]] && cut -d' ' -f1 "$1"; }
  t1="-" s1="-" t2="-" s2="-"
  if [[ -s "$d.umbrella.now" && -s "$d.umbrella.baseline" ]]; then
    t1="$(ratio "$(median "$d.umbrella.now")" "$(median "$d.umbrella.baseline")")"
    s1="$(ratio "$(pp_bytes "$d.umbrella.now.pp")" "$(pp_bytes "$d.umbrella.baseline.pp")")"
  fi
  if [[ -s "$d.thread_pool.now" && -s "$d.asio_post.now" ]]; then
    t2="$(ratio "$(median "$d.thread_pool.now")" "$(median "$d.asio_post.now")")"
    s2="$(ratio "$(pp_bytes "$d.thread_pool.now.pp")" "$(pp_bytes "$d.asio_post.now.pp")")"
  fi
  echo
  echo "| target | CPU, ratio of medians | preprocessed bytes, ratio | |"
  echo "|---|---|---|---|"
  echo "| umbrella, now / baseline <= 0.70 | $t1 | $s1 | $(verdict "$t1" 0.70) |"
  echo "| thread pool only, now / \`<boost/asio.hpp>\` one post <= 1.0 | $t2 | $s2 | $(verdict "$t2" 1.0) |"
done
exit "$status"
