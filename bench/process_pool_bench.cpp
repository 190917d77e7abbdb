//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//
// cf::process_pool_executor against Python's ProcessPoolExecutor, side by
// side in one run, with the same number of worker processes and the same
// start method (forkserver: ours' default, Python's from 3.14):
//
//   throughput  N no-op calls (each returns its index) submitted from one
//               thread, then each result read in order (sum checked)
//   round trip  sequential submit + result, one call in flight
//   map         identity over N ints with chunksize 1000, results consumed
//               in order (sum checked)
//   primes      the primes below N counted in 16 chunks submitted at once,
//               on 1 worker and on W workers: the speedup (count checked)
//
// Every call runs in a worker process and checks that it does: a call run
// in the program itself returns -1 and breaks the checked sum. Every
// measured pool is created fresh for each run and all its workers have run
// a call before the clock starts; pools are interleaved within each repeat
// and the median of the repeats is reported. bench/run.sh builds and runs it.

#include <concurrent/futures/process_pool_executor.hpp>

#include "bench_common.hpp"
#include "command_line.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace cf = concurrent::futures;
using bench::clock_type;

namespace {

using bench::count_text;
using bench::elapsed;
using bench::find_on_path;
using bench::fixed;
using bench::json_escape;
using bench::json_num;
using bench::json_number;
using bench::json_string;
using bench::median;
using bench::print_rule;
using bench::run_series;
using bench::shell_quote;
using bench::si;
using bench::target;
using bench::write_target_json;

// ------------------------------------------------------------ configuration

enum class pool_kind { ours, python };
// primes_one and primes_all are the same workload on 1 worker and on W.
enum class workload { throughput, round_trip, map, primes_one, primes_all };

constexpr pool_kind all_pools[] = {pool_kind::ours, pool_kind::python};
constexpr workload all_workloads[] = {workload::throughput, workload::round_trip,
                                      workload::map, workload::primes_one,
                                      workload::primes_all};

// Each pool's key (for --only and JSON) and label (for the tables).
struct pool_names {
  char const* key;
  char const* label;
};
constexpr pool_names names_of_pools[] = {
    {"ours", "ours: cf::process_pool_executor"},
    {"python", "Python ProcessPoolExecutor"},
};
// The workload's key in JSON and on python_process_pool.py's command line.
constexpr char const* keys_of_workloads[] = {"throughput", "roundtrip", "map", "primes",
                                             "primes"};

char const* key(pool_kind p) {
  return names_of_pools[static_cast<int>(p)].key;
}
char const* label(pool_kind p) {
  return names_of_pools[static_cast<int>(p)].label;
}
char const* key(workload w) {
  return keys_of_workloads[static_cast<int>(w)];
}

// Inputs per message in map, for both pools.
constexpr int map_chunksize = 1000;
// Calls the prime count is split into, for both pools.
constexpr int prime_chunks = 16;
// Blocks per chunk: chunk k counts blocks k, k + 16, k + 32, ... of the
// range, so the chunks cost about the same (the cost of a number grows with
// it) and the speedup measures the pool, not an uneven split.
constexpr int blocks_per_chunk = 32;
// The start method of both pools.
constexpr char const* start_method_name = "forkserver";

struct options : bench::common_options {
  std::vector<pool_kind> pools{std::begin(all_pools), std::end(all_pools)};
};

bool selected(options const& o, pool_kind p) {
  return std::find(o.pools.begin(), o.pools.end(), p) != o.pools.end();
}

bool is_primes(workload w) {
  return w == workload::primes_one || w == workload::primes_all;
}

// The workers a run of `w` uses.
int workers_for(workload w, int workers) {
  return w == workload::primes_one ? 1 : workers;
}

// Calls per run (for primes: the numbers counted). Python's process pool
// makes a few thousand calls a second, so it gets fewer, and counts below a
// smaller N (its trial division is ~30x slower); every figure is a rate or a
// mean per call, and the prime figure is each pool's own speedup. Both take
// about 2 s for the primes on one worker.
std::size_t task_count(pool_kind p, workload w, bool quick) {
  std::size_t n = 0;
  switch (w) {
  case workload::throughput:
    n = p == pool_kind::ours ? 1'000'000 : 20'000;
    break;
  case workload::round_trip:
    n = p == pool_kind::ours ? 20'000 : 2'000;
    break;
  case workload::map:
    n = 1'000'000;
    break;
  case workload::primes_one:
  case workload::primes_all:
    n = p == pool_kind::ours ? 10'000'000 : 1'500'000;
    break;
  }
  return quick ? n / 10 : n;
}

// ------------------------------------------------------------ the calls
// These run in the worker processes.

// Set first thing in main(). A worker is a fresh copy of the program that
// never runs main() (forkserver and spawn), so there it stays false.
bool in_main_process = false;

// The no-op: the index back, or -1 (which breaks the checked sum) if the
// call ran in the program itself.
int identity(int x) {
  return in_main_process ? -1 : x;
}

// Sleeps, then says which process ran it (to start every worker).
int pid_after(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return in_main_process ? -1 : static_cast<int>(::getpid());
}

bool is_prime(int x) {
  if (x < 2)
    return false;
  if (x < 4)
    return true;
  if (x % 2 == 0)
    return false;
  for (int d = 3; d <= x / d; d += 2)
    if (x % d == 0)
      return false;
  return true;
}

// The primes in blocks [first + j * stride, + block) below end, by trial
// division (python_process_pool.py has the same loop); -1 in the program.
int count_primes(int first, int end, int block, int stride) {
  if (in_main_process)
    return -1;
  int count = 0;
  for (int b = first; b < end; b += stride)
    for (int x = b; x < std::min(b + block, end); ++x)
      count += is_prime(x);
  return count;
}

// ------------------------------------------------------------ checks

std::int64_t expected_sum(std::size_t n) {
  auto const m = static_cast<std::int64_t>(n);
  return m * (m - 1) / 2;
}

std::string check_sum(std::int64_t sum, std::size_t n) {
  if (sum == expected_sum(n))
    return {};
  return "wrong sum " + std::to_string(sum) + ", expected " +
         std::to_string(expected_sum(n));
}

// The number of primes below n, by a sieve (not the code under test).
std::int64_t primes_below(std::size_t n) {
  static std::map<std::size_t, std::int64_t> known;
  if (auto it = known.find(n); it != known.end())
    return it->second;
  std::vector<bool> composite(n, false);
  std::int64_t count = 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (composite[i])
      continue;
    ++count;
    for (std::size_t j = i * i; j < n; j += i)
      composite[j] = true;
  }
  return known[n] = count;
}

std::string check_primes(std::int64_t count, std::size_t n) {
  if (count == primes_below(n))
    return {};
  return "wrong prime count " + std::to_string(count) + " below " + std::to_string(n) +
         ", expected " + std::to_string(primes_below(n));
}

int block_size(std::size_t n) {
  return std::max(1, static_cast<int>(n / (prime_chunks * blocks_per_chunk)));
}

// ------------------------------------------------------------ one run

struct sample {
  double seconds = 0;
  std::size_t n = 0;
  double p50_us = std::numeric_limits<double>::quiet_NaN();
  double p99_us = std::numeric_limits<double>::quiet_NaN();
  std::string error; // empty: the run succeeded and its sum was right

  bool ok() const { return error.empty(); }
  // tasks/s or items/s, mean microseconds per round trip, or seconds
  double value(workload w) const {
    if (is_primes(w))
      return seconds;
    return w == workload::round_trip ? seconds * 1e6 / static_cast<double>(n)
                                     : static_cast<double>(n) / seconds;
  }
};

// A fresh pool of `workers` processes, each of which has run a call.
class ours_pool {
public:
  // Rounds of `workers` short sleeps until calls came back from `workers`
  // distinct processes.
  /**
   * @throws std::runtime_error if they did not within 20 rounds.
   */
  explicit ours_pool(int workers) : pool_{{.max_workers = workers}} {
    std::set<int> pids;
    for (int round = 0; round < 20 && pids.size() < static_cast<std::size_t>(workers);
         ++round) {
      std::vector<cf::future<int>> fs;
      for (int i = 0; i < workers; ++i)
        fs.push_back(pool_.submit(pid_after, 20));
      for (auto& f : fs) {
        int const pid = f.result();
        if (pid <= 0)
          throw std::runtime_error("a call ran in the program, not in a worker");
        pids.insert(pid);
      }
    }
    // The pool records a worker's pid when the fork server's answer is
    // handled, which may come after that worker's first reply.
    auto live = pool_.worker_pids().size();
    for (int i = 0; i < 2000 && live != static_cast<std::size_t>(workers); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      live = pool_.worker_pids().size();
    }
    if (pids.size() != static_cast<std::size_t>(workers) ||
        live != static_cast<std::size_t>(workers))
      throw std::runtime_error("calls ran on " + std::to_string(pids.size()) +
                               " worker processes and the pool lists " +
                               std::to_string(live) + " live ones, not " +
                               std::to_string(workers) + " of each");
  }

  cf::process_pool_executor& get() { return pool_; }

private:
  cf::process_pool_executor pool_;
};

// Calls are submitted in bursts of `burst` (Python's whole run), each
// burst's results read before the next, so both pools hold as many futures
// at once. One burst of a million would measure this VM's page faults: its
// first touch of ~170 MB of new heap, which Python's 20,000 never makes.
sample run_throughput(int workers, std::size_t n, std::size_t burst) {
  ours_pool procs(workers);
  auto& pool = procs.get();
  std::vector<cf::future<int>> fs;
  fs.reserve(burst);
  std::int64_t sum = 0;
  auto const t0 = clock_type::now();
  for (std::size_t start = 0; start < n; start += burst) {
    std::size_t const end = std::min(n, start + burst);
    for (std::size_t i = start; i < end; ++i)
      fs.push_back(pool.submit(identity, static_cast<int>(i)));
    for (auto& f : fs)
      sum += f.result();
    fs.clear();
  }
  auto const t1 = clock_type::now();
  sample s;
  s.seconds = elapsed(t0, t1);
  s.n = n;
  s.error = check_sum(sum, n);
  return s;
}

double percentile_us(std::vector<std::int64_t>& ns, double q) {
  auto const k = std::min(ns.size() - 1,
                          static_cast<std::size_t>(q * static_cast<double>(ns.size())));
  std::nth_element(ns.begin(), ns.begin() + static_cast<std::ptrdiff_t>(k), ns.end());
  return static_cast<double>(ns[k]) / 1e3;
}

sample run_round_trip(int workers, std::size_t n) {
  ours_pool procs(workers);
  auto& pool = procs.get();
  std::vector<std::int64_t> ns(n);
  std::int64_t sum = 0;
  auto const t0 = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) {
    auto const s0 = clock_type::now();
    sum += pool.submit(identity, static_cast<int>(i)).result();
    ns[i] = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - s0)
                .count();
  }
  auto const t1 = clock_type::now();
  sample s;
  s.seconds = elapsed(t0, t1);
  s.n = n;
  s.error = check_sum(sum, n);
  s.p50_us = percentile_us(ns, 0.50);
  s.p99_us = percentile_us(ns, 0.99);
  return s;
}

sample run_map(int workers, std::size_t n) {
  std::vector<int> inputs(n);
  for (std::size_t i = 0; i < n; ++i)
    inputs[i] = static_cast<int>(i);
  ours_pool procs(workers);
  auto& pool = procs.get();
  std::int64_t sum = 0;
  auto const t0 = clock_type::now();
  for (int v : pool.map(identity, inputs, {.chunksize = map_chunksize}))
    sum += v;
  auto const t1 = clock_type::now();
  sample s;
  s.seconds = elapsed(t0, t1);
  s.n = n;
  s.error = check_sum(sum, n);
  return s;
}

sample run_primes(int workers, std::size_t n) {
  int const end = static_cast<int>(n);
  int const block = block_size(n);
  ours_pool procs(workers);
  auto& pool = procs.get();
  std::vector<cf::future<int>> fs;
  std::int64_t count = 0;
  auto const t0 = clock_type::now();
  for (int k = 0; k < prime_chunks; ++k)
    fs.push_back(pool.submit(count_primes, k * block, end, block, prime_chunks * block));
  for (auto& f : fs) {
    int const c = f.result();
    count += c < 0 ? std::numeric_limits<int>::min() : c;
  }
  auto const t1 = clock_type::now();
  sample s;
  s.seconds = elapsed(t0, t1);
  s.n = n;
  s.error = check_primes(count, n);
  return s;
}

sample run_cpp(workload w, int workers, std::size_t n, bool quick) {
  switch (w) {
  case workload::throughput:
    return run_throughput(workers, n, task_count(pool_kind::python, w, quick));
  case workload::round_trip:
    return run_round_trip(workers, n);
  case workload::map:
    return run_map(workers, n);
  case workload::primes_one:
  case workload::primes_all:
    return run_primes(workers, n);
  }
  return {};
}

// ------------------------------------------------------------ Python

struct python_env {
  std::string interpreter;  // empty: not found
  std::string script;       // empty: not found
  std::string version;      // from the first run
  std::string start_method; // from the first run
  std::string why_not;      // the row's text when Python cannot run
};

sample run_python(python_env& py, workload w, int workers, std::size_t n) {
  sample s;
  s.n = n;
  std::string const cmd =
      shell_quote(py.interpreter) + " " + shell_quote(py.script) + " --workload " +
      key(w) + " --n " + std::to_string(n) + " --workers " + std::to_string(workers) +
      " --chunksize " + std::to_string(map_chunksize) + " --chunks " +
      std::to_string(prime_chunks) + " --blocks-per-chunk " +
      std::to_string(blocks_per_chunk) + " --start-method " + start_method_name;
  std::string out;
  auto const started = bench::run_capture(cmd, out);
  if (!started) {
    s.error = "cannot start " + cmd;
    return s;
  }
  int const status = *started;
  auto const seconds = json_number(out, "seconds");
  if (status != 0 || !seconds || out.find("\"checksum_ok\": true") == std::string::npos) {
    s.error = "python run failed (status " + std::to_string(status) + "): " + out;
    return s;
  }
  s.seconds = *seconds;
  if (is_primes(w)) {
    // Python checks its count against its own sieve; this checks it too.
    auto const count = json_number(out, "count");
    s.error = count ? check_primes(static_cast<std::int64_t>(*count), n)
                    : "python printed no count: " + out;
  }
  if (auto v = json_number(out, "p50_us"))
    s.p50_us = *v;
  if (auto v = json_number(out, "p99_us"))
    s.p99_us = *v;
  if (py.version.empty())
    py.version = json_string(out, "python");
  if (py.start_method.empty())
    py.start_method = json_string(out, "start_method");
  return s;
}

// ------------------------------------------------------------ driver

sample run_one(pool_kind p, workload w, int workers, std::size_t n, bool quick,
               python_env& py) {
  try {
    switch (p) {
    case pool_kind::ours:
      return run_cpp(w, workers, n, quick);
    case pool_kind::python:
      if (!py.why_not.empty()) {
        sample s;
        s.n = n;
        s.error = py.why_not;
        return s;
      }
      return run_python(py, w, workers, n);
    }
  } catch (std::exception const& e) {
    sample s;
    s.n = n;
    s.error = std::string("exception: ") + e.what();
    return s;
  }
  return {};
}

// The runs of one pool on one workload.
struct series : run_series<sample> {
  using run_series::med;
  double med(workload w) const {
    return med([w](sample const& s) { return s.value(w); });
  }
  // Over every run, as before the runs were checked (a failed run has NaN).
  double med_p50() const { return median_of(&sample::p50_us); }
  double med_p99() const { return median_of(&sample::p99_us); }

private:
  double median_of(double sample::*field) const {
    std::vector<double> v;
    for (auto& s : runs)
      v.push_back(s.*field);
    return median(v);
  }
};

using results_map = std::map<std::pair<pool_kind, workload>, series>;

std::string runs_text(series const& s, workload w) {
  std::string r;
  for (auto& x : s.runs) {
    if (!r.empty())
      r += ' ';
    r += x.ok() ? (w == workload::round_trip ? fixed(x.value(w)) : si(x.value(w)))
                : std::string("err");
  }
  return r;
}

// The speedup of each repeat: its 1-worker time / its W-worker time.
std::string speedups_text(series const& one, series const& all) {
  std::string r;
  for (std::size_t i = 0; i < std::min(one.runs.size(), all.runs.size()); ++i) {
    if (!r.empty())
      r += ' ';
    r += one.runs[i].ok() && all.runs[i].ok()
             ? fixed(one.runs[i].seconds / all.runs[i].seconds)
             : std::string("err");
  }
  return r;
}

// The median 1-worker time / the median W-worker time of a pool.
double speedup(results_map const& results, pool_kind p) {
  auto const one = results.find({p, workload::primes_one});
  auto const all = results.find({p, workload::primes_all});
  if (one == results.end() || all == results.end() || !one->second.ok() ||
      !all->second.ok())
    return NAN;
  return one->second.med(workload::primes_one) / all->second.med(workload::primes_all);
}

// CPUs online, and those this process may run on (its affinity mask).
int online_cpus() {
  return static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
}
int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0)
    return online_cpus();
  return CPU_COUNT(&set);
}

constexpr char const usage[] =
    "usage: process_pool_bench [--workers W] [--repeat K] [--quick]\n"
    "                          [--only ours,python] [--json FILE]\n"
    "                          [--python PYTHON] [--python-script PATH]\n"
    "\n"
    "  --workers W        worker processes per pool (default 2); primes also "
    "runs on 1\n"
    "  --repeat K         runs per pool and workload; the median is reported "
    "(default 3)\n"
    "  --quick            10x fewer calls and numbers (a smoke test)\n"
    "  --only LIST        pools to run (default all: ours,python)\n"
    "  --json FILE        also write the results as JSON\n"
    "  --python PYTHON    interpreter (default python3 on PATH)\n"
    "  --python-script P  python_process_pool.py (default: beside this binary)\n";

options parse(int argc, char** argv) {
  options o;
  bench::command_line("process_pool_bench", usage)
      .common(o)
      .option("--only",
              [&o](std::string const& v) {
                o.pools = bench::parse_key_list(
                    v, all_pools, [](pool_kind p) { return key(p); }, "pool", "--only");
              })
      .parse(argc, argv);
  return o;
}

void print_header(options const& o, python_env const& py) {
  std::cout << "concurrent-futures process pool benchmark\n"
            << bench::machine_text() << '\n'
            << "cores: " << online_cpus() << " online, " << usable_cpus()
            << " usable by this process (affinity)\n"
            << "workers=" << o.workers << " processes; median of " << o.repeat
            << " run(s), pools interleaved within each repeat"
            << (o.quick ? "; --quick: 10x fewer calls" : "")
            << "; each run on a fresh pool whose workers have all run a call before "
               "the clock\n"
            << "start method: " << start_method_name
            << " for both (ours' default; Python: multiprocessing.get_context(\""
            << start_method_name << "\"), its default from 3.14)\n";
  if (selected(o, pool_kind::python)) {
    if (py.why_not.empty())
      std::cout << "python: " << py.interpreter << ' ' << py.script << '\n';
    else
      std::cout << "python: " << py.why_not << '\n';
  }
}

results_map run_all(options const& o, python_env& py, bench::cpu_sharing& cpu) {
  results_map results;
  // Warm-up: every pool and workload once at a tenth of the size.
  for (workload w : all_workloads)
    for (pool_kind p : o.pools)
      if (p != pool_kind::python || py.why_not.empty())
        (void)run_one(p, w, workers_for(w, o.workers),
                      std::max<std::size_t>(task_count(p, w, o.quick) / 10, 100), o.quick,
                      py);
  for (int r = 0; r < o.repeat; ++r) {
    std::cerr << "[repeat " << r + 1 << '/' << o.repeat << "]" << std::endl;
    for (workload w : all_workloads)
      for (pool_kind p : o.pools) {
        cpu.sample();
        results[{p, w}].runs.push_back(run_one(p, w, workers_for(w, o.workers),
                                               task_count(p, w, o.quick), o.quick, py));
      }
  }
  return results;
}

// The row of a pool that failed: its first error's first line.
void print_error_row(pool_kind p, std::string const& n, series const& s) {
  std::string err = s.error();
  if (auto nl = err.find('\n'); nl != std::string::npos)
    err.resize(nl);
  char line[512];
  std::snprintf(line, sizeof line, "%-34s %7s  %s", label(p), n.c_str(), err.c_str());
  std::cout << line << '\n';
}

void print_primes_table(options const& o, results_map const& results) {
  std::cout << "\n== primes: count the primes below N by trial division in "
            << prime_chunks
            << " chunks submitted at once (block-cyclic, so the chunks cost\n"
               "   alike), on a pool of 1 worker and on one of "
            << o.workers << "; seconds LOWER is better; speedup = 1-worker time / "
            << o.workers << "-worker time,\n   HIGHER is better (ideal " << o.workers
            << ".00, at most the " << usable_cpus()
            << " usable cores); each pool counts below its own N (Python's loop is ~30x "
               "slower)\n";
  char line[512];
  std::string const many = std::to_string(o.workers) + " workers s";
  std::snprintf(line, sizeof line, "%-34s %7s %10s %11s %8s  %-26s", "pool", "N",
                "1 worker s", many.c_str(), "speedup", "runs (speedup)");
  std::cout << line << '\n';
  print_rule(std::strlen(line));
  for (pool_kind p : o.pools) {
    auto const& one = results.at({p, workload::primes_one});
    auto const& all = results.at({p, workload::primes_all});
    std::string const n = count_text(one.runs.empty() ? 0 : one.runs.front().n);
    if (!one.ok() || !all.ok()) {
      print_error_row(p, n, one.ok() ? all : one);
      continue;
    }
    std::snprintf(line, sizeof line, "%-34s %7s %10s %11s %8s  %-26s", label(p),
                  n.c_str(), fixed(one.med(workload::primes_one), 3).c_str(),
                  fixed(all.med(workload::primes_all), 3).c_str(),
                  fixed(speedup(results, p)).c_str(), speedups_text(one, all).c_str());
    std::cout << line << '\n';
  }
}

void print_table(options const& o, results_map const& results, workload w) {
  if (w == workload::primes_one) {
    print_primes_table(o, results);
    return;
  }
  if (w == workload::primes_all)
    return;
  bool const rt = w == workload::round_trip;
  std::cout << '\n';
  switch (w) {
  case workload::throughput:
    std::cout << "== throughput: N no-op calls (each returns its index) submitted from "
                 "one thread in bursts of Python's N, each burst's results read in order "
                 "before the next\n"
                 "   tasks/s, HIGHER is better; ours/theirs = ours' rate / theirs "
                 "(> 1: ours faster)\n";
    break;
  case workload::round_trip:
    std::cout << "== round trip: N sequential submit + result, one call in flight\n"
                 "   microseconds per round trip, LOWER is better; ours/theirs = ours' "
                 "latency / theirs (< 1: ours faster)\n";
    break;
  case workload::map:
    std::cout << "== map: identity over N ints, chunksize " << map_chunksize
              << " (one message per chunk), results consumed in order\n"
                 "   items/s, HIGHER is better; ours/theirs = ours' rate / theirs "
                 "(> 1: ours faster)\n";
    break;
  default:
    break;
  }
  char line[512];
  if (rt)
    std::snprintf(line, sizeof line, "%-34s %7s %10s %9s %9s  %-26s %11s", "pool", "N",
                  "mean us", "p50 us", "p99 us", "runs (mean us)", "ours/theirs");
  else
    std::snprintf(line, sizeof line, "%-34s %7s %10s  %-26s %11s", "pool", "N",
                  w == workload::map ? "items/s" : "tasks/s", "runs", "ours/theirs");
  std::cout << line << '\n';
  print_rule(std::strlen(line));
  auto const ours_it = results.find({pool_kind::ours, w});
  double const ours =
      ours_it != results.end() && ours_it->second.ok() ? ours_it->second.med(w) : NAN;
  for (pool_kind p : o.pools) {
    auto const& s = results.at({p, w});
    std::string const n = count_text(s.runs.empty() ? 0 : s.runs.front().n);
    if (!s.ok()) {
      print_error_row(p, n, s);
      continue;
    }
    double const v = s.med(w);
    double const r = ours / v;
    std::string const ratio = p == pool_kind::ours ? "1.00" : fixed(r, r < 1 ? 3 : 2);
    if (rt)
      std::snprintf(line, sizeof line, "%-34s %7s %10s %9s %9s  %-26s %11s", label(p),
                    n.c_str(), fixed(v).c_str(), fixed(s.med_p50()).c_str(),
                    fixed(s.med_p99()).c_str(), runs_text(s, w).c_str(), ratio.c_str());
    else
      std::snprintf(line, sizeof line, "%-34s %7s %10s  %-26s %11s", label(p), n.c_str(),
                    si(v).c_str(), runs_text(s, w).c_str(), ratio.c_str());
    std::cout << line << '\n';
  }
}

std::vector<target> evaluate_targets(options const& o, results_map const& results) {
  auto med = [&](pool_kind p, workload w) {
    auto const it = results.find({p, w});
    return it != results.end() && it->second.ok() ? it->second.med(w) : NAN;
  };
  auto const rt = results.find({pool_kind::ours, workload::round_trip});
  double const w = o.workers;
  // 90% of the ideal: 1.8x at the default of 2 workers.
  target speed{"primes speedup, ours 1 -> " + std::to_string(o.workers) + " workers",
               ">= " + fixed(0.9 * w) + "x", 0.9 * w, true};
  std::vector<target> t{
      {"throughput, ours/python", ">= 150x", 150.0, true},
      {"round trip, ours (mean)", "<= 15 us", 15.0, false, NAN, " us"},
      {"round trip, ours (p50)", "<= 8 us", 8.0, false, NAN, " us"},
      {"map (chunksize 1000), ours/python", ">= 10x", 10.0, true},
      speed,
  };
  t[0].measured = med(pool_kind::ours, workload::throughput) /
                  med(pool_kind::python, workload::throughput);
  t[1].measured = med(pool_kind::ours, workload::round_trip);
  t[2].measured = rt != results.end() && rt->second.ok() ? rt->second.med_p50() : NAN;
  t[3].measured =
      med(pool_kind::ours, workload::map) / med(pool_kind::python, workload::map);
  t[4].measured = speedup(results, pool_kind::ours);
  return t;
}

void write_sample_json(std::ostream& js, sample const& s, workload w) {
  js << "{\"seconds\": " << json_num(s.seconds) << ", \"n\": " << s.n
     << ", \"value\": " << json_num(s.ok() ? s.value(w) : NAN);
  if (w == workload::round_trip)
    js << ", \"p50_us\": " << json_num(s.p50_us)
       << ", \"p99_us\": " << json_num(s.p99_us);
  if (!s.ok())
    js << ", \"error\": \"" << json_escape(s.error) << '"';
  js << '}';
}

char const* unit(workload w) {
  switch (w) {
  case workload::round_trip:
    return "us";
  case workload::primes_one:
  case workload::primes_all:
    return "s";
  default:
    return "per_s";
  }
}

void write_json(options const& o, python_env const& py, results_map const& results,
                std::vector<target> const& targets) {
  std::ofstream js(o.json_path);
  js << "{\n";
  bench::write_config_json(js, o.workers, o.repeat, o.quick, py.version);
  js << "  \"machine\": {\"online_cpus\": " << online_cpus()
     << ", \"usable_cpus\": " << usable_cpus() << ", \"start_method\": \""
     << start_method_name << "\", \"python_start_method\": \""
     << json_escape(py.start_method) << "\", \"map_chunksize\": " << map_chunksize
     << ", \"prime_chunks\": " << prime_chunks << "},\n";
  js << "  \"results\": [";
  bool first = true;
  for (auto& [k, s] : results) {
    auto const w = k.second;
    js << (first ? "\n" : ",\n") << "    {\"pool\": \"" << key(k.first)
       << "\", \"workload\": \"" << key(w)
       << "\", \"workers\": " << workers_for(w, o.workers) << ", \"unit\": \"" << unit(w)
       << "\", \"median\": " << json_num(s.ok() ? s.med(w) : NAN);
    if (w == workload::round_trip)
      js << ", \"median_p50_us\": " << json_num(s.med_p50())
         << ", \"median_p99_us\": " << json_num(s.med_p99());
    js << ", \"runs\": [";
    for (std::size_t i = 0; i < s.runs.size(); ++i) {
      if (i)
        js << ", ";
      write_sample_json(js, s.runs[i], w);
    }
    js << "]}";
    first = false;
  }
  js << "\n  ],\n  \"speedup\": {";
  first = true;
  for (pool_kind p : o.pools) {
    js << (first ? "" : ", ") << '"' << key(p) << "\": " << json_num(speedup(results, p));
    first = false;
  }
  js << "},\n  \"targets\": [";
  for (std::size_t i = 0; i < targets.size(); ++i) {
    js << (i ? ",\n    " : "\n    ");
    write_target_json(js, targets[i]);
  }
  js << "\n  ]\n}\n";
  if (!js)
    std::cerr << "cannot write " << o.json_path << '\n';
}

int run_main(options const& o, python_env& py) {
  print_header(o, py);
  bench::cpu_sharing cpu;
  auto const results = run_all(o, py, cpu);
  for (workload w : all_workloads)
    print_table(o, results, w);
  std::cout << "\nPython runs fewer calls (see N) to stay near ten seconds, and counts "
               "primes below a smaller N;\nevery figure is a rate, a mean per call or a "
               "pool's own speedup, so the ratios compare like with like.\n";
  auto const targets = evaluate_targets(o, results);
  print_targets(targets, "targets of the issue (medians above)");
  std::cout << "(" << online_cpus() << " cores online, " << usable_cpus() << " usable; "
            << cpu.summary() << ")\n";
  if (!py.version.empty())
    std::cout << "(Python " << py.version << ", start method "
              << (py.start_method.empty() ? "unknown" : py.start_method) << ")\n";

  bool all_ok = true;
  for (auto& [k, s] : results)
    all_ok = all_ok && (s.ok() || (k.first == pool_kind::python && !py.why_not.empty()));

  if (!o.json_path.empty())
    write_json(o, py, results, targets);
  return all_ok ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  in_main_process = true;
  options const o = parse(argc, argv);

  python_env py;
  if (selected(o, pool_kind::python)) {
    std::string const name = o.python.empty() ? "python3" : o.python;
    py.interpreter = find_on_path(name);
    py.script = bench::find_script(o.python_script, "python_process_pool.py");
    if (py.interpreter.empty())
      py.why_not = name + " not found";
    else if (py.script.empty())
      py.why_not = "python_process_pool.py not found (use --python-script)";
  }

  try {
    return run_main(o, py);
  } catch (std::exception const& e) {
    std::cerr << "process_pool_bench: " << e.what() << '\n';
    return 2;
  }
}
