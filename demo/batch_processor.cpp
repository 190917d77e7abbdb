//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// batch_processor: demo::parallel_batch_processor (demo/batch_processor.hpp)
// on two kinds of work, with a table of what became of every batch.
//
// 1. Waiting: 40 records fetched from a real HTTP server on loopback, 5 per
//    batch, on 4 threads. One record is missing (404), so its batch fails;
//    one takes 2 s to answer, longer than the 1 s a batch may take, so its
//    batch times out. The other batches are still collected.
// 2. Computing: the primes below 1,200,000 counted in 24 blocks, 4 blocks per
//    batch, on 2 worker processes; the total is checked against one process.
//
// The same function serves both: only the executor kind changes, and with
// it what fn may be (any callable on threads; something that can cross to a
// worker process, here a free function, on processes).

#include "batch_processor.hpp"
#include "http_server.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace {

constexpr int record_count = 40;
constexpr int missing_record = 12; // answers 404: batch 2 fails
constexpr int slow_record = 33;    // answers after 2 s: batch 6 times out

std::string record_path(int i) {
  return "/records/" + std::to_string(i);
}

demo::route_table record_routes() {
  demo::route_table routes;
  for (int i = 0; i < record_count; ++i)
    if (i != missing_record) // not in the table: the server answers 404
      routes.emplace(record_path(i),
                     demo::route{.body = "record " + std::to_string(i) + ": " +
                                         std::string(100 + 37 * i % 400, '.'),
                                 .latency = milliseconds(10 + 7 * i % 30)});
  routes[record_path(slow_record)].latency = 2s;
  return routes;
}

// Is n prime? Trial division: slow on purpose, it is the work.
bool is_prime(long n) {
  if (n < 2)
    return false;
  for (long d = 2; d * d <= n; ++d)
    if (n % d == 0)
      return false;
  return true;
}

constexpr long block_size = 50'000;

// The CPU job, run in a worker process: a free function, so the pool can
// name it to the worker; an int in, a long out, both with a codec.
long primes_in_block(int block) {
  long count = 0;
  for (long n = block * block_size; n < (block + 1) * block_size; ++n)
    count += is_prime(n) ? 1 : 0;
  return count;
}

template <class R, class Describe>
void print_table(demo::batch_report<R> const& report, Describe describe) {
  std::printf("  batch  items   status      elapsed  results / error\n");
  for (demo::batch_result<R> const& b : report.batches) {
    std::string const detail =
        b.status == demo::batch_status::ok ? describe(b.results) : b.error;
    std::printf("  %5zu  %2zu-%-3zu  %-10s %5lld ms  %s\n", b.index, b.first_item,
                b.first_item + b.size - 1, demo::to_string(b.status),
                static_cast<long long>(b.elapsed.count()), detail.c_str());
  }
  std::printf("  %zu ok, %zu failed, %zu timed out\n\n",
              report.count(demo::batch_status::ok),
              report.count(demo::batch_status::failed),
              report.count(demo::batch_status::timed_out));
}

} // namespace

int main() {
  std::printf("batch_processor: parallel_batch_processor(items, fn, batch_size, "
              "max_workers, kind, per_batch_timeout)\n\n");
  bool ok = true;

  // 1. Waiting, on threads.
  {
    demo::http_server server(record_routes());
    std::vector<std::string> paths;
    for (int i = 0; i < record_count; ++i)
      paths.push_back(record_path(i));
    std::printf("1. %d records from http://127.0.0.1:%u/records/, 5 per batch, "
                "4 threads, 1 s per batch\n",
                record_count, server.port());

    // A capturing lambda is fine on threads: it never leaves this process.
    unsigned short const port = server.port();
    auto fetch = [port](std::string const& path) {
      demo::http_response r = demo::http_get("127.0.0.1", port, path, 5s);
      if (r.status != 200)
        throw std::runtime_error("GET " + path + ": " + demo::status_text(r.status));
      return r.body.size();
    };
    auto const report = demo::parallel_batch_processor(paths, fetch, 5, 4,
                                                       demo::executor_kind::thread, 1s);
    print_table(report, [](std::vector<std::size_t> const& sizes) {
      std::size_t bytes = 0;
      for (std::size_t n : sizes)
        bytes += n;
      return std::to_string(sizes.size()) + " records, " + std::to_string(bytes) +
             " bytes";
    });
    ok = ok && report.batches.size() == 8 && report.count(demo::batch_status::ok) == 6 &&
         report.batches[missing_record / 5].status == demo::batch_status::failed &&
         report.batches[slow_record / 5].status == demo::batch_status::timed_out;
  }

  // 2. Computing, on processes.
  {
    constexpr int blocks = 24;
    std::printf("2. primes below %ld in %d blocks, 4 blocks per batch, 2 worker "
                "processes, 10 s per batch\n",
                blocks * block_size, blocks);
    std::vector<int> block_numbers;
    for (int i = 0; i < blocks; ++i)
      block_numbers.push_back(i);
    auto const report = demo::parallel_batch_processor(
        block_numbers, primes_in_block, 4, 2, demo::executor_kind::process, 10s);
    long total = 0;
    print_table(report, [&total](std::vector<long> const& counts) {
      std::string s;
      for (long c : counts) {
        total += c;
        s += (s.empty() ? "" : " ") + std::to_string(c);
      }
      return s;
    });
    long expected = 0;
    for (int i = 0; i < blocks; ++i)
      expected += primes_in_block(i);
    std::printf("  %ld primes in all; one process counts %ld\n", total, expected);
    ok = ok && report.count(demo::batch_status::ok) == 6 && total == expected;
  }

  if (!ok) {
    std::fprintf(stderr, "unexpected outcome (see above)\n");
    return 1;
  }
  return 0;
}
