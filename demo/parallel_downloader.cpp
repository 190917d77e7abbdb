//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// parallel_downloader: download 30 files from a real HTTP server with 8
// threads, with a progress bar that moves as each download completes.
//
// The server (demo/http_server.hpp) runs in this program, on loopback, and
// answers each file after a latency of its own (50 to 400 ms). Three of the
// 30 files fail as real downloads fail: two answer "404 Not Found" and one
// aborts its TCP connection (the client sees "connection reset by peer").
// A failure is reported on its own line and the other downloads go on.
//
// The client is blocking (demo::http_get): a download holds its thread while
// it waits, which is why there are 8 threads and why they pay off even on a
// 2-core machine: 8 threads wait for 8 answers at once.
//
//   with ThreadPoolExecutor(max_workers=8) as pool:
//       futures = {pool.submit(download, path): path for path in paths}
//       for done, f in enumerate(as_completed(futures), 1):
//           progress(done, len(futures))
//
// The bar is redrawn in place ('\r') on a terminal; in a log (CI, a pipe)
// each completion is a line of its own instead.

#include "http_server.hpp"

#include <concurrent/futures.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cf = concurrent::futures;
using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

constexpr int file_count = 30;

// FNV-1a: the same latency and size for a file on every run.
std::uint32_t stable_hash(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s)
    h = (h ^ c) * 16777619u;
  return h;
}

std::string path_of(int i) {
  char name[16];
  std::snprintf(name, sizeof name, "/file%02d", i);
  return name;
}

// The server's files: /file01 .. /file30, 50-400 ms each, 1-64 KiB. Two
// answer 404, one resets its connection.
demo::route_table make_routes() {
  demo::route_table routes;
  for (int i = 1; i <= file_count; ++i) {
    std::string const path = path_of(i);
    std::uint32_t const h = stable_hash(path);
    demo::route r{.body = std::string(1024 + h / 351 % (63 * 1024), 'x'),
                  .latency = milliseconds(50 + h % 351)};
    if (i == 9 || i == 23)
      r = {.status = 404, .body = "no such file", .latency = r.latency};
    if (i == 17)
      r.reset = true;
    routes.emplace(path, r);
  }
  return routes;
}

// The task, run on a pool thread: one blocking download. A 404 is an answer
// and comes back as one; a reset throws, and the exception travels in the
// future to whoever calls result().
demo::http_response download(unsigned short port, std::string const& path) {
  return demo::http_get("127.0.0.1", port, path, 5s);
}

// "[=====>              ] 15/30"
std::string progress_bar(int done, int total) {
  constexpr int width = 20;
  int const filled = done * width / total;
  std::string bar = "[";
  for (int i = 0; i < width; ++i)
    bar += i < filled ? '=' : i == filled ? '>' : ' ';
  return bar + "] " + std::to_string(done) + "/" + std::to_string(total);
}

double seconds_since(steady_clock::time_point start) {
  return std::chrono::duration<double>(steady_clock::now() - start).count();
}

} // namespace

int main() {
  demo::route_table const routes = make_routes();
  demo::http_server server(routes);
  bool const live = isatty(STDOUT_FILENO) != 0; // redraw in place, or log lines

  std::printf("parallel_downloader: %d files from http://127.0.0.1:%u/ on 8 threads, "
              "progress driven by cf::as_completed\n\n",
              file_count, server.port());

  auto const start = steady_clock::now();
  int ok = 0, not_found = 0, errors = 0, done = 0;
  std::size_t bytes = 0;
  {
    cf::thread_pool_executor pool{{.max_workers = 8, .thread_name_prefix = "download"}};
    std::unordered_map<cf::future<demo::http_response>, std::string> path_of_future;
    std::vector<cf::future<demo::http_response>> futures;
    for (int i = 1; i <= file_count; ++i) {
      auto f = pool.submit(download, server.port(), path_of(i));
      path_of_future.emplace(f, path_of(i));
      futures.push_back(f);
    }

    // One turn per finished download, in the order they finish: the bar
    // moves as soon as any download is in, whichever it is.
    for (cf::future<demo::http_response>& f : cf::as_completed(futures, 30s)) {
      std::string const& path = path_of_future.at(f);
      std::string outcome;
      bool failed = true;
      try {
        demo::http_response const& r = f.result(); // done: does not block
        if (r.status == 200) {
          ++ok;
          bytes += r.body.size();
          failed = false;
          outcome = std::to_string(r.body.size()) + " bytes";
        } else {
          ++not_found;
          outcome = demo::status_text(r.status);
        }
      } catch (std::exception const& e) { // no answer at all: reset, timeout
        ++errors;
        outcome = e.what();
      }
      ++done;
      std::string const bar = progress_bar(done, file_count);
      if (live) {
        // Failures stay on screen above the bar; successes only move it.
        if (failed)
          std::printf("\r\033[K  %s: %s\n", path.c_str(), outcome.c_str());
        std::printf("\r%s %s", bar.c_str(), path.c_str());
      } else {
        std::printf("%s %s %s%s\n", bar.c_str(), path.c_str(), failed ? "FAILED " : "",
                    outcome.c_str());
      }
      std::fflush(stdout);
    }
    if (live)
      std::printf("\n");
  }
  double const wall = seconds_since(start);

  milliseconds sum_of_latencies{0};
  for (auto const& [path, r] : routes)
    sum_of_latencies += r.latency;
  double const serial = std::chrono::duration<double>(sum_of_latencies).count();

  std::printf("\n%d downloaded (%zu bytes), %d answered 404, %d without an answer\n", ok,
              bytes, not_found, errors);
  std::printf("wall time %.2f s; the server's latencies add up to %.2f s: %.1fx "
              "faster than one at a time\n",
              wall, serial, serial / wall);

  // The smoke test's check: exactly the failures the server was told to make.
  if (ok != file_count - 3 || not_found != 2 || errors != 1 ||
      server.requests() != static_cast<std::size_t>(file_count)) {
    std::fprintf(stderr,
                 "unexpected: %d ok, %d not found, %d errors, %zu requests served\n", ok,
                 not_found, errors, server.requests());
    return 1;
  }
  return 0;
}
