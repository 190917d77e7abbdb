//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// map_records: run a function over many records with pool.map and get the
// results back in input order, whatever order the tasks finish in.
//
// Python's `executor.map(fn, records)` in C++. Part 1 times a plain loop
// against pool.map and shows the two orders. Part 2 bounds the work in
// flight with `buffersize`, which lets map consume an endless, lazily
// generated input. Part 3 shows what a map timeout does.

#include <concurrent/futures.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ranges>
#include <string>
#include <thread>
#include <vector>

namespace cf = concurrent::futures;
using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

struct record {
  int id;
  std::string name;
  double value;
};

struct summary {
  int id;
  std::string label;
  double score;

  bool operator==(summary const&) const = default;
};

constexpr int record_count = 40;

std::vector<record> make_records() {
  std::vector<record> records;
  for (int i = 0; i < record_count; ++i)
    records.push_back({i, "sensor-" + std::to_string(100 + i), 1.5 * i});
  return records;
}

// The work per record: a few milliseconds of simulated I/O (a lookup, a
// write) that varies from record to record, then a cheap transformation.
// The varying latency is what makes tasks finish out of order.
summary process(record const& r) {
  std::this_thread::sleep_for(milliseconds(4 + (r.id * 7) % 13));
  return {r.id, r.name + ":ok", r.value * r.value};
}

double ms_since(steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(steady_clock::now() - start).count();
}

// Prints "  title  0 1 2 ...", 20 ids a line.
void print_ids(char const* title, std::vector<int> const& ids) {
  std::printf("  %-16s", title);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0 && i % 20 == 0)
      std::printf("\n  %-16s", "");
    std::printf(" %2d", ids[i]);
  }
  std::printf("\n");
}

bool in_order(std::vector<int> const& ids) {
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] != static_cast<int>(i))
      return false;
  return true;
}

// Part 1: a plain loop against pool.map over the same records.
bool sequential_vs_map() {
  std::printf("1. %d records, sequential loop vs pool.map on 8 threads\n", record_count);
  std::vector<record> const records = make_records();

  auto start = steady_clock::now();
  std::vector<summary> expected;
  for (record const& r : records)
    expected.push_back(process(r));
  double const sequential_ms = ms_since(start);

  // The task records the order in which it finished: each task writes its
  // own slot, and every write happens before its result is handed out, so
  // reading the slots after the loop needs no lock.
  std::array<int, record_count> finish_order{};
  std::atomic<int> finished{0};
  auto process_and_log = [&](record const& r) {
    summary s = process(r);
    finish_order[finished.fetch_add(1)] = r.id;
    return s;
  };

  std::vector<summary> results;
  std::vector<int> yield_order;
  start = steady_clock::now();
  {
    cf::thread_pool_executor pool{{.max_workers = 8}};
    // map submits one task per record at once and yields the results in
    // input order: advancing waits for the next record's result, even if
    // later records are done already. `records` must outlive the range.
    for (summary& s : pool.map(process_and_log, records)) {
      yield_order.push_back(s.id);
      results.push_back(std::move(s)); // the range owns s: move it out
    }
  }
  double const map_ms = ms_since(start);

  std::printf("  sequential: %6.1f ms\n  pool.map:   %6.1f ms  (%.1fx faster)\n",
              sequential_ms, map_ms, sequential_ms / map_ms);
  print_ids("tasks finished:",
            std::vector<int>(finish_order.begin(), finish_order.end()));
  print_ids("map yielded:", yield_order);

  bool const same = results == expected && in_order(yield_order);
  std::printf("  results %s the sequential ones, in input order\n\n",
              same ? "equal" : "DIFFER FROM");
  return same;
}

// Part 2: buffersize over an endless input.
bool bounded_buffer() {
  std::printf("2. pool.map over an endless std::views::iota with "
              "{.timeout = 5s, .buffersize = 4}\n");
  // Without buffersize, map submits every input before returning (Python's
  // default), which never ends for an endless range. With buffersize = 4,
  // map keeps at most 4 tasks ahead of the consumer and pulls the next input
  // only when one is consumed. The counter shows how far the input was read.
  std::atomic<int> pulled{0}, ran{0};
  auto inputs = std::views::iota(0) | std::views::transform([&pulled](int i) {
                  ++pulled; // runs when map takes the input, in this thread
                  return i;
                });
  auto square = [&ran](int i) {
    ++ran;
    std::this_thread::sleep_for(2ms); // simulated I/O
    return i * i;
  };

  std::vector<int> squares;
  {
    cf::thread_pool_executor pool{{.max_workers = 2}};
    // The timeout covers the whole loop, counted from the call to map().
    for (int sq : pool.map(square, inputs, {.timeout = 5s, .buffersize = 4})) {
      squares.push_back(sq);
      if (squares.size() == 10)
        break; // destroying the range cancels the tasks that have not started
    }
  } // the pool's destructor waits for the tasks already running
  std::printf("  took 10 results:");
  for (int sq : squares)
    std::printf(" %d", sq);
  std::printf("\n  inputs pulled from the endless range: %d (10 consumed + at most "
              "4 ahead)\n  tasks run: %d; cancelled before they started: %d\n\n",
              pulled.load(), ran.load(), pulled.load() - ran.load());
  return squares.size() == 10 && squares[9] == 81 && pulled <= 10 + 4 && ran <= pulled;
}

// Part 3: a map timeout.
bool map_timeout() {
  std::printf("3. pool.map with {.timeout = 150ms}: 6 tasks of 100 ms on 2 "
              "threads\n");
  // Two threads finish tasks 0 and 1 at ~100 ms, 2 and 3 at ~200 ms: past the
  // deadline. Advancing then throws cf::timeout_error and cancels the tasks
  // that have not started (the running ones finish; their results are
  // dropped).
  std::vector<int> got;
  bool timed_out = false;
  auto const start = steady_clock::now();
  cf::thread_pool_executor pool{{.max_workers = 2}};
  try {
    for (int v : pool.map(
             [](int i) {
               std::this_thread::sleep_for(100ms); // simulated I/O
               return i;
             },
             std::views::iota(0, 6), {.timeout = 150ms}))
      got.push_back(v);
  } catch (cf::timeout_error const& e) {
    timed_out = true;
    std::printf("  got %zu results, then cf::timeout_error after %.0f ms:\n  \"%s\"\n",
                got.size(), ms_since(start), e.what());
  }
  return timed_out;
}

} // namespace

int main() {
  std::printf("map_records: pool.map returns results in input order; "
              "buffersize bounds the work in flight\n\n");
  bool ok = sequential_vs_map();
  ok = bounded_buffer() && ok;
  ok = map_timeout() && ok;
  if (!ok) {
    std::fprintf(stderr, "unexpected results (see above)\n");
    return 1;
  }
  return 0;
}
