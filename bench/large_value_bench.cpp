//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// large_value_bench: one large std::string result crossing from a worker
// process, against the same bytes moved through a pipe.
//
//   ours  a process pool of one worker returns a string of N bytes that it
//         made in an earlier call (so making it is not timed); the clock
//         runs from submit to the string in the caller's hands.
//   pipe  a child process, forked before the clock with the same string
//         made, writes it into a pipe when told; the parent reads it into a
//         freshly allocated std::string (resize, then read).
//
// Both receivers start from a fresh string, so both pay the first touch of
// N bytes, which on a VM costs more than copying them. The runs alternate,
// ours first; the median of each is compared. Peak RSS growth of the
// receiving process is measured for each run: VmHWM reset through
// /proc/self/clear_refs before the clock, read after, less VmRSS before
// (for ours, before the pool received its first large value: what it keeps
// from one value to the next counts).
//
// Targets (issue 15): ours' time at most 1.3x the pipe's; ours' peak RSS
// growth at most 1.25x the value.

#include "bench_common.hpp"

#include <concurrent/futures/process_pool_executor.hpp>

#include <malloc.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace cf = concurrent::futures;

namespace {

using clock_type = std::chrono::steady_clock;

// The worker's value, made by one call and moved out by the next.
std::string& made() {
  static std::string s;
  return s;
}

std::size_t make_value(std::size_t n) {
  made().assign(n, '\0');
  for (std::size_t i = 0; i < n; i += 4096)
    made()[i] = static_cast<char>('a' + (i / 4096) % 26);
  return made().size();
}

std::string take_value() {
  return std::move(made());
}

bool value_ok(std::string const& s, std::size_t n) {
  if (s.size() != n)
    return false;
  for (std::size_t i = 0; i < n; i += 4096)
    if (s[i] != static_cast<char>('a' + (i / 4096) % 26))
      return false;
  return true;
}

long status_kib(char const* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  std::size_t const len = std::strlen(field);
  while (std::getline(in, line))
    if (line.compare(0, len, field) == 0)
      return std::strtol(line.c_str() + len + 1, nullptr, 10);
  return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0); false where it cannot.
// Memory the heap keeps free goes back first (a freed value under glibc's
// 32 MiB mmap limit stays in the heap), so that only live memory counts.
bool reset_peak() {
  ::malloc_trim(0);
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

struct run {
  double seconds = 0;
  double rss_growth = 0; // bytes, peak during the run less before
};

// One run's figures, once its value is checked.
run measured(char const* who, std::string const& value, std::size_t n,
             clock_type::time_point t0, clock_type::time_point t1, bool peak, long hwm,
             long before) {
  if (!value_ok(value, n))
    throw std::runtime_error(std::string(who) + ": the value arrived wrong");
  run r;
  r.seconds = std::chrono::duration<double>(t1 - t0).count();
  r.rss_growth = peak ? static_cast<double>(hwm - before) * 1024 : NAN;
  return r;
}

// `before`: the RSS before the pool received its first large value, so
// that memory the pool keeps from one value to the next counts.
run run_ours(cf::process_pool_executor& pool, std::size_t n, long before) {
  if (pool.submit(make_value, n).result() != n)
    throw std::runtime_error("the worker did not make the value");
  bool const peak = reset_peak();
  auto const t0 = clock_type::now();
  std::string s = pool.submit(take_value).result();
  auto const t1 = clock_type::now();
  long const hwm = status_kib("VmHWM:");
  return measured("ours", s, n, t0, t1, peak, hwm, before);
}

run run_pipe(std::size_t n) {
  int data[2], go[2];
  if (::pipe(data) != 0 || ::pipe(go) != 0)
    throw std::runtime_error("pipe failed");
  pid_t const pid = ::fork();
  if (pid < 0)
    throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(data[0]);
    ::close(go[1]);
    std::string value(n, '\0');
    for (std::size_t i = 0; i < n; i += 4096)
      value[i] = static_cast<char>('a' + (i / 4096) % 26);
    char c;
    if (::read(go[0], &c, 1) != 1)
      ::_exit(1);
    for (std::size_t off = 0; off < n;) {
      ssize_t const k = ::write(data[1], value.data() + off, n - off);
      if (k < 0 && errno == EINTR)
        continue;
      if (k <= 0)
        ::_exit(1);
      off += static_cast<std::size_t>(k);
    }
    ::_exit(0);
  }
  ::close(data[1]);
  ::close(go[0]);
  // Let the child make its value before the clock.
  std::this_thread::sleep_for(std::chrono::milliseconds(200 + n / (4 << 20)));
  ::malloc_trim(0);
  long const before = status_kib("VmRSS:");
  bool const peak = reset_peak();
  auto const t0 = clock_type::now();
  char const c = 'g';
  if (::write(go[1], &c, 1) != 1)
    throw std::runtime_error("could not start the writer");
  std::string s;
  s.resize(n);
  for (std::size_t off = 0; off < n;) {
    ssize_t const k = ::read(data[0], s.data() + off, n - off);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      throw std::runtime_error("the pipe ended early");
    off += static_cast<std::size_t>(k);
  }
  auto const t1 = clock_type::now();
  long const hwm = status_kib("VmHWM:");
  ::close(data[0]);
  ::close(go[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return measured("pipe", s, n, t0, t1, peak, hwm, before);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? NAN : v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
  std::size_t mib = 256;
  int repeat = 3;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    std::string const a = argv[i];
    if (a == "--mib" && i + 1 < argc)
      mib = static_cast<std::size_t>(std::atol(argv[++i]));
    else if (a == "--repeat" && i + 1 < argc)
      repeat = std::max(1, std::atoi(argv[++i]));
    else if (a == "--quick")
      quick = true;
    else {
      std::cerr
          << "usage: large_value_bench [--mib N] [--repeat K] [--quick]\n"
             "  --mib N     the value's size in MiB (default 256)\n"
             "  --repeat K  runs of each, alternated; medians compared (default 3)\n"
             "  --quick     a 16 MiB value, one run (a smoke test)\n";
      return 2;
    }
  }
  if (quick) {
    mib = 16;
    repeat = 1;
  }
  std::size_t const n = mib << 20;
  std::cout << "concurrent-futures large value benchmark\n"
            << "a std::string of " << mib << " MiB returned by a worker process, "
            << "against a pipe into a fresh std::string; " << repeat
            << " run(s) each, alternated\n";
  try {
    cf::process_pool_executor pool({.max_workers = 1});
    pool.submit(make_value, 1).result();
    ::malloc_trim(0);
    long const before_any = status_kib("VmRSS:");
    // The worker's first large reply grows its reply buffer: not timed.
    pool.submit(make_value, n).result();
    if (!value_ok(pool.submit(take_value).result(), n))
      throw std::runtime_error("ours: the warm-up value arrived wrong");
    std::vector<double> ours_s, pipe_s, ours_rss, pipe_rss;
    for (int k = 0; k < repeat; ++k) {
      auto const o = run_ours(pool, n, before_any);
      auto const p = run_pipe(n);
      ours_s.push_back(o.seconds);
      ours_rss.push_back(o.rss_growth);
      pipe_s.push_back(p.seconds);
      pipe_rss.push_back(p.rss_growth);
      std::printf("run %d: ours %.3f s (peak RSS +%.2fx the value), pipe %.3f s "
                  "(+%.2fx)\n",
                  k + 1, o.seconds, o.rss_growth / static_cast<double>(n), p.seconds,
                  p.rss_growth / static_cast<double>(n));
    }
    double const ratio = median(ours_s) / median(pipe_s);
    double const rss = median(ours_rss) / static_cast<double>(n);
    std::printf("\nmedians: ours %.3f s, pipe %.3f s (%.0f MiB/s against %.0f)\n",
                median(ours_s), median(pipe_s), static_cast<double>(mib) / median(ours_s),
                static_cast<double>(mib) / median(pipe_s));
    std::vector<bench::target> targets{
        {"time, ours / pipe", "<= 1.3x", 1.3, false, ratio},
        {"peak RSS growth, ours / the value", "<= 1.25x", 1.25, false, rss},
    };
    bench::print_targets(targets, "targets of issue 15 (medians above)");
  } catch (std::exception const& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
