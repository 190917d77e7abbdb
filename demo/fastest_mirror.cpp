//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// fastest_mirror: ask five mirror servers for the same file, keep the first
// good answer, and get rid of the other requests.
//
// The five mirrors are five real HTTP servers on loopback (demo/
// http_server.hpp), each with its own latency. All five requests go out at
// once through a blocking client on a pool of 3 threads, so 3 requests run
// and 2 wait in the pool's queue. Then:
//   - cf::wait(futures, {.return_when = cf::first_completed}) wakes up at the
//     first answer, as Python's wait(..., return_when=FIRST_COMPLETED);
//   - a good answer wins. The queued requests are cancelled (cancel()
//     returns true; they never reach their server). The running ones cannot
//     be cancelled (cancel() returns false, as in Python: nothing interrupts
//     a thread from outside), so they get a cooperative stop: a
//     std::stop_token that aborts their blocking HTTP call;
//   - a bad answer (503, a reset connection) does not win: the demo waits for
//     the next fastest mirror that answers, which is already on its way.
//
// Two scenarios: every mirror healthy, then the fastest mirror overloaded
// (503) and the next one resetting its connections.

#include "http_server.hpp"

#include <concurrent/futures.hpp>

#include <chrono>
#include <cstdio>
#include <deque>
#include <exception>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace cf = concurrent::futures;
using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

char const* const path = "/debian-12.iso";

struct mirror {
  std::string name;
  demo::route route; // how its server answers `path`
};

// What a scenario expects, and what it saw.
struct outcome {
  std::string winner;
  std::vector<std::string> failed;    // answered first, but badly
  std::vector<std::string> cancelled; // never left the queue
  std::vector<std::string> stopped;   // running, stopped by the token
};

// The task, on a pool thread: one blocking GET. The stop token is the only
// way to end it early once it runs.
demo::http_response fetch(unsigned short port, std::stop_token stop) {
  return demo::http_get("127.0.0.1", port, path, 5s, std::move(stop));
}

bool good_answer(cf::future<demo::http_response> const& f) {
  return !f.cancelled() && !f.exception() && f.result().status == 200;
}

long ms_since(steady_clock::time_point start) {
  return static_cast<long>(
      std::chrono::duration_cast<milliseconds>(steady_clock::now() - start).count());
}

outcome run_scenario(char const* title, std::vector<mirror> const& mirrors) {
  std::printf("== %s\n", title);
  std::deque<demo::http_server> servers; // a deque: servers cannot move
  for (mirror const& m : mirrors) {
    servers.emplace_back(demo::route_table{{path, m.route}});
    std::printf("  %-8s port %-5u %4lld ms  %s\n", m.name.c_str(), servers.back().port(),
                static_cast<long long>(m.route.latency.count()),
                m.route.reset ? "resets the connection"
                              : demo::status_text(m.route.status).c_str());
  }

  // Declared before the pool, so they outlive its tasks and callbacks.
  outcome seen;
  std::stop_source stop;
  std::vector<cf::future<demo::http_response>> futures;
  cf::thread_pool_executor pool{{.max_workers = 3, .thread_name_prefix = "mirror"}};

  auto const start = steady_clock::now();
  for (demo::http_server const& server : servers)
    futures.push_back(pool.submit(fetch, server.port(), stop.get_token()));

  // Why cancel from a done callback: the thread that finished the winning
  // request takes the next queued request at once, before the main thread
  // wakes up from wait(). The callback runs in that thread right after the
  // result is stored, before it takes more work, so its cancel() still finds
  // the queued requests queued. Only a good answer cancels anything: after a
  // bad one, the others are still wanted.
  for (cf::future<demo::http_response> const& f : futures)
    f.add_done_callback([&futures](cf::future<demo::http_response> const& done) {
      if (good_answer(done))
        for (cf::future<demo::http_response> const& other : futures)
          other.cancel(); // false for the winner and the running ones
    });

  // Wait for the first answer; if it is bad, for the next one, and so on.
  std::optional<std::size_t> winner;
  std::vector<cf::future<demo::http_response>> waiting = futures;
  while (!winner && !waiting.empty()) {
    auto [done, not_done] =
        cf::wait(waiting, {.timeout = 10s, .return_when = cf::first_completed});
    if (done.empty())
      break; // no mirror answered within 10 s
    for (std::size_t i = 0; i < futures.size(); ++i) {
      cf::future<demo::http_response> const& f = futures[i];
      if (!done.contains(f) || f.cancelled() || winner)
        continue;
      if (good_answer(f)) {
        winner = i;
        std::printf("  %5ld ms  %-8s answers %s, %zu bytes: the winner\n",
                    ms_since(start), mirrors[i].name.c_str(),
                    demo::status_text(f.result().status).c_str(), f.result().body.size());
        continue;
      }
      std::string why;
      try {
        why = demo::status_text(f.result().status);
      } catch (std::exception const& e) {
        why = e.what();
      }
      std::printf("  %5ld ms  %-8s answers badly (%s): wait for the next one\n",
                  ms_since(start), mirrors[i].name.c_str(), why.c_str());
      seen.failed.push_back(mirrors[i].name);
    }
    waiting.assign(not_done.begin(), not_done.end());
  }
  if (!winner) {
    std::printf("  no mirror gave a good answer\n\n");
    return seen;
  }
  seen.winner = mirrors[*winner].name;

  // The losers still in flight, as in Python: cancel what can be cancelled,
  // stop the rest. cancel() on an already cancelled future returns true.
  for (std::size_t i = 0; i < futures.size(); ++i) {
    if (i == *winner || futures[i].done())
      continue;
    if (!futures[i].cancel())
      stop.request_stop(); // every request holds a token of this source
  }

  cf::wait(futures, {.timeout = 10s});
  for (std::size_t i = 0; i < futures.size(); ++i) {
    cf::future<demo::http_response> const& f = futures[i];
    char const* name = mirrors[i].name.c_str();
    if (f.cancelled()) {
      // Its server is the witness: a cancelled request never reached it.
      std::printf("            %-8s cancelled while queued; its server saw %zu "
                  "requests\n",
                  name, servers[i].requests());
      if (servers[i].requests() == 0)
        seen.cancelled.push_back(mirrors[i].name);
    } else if (f.exception() && i != *winner) {
      try {
        f.result();
      } catch (std::exception const& e) {
        if (std::string(e.what()).ends_with(": stopped")) {
          std::printf("            %-8s was running: stopped (%s)\n", name, e.what());
          seen.stopped.push_back(mirrors[i].name);
        }
      }
    } else if (i != *winner && f.done() && f.result().status == 200) {
      std::printf("            %-8s answered too, too late; ignored\n", name);
    }
  }
  std::printf("  all settled after %ld ms\n\n", ms_since(start));
  return seen;
}

} // namespace

int main() {
  std::printf("fastest_mirror: the same GET %s to five mirrors on 3 threads;\n"
              "cf::wait(first_completed) takes the first good answer, the queued\n"
              "requests are cancelled and the running ones stopped\n\n",
              path);
  std::string const iso(16 * 1024, 'i');

  // a, b, c start at once; d and e wait for a thread.
  outcome const healthy = run_scenario("every mirror healthy",
                                       {{"mirror-a", {.body = iso, .latency = 300ms}},
                                        {"mirror-b", {.body = iso, .latency = 100ms}},
                                        {"mirror-c", {.body = iso, .latency = 700ms}},
                                        {"mirror-d", {.body = iso, .latency = 200ms}},
                                        {"mirror-e", {.body = iso, .latency = 1200ms}}});

  // b answers first with a 503; its thread then runs d, which resets after
  // 200 ms (at ~300 ms); d's thread then runs e. a answers well at ~500 ms.
  outcome const degraded =
      run_scenario("the fastest mirror overloaded, the next one resetting",
                   {{"mirror-a", {.body = iso, .latency = 500ms}},
                    {"mirror-b", {.status = 503, .body = "overloaded", .latency = 100ms}},
                    {"mirror-c", {.body = iso, .latency = 700ms}},
                    {"mirror-d", {.latency = 200ms, .reset = true}},
                    {"mirror-e", {.body = iso, .latency = 1200ms}}});

  using names = std::vector<std::string>;
  bool const ok = healthy.winner == "mirror-b" && healthy.failed.empty() &&
                  healthy.cancelled == names{"mirror-d", "mirror-e"} &&
                  healthy.stopped == names{"mirror-a", "mirror-c"} &&
                  degraded.winner == "mirror-a" &&
                  degraded.failed == names{"mirror-b", "mirror-d"} &&
                  degraded.stopped == names{"mirror-c", "mirror-e"};
  if (!ok) {
    std::fprintf(stderr, "unexpected outcome (see above)\n");
    return 1;
  }
  return 0;
}
