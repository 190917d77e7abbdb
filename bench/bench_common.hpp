//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//
// What the benchmarks share: starting a pool's threads before the clock,
// medians and number formatting, PASS/MISS targets, JSON text and the
// Python subprocess (the command line is command_line.hpp's). Each benchmark
// is one translation unit, so everything here is inline.

#ifndef CONCURRENT_FUTURES_BENCH_COMMON_HPP
#define CONCURRENT_FUTURES_BENCH_COMMON_HPP

#include <concurrent/futures/thread_pool_executor.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/version.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <stdio.h>
#include <unistd.h>

namespace bench {

using clock_type = std::chrono::steady_clock;

inline double elapsed(clock_type::time_point t0, clock_type::time_point t1) {
  return std::chrono::duration<double>(t1 - t0).count();
}

// ------------------------------------------------------------ pools

// Blocks `count` tasks until all of them run at once, so a pool that starts
// threads lazily has all of them before the clock starts. Gives up after a
// few seconds rather than hang on a pool that reuses a thread instead.
class start_gate {
public:
  explicit start_gate(int count) : left_(count) {}

  void arrive_and_wait() {
    std::unique_lock lock(mutex_);
    if (--left_ == 0) {
      cv_.notify_all();
      return;
    }
    cv_.wait_for(lock, std::chrono::seconds(5), [this] { return left_ <= 0; });
  }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int left_;
};

// Starts every worker of a fresh pool and waits until each has run a task.
/**
 * @throws std::runtime_error if the pool started another number of threads.
 */
inline void start_workers(concurrent::futures::thread_pool_executor& pool, int workers) {
  start_gate gate(workers);
  std::vector<concurrent::futures::future<int>> fs;
  for (int i = 0; i < workers; ++i)
    fs.push_back(pool.submit([&gate] {
      gate.arrive_and_wait();
      return 0;
    }));
  for (auto& f : fs)
    f.result();
  if (pool.thread_count() != static_cast<std::size_t>(workers))
    throw std::runtime_error("started " + std::to_string(pool.thread_count()) +
                             " threads, not " + std::to_string(workers));
}

// The same for an asio::thread_pool of `workers` threads (started eagerly;
// this waits until each of them runs).
inline void start_workers(boost::asio::thread_pool& pool, int workers) {
  start_gate gate(workers);
  std::vector<std::future<void>> fs;
  for (int i = 0; i < workers; ++i) {
    std::packaged_task<void()> task([&gate] { gate.arrive_and_wait(); });
    fs.push_back(task.get_future());
    boost::asio::post(pool, std::move(task));
  }
  for (auto& f : fs)
    f.get();
}

// ------------------------------------------------------------ figures

inline double median(std::vector<double> v) {
  if (v.empty())
    return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  auto const m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/// The runs of one pool (or variant) on one workload: ok only if every run
/// was; the median of a figure over the good runs.
template <class Sample>
struct run_series {
  std::vector<Sample> runs;

  bool ok() const {
    return !runs.empty() &&
           std::all_of(runs.begin(), runs.end(), [](auto& s) { return s.ok(); });
  }
  std::string error() const {
    for (auto& s : runs)
      if (!s.ok())
        return s.error;
    return runs.empty() ? "not run" : "";
  }
  template <class Get>
  double med(Get get) const {
    std::vector<double> v;
    for (auto& s : runs)
      if (s.ok())
        v.push_back(get(s));
    return median(v);
  }
};

inline std::string si(double v) {
  char buf[32];
  if (!std::isfinite(v))
    return "-";
  // Three significant digits, trailing zeros kept: 1.50M, 47.0k, 730k.
  char const* suffix = "";
  if (v >= 999.5e3) {
    v /= 1e6;
    suffix = "M";
  } else if (v >= 999.5) {
    v /= 1e3;
    suffix = "k";
  }
  int const decimals = v < 9.995 ? 2 : v < 99.95 ? 1 : 0;
  std::snprintf(buf, sizeof buf, "%.*f%s", decimals, v, suffix);
  return buf;
}

inline std::string fixed(double v, int digits = 2) {
  if (!std::isfinite(v))
    return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

inline std::string count_text(std::size_t n) {
  if (n >= 1'000'000 && n % 1'000'000 == 0)
    return std::to_string(n / 1'000'000) + "M";
  if (n >= 1'000 && n % 1'000 == 0)
    return std::to_string(n / 1'000) + "k";
  return std::to_string(n);
}

inline void print_rule(std::size_t width) {
  std::cout << std::string(width, '-') << '\n';
}

// A goal stated in an issue, checked against a measured ratio.
struct target {
  std::string what;
  std::string need_text;
  double needed;
  bool at_least; // measured >= needed; else measured <= needed
  double measured = std::numeric_limits<double>::quiet_NaN();
  std::string unit = "x"; // after the measured figure: a ratio, or " us"

  bool evaluated() const { return std::isfinite(measured); }
  bool pass() const { return at_least ? measured >= needed : measured <= needed; }
  std::string verdict() const {
    if (!evaluated())
      return "n/a (not measured)";
    if (pass())
      return "PASS";
    if (at_least)
      return "MISS (" + fixed((1 - measured / needed) * 100, 0) + "% short)";
    return "MISS (" + fixed(measured / needed, 1) + "x the limit)";
  }
};

// ------------------------------------------------------------ JSON

/// Prints the targets as a table under "== <heading>".
inline void print_targets(std::vector<target> const& targets, char const* heading) {
  std::cout << "\n== " << heading << '\n';
  char line[256];
  std::snprintf(line, sizeof line, "%-46s %8s %10s  %s", "target", "needed", "measured",
                "verdict");
  std::cout << line << '\n';
  print_rule(std::strlen(line) + 12);
  for (auto& t : targets) {
    std::string const m = t.evaluated()
                              ? fixed(t.measured, t.measured < 1 ? 3 : 2) + t.unit
                              : std::string("-");
    std::snprintf(line, sizeof line, "%-46s %8s %10s  %s", t.what.c_str(),
                  t.need_text.c_str(), m.c_str(), t.verdict().c_str());
    std::cout << line << '\n';
  }
}

inline std::string json_escape(std::string const& s) {
  std::string r;
  for (char c : s) {
    switch (c) {
    case '"':
      r += "\\\"";
      break;
    case '\\':
      r += "\\\\";
      break;
    case '\n':
      r += "\\n";
      break;
    case '\t':
      r += "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        r += buf;
      } else {
        r += c;
      }
    }
  }
  return r;
}

inline std::string json_num(double v) {
  if (!std::isfinite(v))
    return "null";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

inline void write_target_json(std::ostream& js, target const& t) {
  js << "{\"target\": \"" << json_escape(t.what) << "\", \"needed\": \""
     << json_escape(t.need_text) << "\", \"measured\": " << json_num(t.measured)
     << ", \"pass\": " << (t.evaluated() ? (t.pass() ? "true" : "false") : "null") << '}';
}

// The "config" member both benchmarks write first.
inline void write_config_json(std::ostream& js, int workers, int repeat, bool quick,
                              std::string const& python_version) {
  js << "  \"config\": {\"workers\": " << workers << ", \"repeat\": " << repeat
     << ", \"quick\": " << (quick ? "true" : "false")
     << ", \"hardware_threads\": " << std::thread::hardware_concurrency()
     << ", \"compiler\": \"" << json_escape(__VERSION__)
     << "\", \"boost\": " << BOOST_VERSION << ", \"python\": \""
     << json_escape(python_version) << "\"},\n";
}

// A number member of the one-line JSON a Python script prints.
inline std::optional<double> json_number(std::string const& text,
                                         std::string const& name) {
  auto const k = text.find("\"" + name + "\":");
  if (k == std::string::npos)
    return std::nullopt;
  char const* p = text.c_str() + k + name.size() + 3;
  char* end = nullptr;
  double const v = std::strtod(p, &end);
  if (end == p)
    return std::nullopt;
  return v;
}

inline std::string json_string(std::string const& text, std::string const& name) {
  auto k = text.find("\"" + name + "\": \"");
  if (k == std::string::npos)
    return {};
  k += name.size() + 5;
  auto const e = text.find('"', k);
  return e == std::string::npos ? std::string() : text.substr(k, e - k);
}

// ------------------------------------------------------------ Python

inline std::string shell_quote(std::string const& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  return q + "'";
}

inline std::string find_on_path(std::string const& name) {
  if (name.find('/') != std::string::npos)
    return ::access(name.c_str(), X_OK) == 0 ? name : std::string();
  char const* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty())
      dir = ".";
    std::string const candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

// The script `given`, else `name` beside this binary, else in the source
// tree; empty if none exists.
inline std::string find_script(std::string const& given, std::string const& name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!given.empty())
    return fs::exists(given, ec) ? given : std::string();
  auto const self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto const beside = self.parent_path() / name;
    if (fs::exists(beside, ec))
      return beside.string();
  }
#ifdef CONCURRENT_FUTURES_BENCH_SOURCE_DIR
  std::string const source = CONCURRENT_FUTURES_BENCH_SOURCE_DIR "/" + name;
  if (fs::exists(source, ec))
    return source;
#endif
  return {};
}

// Runs `cmd` through the shell and appends its stdout to `out`.
/**
 * @returns pclose's status (0: exited with 0), or nullopt if it could not
 * be started.
 */
inline std::optional<int> run_capture(std::string const& cmd, std::string& out) {
  std::fflush(nullptr);
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe)
    return std::nullopt;
  char buf[4096];
  while (std::size_t const got = std::fread(buf, 1, sizeof buf, pipe))
    out.append(buf, got);
  return ::pclose(pipe);
}

// ------------------------------------------------------------ the machine

// The 1-minute load average, to judge how noisy a run was (Linux only).
inline std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string first;
  if (!(in >> first))
    return "unknown";
  return first;
}

// Other work that was runnable as each contender was about to start: the
// kernel's count of runnable tasks (/proc/loadavg's fourth field) less this
// process's own runnable threads, sampled right before each contender. The
// load average cannot say it: it decays over minutes, so at the end of a run
// it mostly counts this benchmark's own threads of the contenders before.
class cpu_sharing {
public:
  // Five samples 2 ms apart, kept as their mean; call it right before a
  // contender starts, when no contender's thread or process is left.
  void sample() {
    double sum = 0;
    for (int i = 0; i < 5; ++i) {
      if (i > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      int const others = runnable_tasks() - own_runnable_threads();
      sum += std::max(others, 0);
      peak_ = std::max(peak_, std::max(others, 0));
    }
    means_.push_back(sum / 5);
  }

  // "other runnable tasks as each of 30 contenders started: mean 0.1, at
  // most 1, on 2 cores: ...", and what that means for the figures.
  std::string summary() const {
    std::ostringstream os;
    unsigned const cores = std::max(1u, std::thread::hardware_concurrency());
    if (means_.empty())
      return "no samples of other runnable work were taken";
    double total = 0;
    for (double m : means_)
      total += m;
    os.setf(std::ios::fixed);
    os.precision(1);
    os << "other runnable tasks as each of " << means_.size()
       << " contenders started: mean " << total / static_cast<double>(means_.size())
       << ", at most " << peak_ << ", on " << cores << " cores; ";
    if (peak_ == 0)
      os << "nothing else was runnable at any start";
    else if (static_cast<unsigned>(peak_) < cores)
      os << "some other work, below the core count";
    else
      os << "at some starts other work could take every core: figures may be low";
    return os.str();
  }

private:
  static int runnable_tasks() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c, running;
    if (!(in >> a >> b >> c >> running))
      return 0;
    return std::atoi(running.c_str()); // "R/total"
  }

  // This process's threads in state R, the sampling thread among them.
  static int own_runnable_threads() {
    int n = 0;
    std::error_code ec;
    for (auto const& e : std::filesystem::directory_iterator("/proc/self/task", ec)) {
      std::ifstream stat(e.path() / "stat");
      std::string line;
      std::getline(stat, line);
      // "tid (comm) S ...": the state follows the last ')'.
      auto const close = line.rfind(')');
      if (close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'R')
        ++n;
    }
    return n;
  }

  std::vector<double> means_;
  int peak_ = 0;
};

// "machine: 2 hardware threads (load average ...); compiler: ...; Boost
// 1.81; optimised build", the first line under each benchmark's title.
inline std::string machine_text() {
  std::ostringstream os;
  os << "machine: " << std::thread::hardware_concurrency() << " hardware threads"
     << " (load average " << load_average() << " at start)"
     << "; compiler: " << __VERSION__ << "; Boost " << BOOST_VERSION / 100000 << '.'
     << BOOST_VERSION / 100 % 1000
#ifdef NDEBUG
     << "; optimised build"
#else
     << "; DEBUG build (assertions on): figures are not representative"
#endif
      ;
  return os.str();
}

} // namespace bench

#endif
