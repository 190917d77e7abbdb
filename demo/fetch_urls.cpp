//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// fetch_urls: download many pages at once and handle each one the moment it
// arrives, with cf::as_completed.
//
// This is the first example of Python's concurrent.futures documentation
// (ThreadPoolExecutor + as_completed over a dict of future -> URL), in C++:
//
//   with ThreadPoolExecutor(max_workers=8) as executor:
//       future_to_url = {executor.submit(load_url, url): url for url in URLS}
//       for future in as_completed(future_to_url):
//           url = future_to_url[future]
//           ...
//
// No network is needed: a "download" sleeps for a latency derived from the
// URL (so every run behaves the same) and a few URLs fail with "404 Not
// Found". Downloading is waiting, not computing, so 8 threads overlap 8
// waits even on a 2-core machine.

#include <concurrent/futures.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace cf = concurrent::futures;
using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

std::vector<std::string> const urls = {
    "https://www.python.org/",
    "https://docs.python.org/3/library/concurrent.futures.html",
    "https://www.boost.org/doc/libs/1_81_0/",
    "https://think-async.com/Asio/",
    "https://en.cppreference.com/w/cpp/thread/future",
    "https://isocpp.org/",
    "https://github.com/chriskohlhoff/asio",
    "https://example.com/",
    "https://example.org/missing-page",
    "https://www.kernel.org/",
    "https://gcc.gnu.org/gcc-12/",
    "https://clang.llvm.org/",
    "https://cmake.org/documentation/",
    "https://www.debian.org/",
    "https://pypi.org/project/futures/",
    "https://httpbin.org/status/404",
    "https://news.ycombinator.com/",
    "https://lwn.net/",
    "https://www.open-std.org/jtc1/sc22/wg21/",
    "https://peps.python.org/pep-3148/",
};

// FNV-1a: a stable hash, so each URL gets the same latency and size on
// every run (std::hash makes no such promise).
std::uint32_t stable_hash(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s)
    h = (h ^ c) * 16777619u;
  return h;
}

// Between 50 and 400 ms.
milliseconds latency_of(std::string_view url) {
  return milliseconds(50 + stable_hash(url) % 351);
}

bool is_missing(std::string_view url) {
  return url.find("missing") != url.npos || url.find("/404") != url.npos;
}

// The task: "downloads" a page and returns its size in bytes. It runs on a
// pool thread; what it throws is stored in its future and rethrown by
// result() in whichever thread asks.
std::size_t load_url(std::string const& url) {
  std::this_thread::sleep_for(latency_of(url)); // simulated network latency
  if (is_missing(url))
    throw std::runtime_error("404 Not Found");
  return 2'000 + stable_hash(url) / 351 % 120'000;
}

double seconds_since(steady_clock::time_point start) {
  return std::chrono::duration<double>(steady_clock::now() - start).count();
}

} // namespace

int main() {
  std::printf("fetch_urls: %zu downloads on 8 threads, each handled as it "
              "completes (cf::as_completed)\n\n",
              urls.size());

  auto const start = steady_clock::now();
  std::size_t fetched = 0, failed = 0, bytes = 0;
  milliseconds sum_of_latencies{0};
  {
    // The pool's destructor waits for its tasks (Python's `with` block).
    cf::thread_pool_executor pool{{.max_workers = 8}};

    // submit() returns at once with a future; the pool starts a thread per
    // submit, up to 8, and queues the rest. Futures hash and compare by the
    // state they share, so they can key a map back to their URL, as Python's
    // `future_to_url` dict does. (url is copied into the task: the task must
    // not refer to the loop variable.)
    std::unordered_map<cf::future<std::size_t>, std::string> url_of;
    std::vector<cf::future<std::size_t>> futures;
    for (std::string const& url : urls) {
      cf::future<std::size_t> f = pool.submit(load_url, url);
      url_of.emplace(f, url); // a copy of a future is the same future
      futures.push_back(f);
      sum_of_latencies += latency_of(url);
    }

    // as_completed yields each future when it finishes, whatever the
    // submission order: the fast downloads are handled while the slow ones
    // are still in flight. It takes any range of futures (here the vector;
    // the map's keys, `url_of | std::views::keys`, would do as well). The
    // 10 s timeout bounds the whole loop: if a download hung, advancing
    // would throw cf::timeout_error.
    for (cf::future<std::size_t>& f : cf::as_completed(futures, 10s)) {
      std::string const& url = url_of.at(f);
      // result() does not block here (f is done); it returns the value or
      // rethrows the task's exception.
      try {
        std::size_t const n = f.result();
        ++fetched;
        bytes += n;
        std::printf("[%5.0f ms] %-58s %7zu bytes\n", seconds_since(start) * 1e3,
                    url.c_str(), n);
      } catch (std::exception const& e) {
        ++failed;
        std::printf("[%5.0f ms] %-58s error: %s\n", seconds_since(start) * 1e3,
                    url.c_str(), e.what());
      }
    }
  }
  double const wall = seconds_since(start);
  double const serial = std::chrono::duration<double>(sum_of_latencies).count();

  std::printf("\n%zu URLs: %zu fetched (%zu bytes), %zu failed\n", urls.size(), fetched,
              bytes, failed);
  std::printf("wall time %.2f s; the latencies add up to %.2f s: %.1fx faster "
              "than one at a time\n",
              wall, serial, serial / wall);

  // Two URLs are meant to fail; anything else is a bug for the smoke test.
  std::size_t expected_failures = 0;
  for (auto const& url : urls)
    expected_failures += is_missing(url) ? 1 : 0;
  if (failed != expected_failures || fetched + failed != urls.size()) {
    std::fprintf(stderr, "unexpected: %zu fetched, %zu failed\n", fetched, failed);
    return 1;
  }
  return 0;
}
