//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// search_engines: ask three search engines the same question, take the first
// answer, and get rid of the other two.
//
// The winner comes from `cf::wait(futures, {.return_when = cf::first_completed})`,
// as in Python. Getting rid of the losers is where the two kinds of task
// differ, and this demo shows both, as Python behaves:
//   - a task still queued is cancelled by cancel(), which returns true: it
//     never runs;
//   - a running task cannot be cancelled (cancel() returns false): C++, like
//     Python, cannot interrupt a thread from outside. It gets a cooperative
//     stop instead (a std::stop_source whose token it checks as it works),
//     and its result, if it produces one, is ignored.
// The pool has 2 threads for 3 engines, so the third engine waits in the
// queue.

#include <concurrent/futures.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace cf = concurrent::futures;
using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

struct engine {
  std::string name;
  milliseconds latency; // how long it takes to answer
};

struct answer {
  std::string engine;
  std::optional<std::string> top_hit; // empty: stopped before it had one
  milliseconds took;
};

// A search: waits for the engine's latency in 5 ms steps (a client reading a
// response in chunks), checking the stop token between steps. The token is
// the only way to end it early once it runs.
answer search(engine const& e, std::string const& query, std::stop_token stop,
              std::atomic<bool>& started) {
  started = true;
  auto const start = steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);
  };
  while (elapsed() < e.latency) {
    if (stop.stop_requested())
      return {e.name, std::nullopt, elapsed()};
    std::this_thread::sleep_for(5ms); // simulated network latency
  }
  return {e.name, "https://" + e.name + ".example/?q=" + query + " (#1 of 10)",
          elapsed()};
}

double ms_since(steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(steady_clock::now() - start).count();
}

} // namespace

int main() {
  std::printf("search_engines: the first of three engines wins (cf::wait, "
              "first_completed);\nthe queued loser is cancelled, the running "
              "one is asked to stop\n\n");

  std::vector<engine> const engines = {
      {"alpha", 150ms}, {"bravo", 1500ms}, {"charlie", 300ms}};
  std::string const query = "asio+thread+pool";

  // Declared before the pool, so they outlive the tasks and callbacks that
  // use them: the pool's destructor, which waits for every task (and the
  // done callbacks run as part of a task), runs first. A future counts as
  // done for wait() before its callbacks have finished, so waiting on the
  // futures alone would not be enough.
  std::array<std::atomic<bool>, 3> started{};
  std::stop_source stop;
  std::vector<cf::future<answer>> futures;

  cf::thread_pool_executor pool{{.max_workers = 2, .thread_name_prefix = "search"}};
  auto const start = steady_clock::now();

  // alpha and bravo each get a thread; charlie waits in the queue. The
  // arguments are copied into the task; std::ref passes `started[i]` by
  // reference instead.
  for (std::size_t i = 0; i < engines.size(); ++i)
    futures.push_back(
        pool.submit(search, engines[i], query, stop.get_token(), std::ref(started[i])));
  std::printf("query \"%s\" sent to alpha (~150 ms), bravo (~1500 ms) and charlie "
              "(~300 ms)\non 2 threads: charlie waits in the queue\n\n",
              query.c_str());

  // Why also cancel from a done callback: the moment the winner finishes, its
  // worker thread is free and takes the next queued task. By the time the
  // main thread wakes up from wait(), charlie would already be running, and
  // cancel() would return false. A done callback runs in that worker right
  // after the result is stored and before the worker takes the next task, so
  // a cancel() made there still finds charlie queued. (Python behaves the
  // same; its callbacks also run in the worker.)
  for (cf::future<answer> const& f : futures)
    f.add_done_callback([&futures](cf::future<answer> const& done) {
      if (done.cancelled())
        return; // cancelling a loser runs its callbacks too: nothing to do
      for (cf::future<answer> const& other : futures)
        if (other != done)
          other.cancel(); // only a queued task can be cancelled
    });

  // Blocks until at least one future is done. `done` and `not_done` are sets;
  // a cancelled engine can be in `done` too, once the pool has noticed the
  // cancellation, so the winner is the one that was not cancelled.
  auto [done, not_done] =
      cf::wait(futures, {.timeout = 5s, .return_when = cf::first_completed});
  double const winner_ms = ms_since(start);
  std::size_t w = futures.size();
  for (std::size_t i = 0; i < futures.size() && w == futures.size(); ++i)
    if (done.contains(futures[i]) && !futures[i].cancelled())
      w = i;
  if (w == futures.size()) {
    std::fprintf(stderr, "unexpected: no engine answered within 5 s\n");
    return 1;
  }
  answer const& best = futures[w].result();
  std::printf("wait() returned after %.0f ms: %zu done, %zu not done\n", winner_ms,
              done.size(), not_done.size());
  std::printf("winner: %s, %s\n\n", best.engine.c_str(),
              best.top_hit.value_or("(no hit)").c_str());

  // Python's loop over the losers: cancel what can be cancelled, stop the
  // rest. cancel() on a future that is already cancelled returns true.
  std::printf("the losers:\n");
  for (std::size_t i = 0; i < futures.size(); ++i) {
    if (i == w)
      continue;
    if (futures[i].cancel()) {
      std::printf("  %-8s cancel() returned true: cancelled while still queued\n",
                  engines[i].name.c_str());
    } else {
      std::printf("  %-8s cancel() returned false: it is running; asking it to stop\n",
                  engines[i].name.c_str());
      stop.request_stop(); // every engine holds a token of this one source
    }
  }

  // Wait for every engine to settle before reporting.
  auto const all = cf::wait(futures, {.timeout = 5s});
  bool ok = all.not_done.empty() && best.engine == "alpha";

  std::printf("\nonce everything settled (%.0f ms after the query):\n", ms_since(start));
  for (std::size_t i = 0; i < futures.size(); ++i) {
    if (i == w)
      continue;
    char const* name = engines[i].name.c_str();
    if (futures[i].cancelled()) {
      try {
        futures[i].result();
      } catch (cf::cancelled_error const& e) {
        std::printf("  %-8s cancelled, %s; result() throws cf::cancelled_error:\n"
                    "           \"%s\"\n",
                    name, started[i] ? "yet it STARTED" : "never started", e.what());
      }
      ok = ok && !started[i] && engines[i].name == "charlie";
    } else {
      answer const& late = futures[i].result();
      if (late.top_hit)
        std::printf("  %-8s finished anyway after %lld ms; its result is ignored\n", name,
                    static_cast<long long>(late.took.count()));
      else
        std::printf("  %-8s stopped itself after %lld ms of its %lld ms; "
                    "nothing to ignore\n",
                    name, static_cast<long long>(late.took.count()),
                    static_cast<long long>(engines[i].latency.count()));
      ok = ok && engines[i].name == "bravo" && !late.top_hit;
    }
  }

  if (!ok) {
    std::fprintf(stderr, "unexpected outcome (see above)\n");
    return 1;
  }
  return 0;
}
