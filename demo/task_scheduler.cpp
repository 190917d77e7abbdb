//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// task_scheduler: jobs with priorities and dependencies, which Python's
// module leaves to you.
//
// A small release pipeline. The build jobs run on one worker thread, so the
// order they start in is exactly the order the scheduler chose; the download
// runs on a second pool, to show that a job may wait for another executor's.
//
//   fetch --+--> compile_core --+--> link --> test --> package
//           +--> compile_net ---+
//           +--> docs (priority -1: only when nothing else waits)
//   lint (priority 10: ahead of everything queued)
//
// Three runs:
//   1. Everything succeeds. The jobs start as the arrows allow; among the
//      ready ones lint goes first and docs last, after link, test and
//      package, which became ready later but have the default priority 0.
//   2. compile_net fails: link, test and package fail with its exception
//      and never run; docs and compile_core are not affected.
//   3. fetch is cancelled before it starts: every job below it is cancelled
//      at once (the cancel cascades), lint still runs.
//
// Each job does real work (it counts primes); `cf::after(a, b)` makes a job
// wait for a and b without taking a worker, and `cf::priority{n}` orders the
// jobs that are ready.

#include <concurrent/futures.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace cf = concurrent::futures;
using namespace std::chrono_literals;

namespace {

int count_primes(int limit) {
  int n = 0;
  for (int i = 2; i < limit; ++i) {
    bool prime = true;
    for (int d = 2; d * d <= i; ++d)
      if (i % d == 0) {
        prime = false;
        break;
      }
    n += prime;
  }
  return n;
}

// What the jobs report: the order they started in, from any thread.
class journal {
public:
  void started(std::string const& job) {
    std::lock_guard lock(mutex_);
    order_.push_back(job);
  }
  std::vector<std::string> order() const {
    std::lock_guard lock(mutex_);
    return order_;
  }

private:
  mutable std::mutex mutex_;
  std::vector<std::string> order_;
};

struct run_result {
  std::vector<std::string> order;
  // job -> "ok" / "failed: ..." / "cancelled", in pipeline order
  std::vector<std::pair<std::string, std::string>> outcomes;

  std::string const& outcome(std::string const& job) const {
    for (auto const& [name, how] : outcomes)
      if (name == job)
        return how;
    throw std::logic_error("no job " + job);
  }
};

template <class T>
std::string outcome_of(cf::future<T> const& f) {
  if (f.cancelled())
    return "cancelled";
  if (auto e = f.exception()) {
    try {
      std::rethrow_exception(e);
    } catch (std::exception const& x) {
      return std::string("failed: ") + x.what();
    }
  }
  return "ok";
}

enum class scenario { all_succeed, compile_fails, fetch_cancelled };

run_result run_pipeline(scenario what) {
  cf::thread_pool_executor io{{.max_workers = 1, .thread_name_prefix = "io"}};
  cf::thread_pool_executor build{{.max_workers = 1, .thread_name_prefix = "build"}};
  journal log;

  // A job: log its start, work, and fail on request. It ignores the values
  // of the jobs it waits for.
  auto job = [&log](std::string name, int work, bool fail = false) {
    return [&log, name, work, fail](auto&&...) {
      log.started(name);
      int const n = count_primes(work);
      if (fail)
        throw std::runtime_error(name + ": error: undefined reference to 'net_init'");
      return n;
    };
  };

  // Hold the build worker until fetch is over, so that every job that is
  // ready by then waits in the queue and the priorities decide.
  std::atomic<bool> go{false};
  auto hold = [&go] {
    while (!go.load())
      std::this_thread::sleep_for(1ms);
  };
  // Started, not just queued: a queued hold would be overtaken by lint.
  auto started = [](cf::future<void> f) {
    while (!f.running())
      std::this_thread::sleep_for(1ms);
    return f;
  };
  auto busy = started(build.submit(hold));
  if (what == scenario::fetch_cancelled)
    started(io.submit(hold)); // fetch waits behind it, so it can still be cancelled

  auto fetch = io.submit(job("fetch", 200'000));
  auto compile_core = build.submit(cf::after(fetch), job("compile_core", 300'000));
  auto compile_net = build.submit(
      cf::after(fetch), job("compile_net", 300'000, what == scenario::compile_fails));
  auto docs = build.submit(cf::after(fetch), cf::priority{-1}, job("docs", 100'000));
  auto link = build.submit(cf::after(compile_core, compile_net), job("link", 200'000));
  auto test = build.submit(cf::after(link), job("test", 200'000));
  auto package = build.submit(cf::after(test), job("package", 100'000));
  auto lint = build.submit(cf::priority{10}, job("lint", 100'000));

  if (what == scenario::fetch_cancelled) {
    bool const cancelled = fetch.cancel();
    std::cout << "  fetch.cancel() -> " << std::boolalpha << cancelled
              << "; before any worker moved:\n";
    for (auto [name, f] : {std::pair{"compile_core", compile_core},
                           {"docs", docs},
                           {"link", link},
                           {"package", package},
                           {"lint", lint}})
      std::cout << "    " << name
                << (f.cancelled() ? " is cancelled\n" : " is not cancelled\n");
  }
  while (!fetch.done())
    std::this_thread::sleep_for(1ms);
  go = true;
  cf::wait({fetch, compile_core, compile_net, docs, link, test, package, lint});
  busy.result();

  run_result r{log.order(), {}};
  for (auto [name, f] : {std::pair{"fetch", fetch},
                         {"compile_core", compile_core},
                         {"compile_net", compile_net},
                         {"docs", docs},
                         {"link", link},
                         {"test", test},
                         {"package", package},
                         {"lint", lint}})
    r.outcomes.emplace_back(name, outcome_of(f));
  return r;
}

void print(run_result const& r) {
  std::cout << "  started, in order:";
  for (auto const& j : r.order)
    std::cout << ' ' << j;
  std::cout << "\n";
  for (auto const& [job, how] : r.outcomes)
    std::printf("    %-13s %s\n", job.c_str(), how.c_str());
}

bool ran(run_result const& r, std::string const& job) {
  return std::find(r.order.begin(), r.order.end(), job) != r.order.end();
}

} // namespace

int main() {
  std::vector<std::string> problems;
  auto expect = [&problems](bool ok, std::string what) {
    if (!ok)
      problems.push_back(std::move(what));
  };

  std::cout << "1. every job succeeds\n";
  auto one = run_pipeline(scenario::all_succeed);
  print(one);
  expect(one.order == std::vector<std::string>{"fetch", "lint", "compile_core",
                                               "compile_net", "link", "test", "package",
                                               "docs"},
         "run 1: fetch, lint, compile_core, compile_net, link, test, package, docs");

  std::cout << "\n2. compile_net fails\n";
  auto two = run_pipeline(scenario::compile_fails);
  print(two);
  for (char const* j : {"link", "test", "package"}) {
    expect(!ran(two, j), std::string("run 2: ") + j + " must not run");
    expect(two.outcome(j).find("undefined reference") != std::string::npos,
           std::string("run 2: ") + j + " fails with compile_net's error");
  }
  expect(two.order == std::vector<std::string>{"fetch", "lint", "compile_core",
                                               "compile_net", "docs"},
         "run 2: fetch, lint, compile_core, compile_net, docs");
  expect(two.outcome("compile_core") == "ok" && two.outcome("docs") == "ok",
         "run 2: the jobs beside compile_net still succeed");

  std::cout << "\n3. fetch is cancelled before it starts\n";
  auto three = run_pipeline(scenario::fetch_cancelled);
  print(three);
  for (char const* j :
       {"fetch", "compile_core", "compile_net", "docs", "link", "test", "package"})
    expect(three.outcome(j) == "cancelled" && !ran(three, j),
           std::string("run 3: ") + j + " is cancelled and never runs");
  expect(three.outcome("lint") == "ok", "run 3: lint does not depend on fetch and runs");

  if (!problems.empty()) {
    for (auto const& p : problems)
      std::cerr << "task_scheduler: unexpected: " << p << "\n";
    return 1;
  }
  std::cout << "\nAll three runs went as the arrows and priorities say.\n";
}
