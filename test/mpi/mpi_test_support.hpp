//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_TEST_MPI_TEST_SUPPORT_HPP
#define CONCURRENT_FUTURES_TEST_MPI_TEST_SUPPORT_HPP

// The behaviours both MPI executors share, written once: the calls that run
// on the worker ranks, the types that cross with them, and one function per
// behaviour that test/mpi/comm_executor.cpp and test/mpi/pool_executor.cpp
// run against their own executor. A call is held on its worker by a gate (a
// file the call waits for), so what is queued behind it stays queued until
// the test opens the gate; the order calls ran in is read from the
// timestamps they return, never from side effects in the root.

#include <concurrent/futures/after.hpp>
#include <concurrent/futures/as_completed.hpp>
#include <concurrent/futures/mpi.hpp>
#include <concurrent/futures/run_in_executor.hpp>
#include <concurrent/futures/thread_pool_executor.hpp>
#include <concurrent/futures/wait.hpp>

#include "support/co_test.hpp"
#include "support/process_support.hpp"
#include "support/test_support.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace mpi_test {

/// How long a test waits for one result before it fails instead of hanging.
inline constexpr auto patience = std::chrono::seconds(60);

// ---------------------------------------------------------------- types

/// A class with private state and a codec of its own.
class money {
public:
  money() = default;
  money(std::string currency, long long cents)
      : currency_(std::move(currency)), cents_(cents) {}
  std::string const& currency() const { return currency_; }
  long long cents() const { return cents_; }
  friend bool operator==(money const&, money const&) = default;

private:
  std::string currency_;
  long long cents_ = 0;
};

/// An aggregate: crosses field by field with no codec written.
struct point {
  int x = 0;
  std::string label;
  std::vector<double> weights;
  friend bool operator==(point const&, point const&) = default;
};

/// Encoding throws (in the root, as an argument).
struct poison {};

/// Encoding throws (in the worker, as a result).
struct encode_bomb {};

/// Decoding throws (in the worker as an argument, in the root as a result).
struct decode_bomb {};

/// Registered in the root: arrives as itself.
struct custom_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Not registered: arrives as cf::remote_error.
struct unregistered_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

} // namespace mpi_test

template <>
struct concurrent::futures::codec<mpi_test::money> {
  static void encode(codec_writer& w, mpi_test::money const& m) {
    w.write(m.currency());
    w.write(m.cents());
  }
  static mpi_test::money decode(codec_reader& r) {
    auto currency = r.read<std::string>();
    auto const cents = r.read<long long>();
    return mpi_test::money(std::move(currency), cents);
  }
};

template <>
struct concurrent::futures::codec<mpi_test::poison> {
  static void encode(codec_writer&, mpi_test::poison const&) {
    throw std::domain_error("poison cannot be encoded");
  }
  static mpi_test::poison decode(codec_reader&) { return {}; }
};

template <>
struct concurrent::futures::codec<mpi_test::encode_bomb> {
  static void encode(codec_writer&, mpi_test::encode_bomb const&) {
    throw std::domain_error("encode_bomb cannot be encoded");
  }
  static mpi_test::encode_bomb decode(codec_reader&) { return {}; }
};

template <>
struct concurrent::futures::codec<mpi_test::decode_bomb> {
  static void encode(codec_writer& w, mpi_test::decode_bomb const&) { w.write(1); }
  static mpi_test::decode_bomb decode(codec_reader& r) {
    (void)r.read<int>();
    throw std::domain_error("decode_bomb cannot be decoded");
  }
};

namespace mpi_test {

// ---------------------------------------------------------------- calls
// These run on the worker ranks.

inline int add(int a, int b) {
  return a + b;
}

inline std::string greet(std::string const& name) {
  return "hi " + name;
}

inline std::vector<int> squares(int n) {
  std::vector<int> out;
  for (int i = 0; i < n; ++i)
    out.push_back(i * i);
  return out;
}

inline std::size_t length_of(std::string const& s) {
  return s.size();
}

inline std::string repeat(char c, std::size_t n) {
  return std::string(n, c);
}

inline money doubled(money const& m) {
  return money(m.currency(), m.cents() * 2);
}

inline point moved(point p, int dx) {
  p.x += dx;
  p.label += "'";
  p.weights.push_back(0.5);
  return p;
}

inline int own_pid() {
  return static_cast<int>(::getpid());
}

/// Counts the calls of `tick` in this worker process.
inline int& ticks() {
  static int n = 0;
  return n;
}

inline void tick() {
  ++ticks();
}

inline int ticks_seen() {
  return ticks();
}

inline int ignore(int) {
  return 0;
}

inline void ignore_void(int) {}

inline int throw_kind(int kind) {
  switch (kind) {
  case 0:
    throw std::out_of_range("index 7 out of range");
  case 1:
    throw custom_error("custom failure");
  case 2:
    throw unregistered_error("not registered");
  default:
    throw std::invalid_argument("bad argument");
  }
}

inline int fail_at(int x) {
  if (x == 25)
    throw std::out_of_range("25 is out");
  return x;
}

inline int take_poison(poison) {
  return 1;
}

inline int take_decode_bomb(decode_bomb) {
  return 1;
}

inline encode_bomb make_encode_bomb() {
  return {};
}

inline decode_bomb make_decode_bomb() {
  return {};
}

/// What the initializer left in this worker process.
inline int& initialized() {
  static int value = 0;
  return value;
}

inline void initialize_with(int base, std::string const& tag) {
  initialized() = base + static_cast<int>(tag.size());
}

inline int read_initialized() {
  return initialized();
}

/// read_initialized(), once `gate` opens; -1 if it never did.
inline int read_initialized_when_open(std::string const& started,
                                      std::string const& gate) {
  std::ofstream(started) << "started\n";
  return test::wait_for_gate(gate) ? initialized() : -1;
}

/// A variable of the worker's environment; "<unset>" when it has none.
inline std::string env_of(std::string const& name) {
  char const* v = std::getenv(name.c_str());
  return v ? v : "<unset>";
}

/// Keeps the number a variable of the worker's environment holds.
inline void initialize_from_env(std::string const& name) {
  initialized() = std::atoi(env_of(name).c_str());
}

inline void failing_initializer() {
  throw std::runtime_error("no database");
}

/// Says it started (creates `started`), then holds its worker until `gate`
/// opens. 1 if the gate opened, 0 if it waited a minute in vain.
inline int hold(std::string const& started, std::string const& gate) {
  std::ofstream(started) << "started\n";
  return test::wait_for_gate(gate) ? 1 : 0;
}

/// When this call ran: the system-wide monotonic clock (every rank of
/// these tests shares one machine), and the tag it was given.
inline std::pair<int, std::int64_t> stamp(int tag) {
  return {tag, std::chrono::steady_clock::now().time_since_epoch().count()};
}

/// Leaves a file behind: a call that ran, seen from the root.
inline int mark(std::string const& path, int value) {
  std::ofstream(path) << value << '\n';
  return value;
}

// ---------------------------------------------------------------- helpers

/// What the cases choose of an executor's options; both executors' options
/// have these fields.
struct worker_shape {
  cf::process_initializer initializer = {};
  int calls_per_worker = 2;
};

/// The executor's own options, shaped so.
template <class Options>
Options with(worker_shape const& shape) {
  Options o;
  o.initializer = shape.initializer;
  o.calls_per_worker = shape.calls_per_worker;
  return o;
}

/// Holds every worker of an executor with `calls_per_worker == 1`, so that
/// what is submitted next waits in the executor.
template <class Executor>
class held_workers {
public:
  held_workers(Executor& ex, int workers) {
    for (int i = 0; i < workers; ++i) {
      auto& g = gates_.emplace_back(std::make_unique<gate_pair>());
      holds_.push_back(ex.submit(hold, g->started.path(), g->gate.path()));
      BOOST_REQUIRE_MESSAGE(test::wait_for_gate(g->started.path()),
                            "hold " << i << " never started");
    }
  }
  held_workers(held_workers const&) = delete;
  held_workers& operator=(held_workers const&) = delete;
  ~held_workers() { release_all(); }

  void release(std::size_t i) { gates_.at(i)->gate.open(); }
  void release_all() {
    for (auto& g : gates_)
      g->gate.open();
  }
  std::vector<cf::future<int>>& holds() { return holds_; }

private:
  struct gate_pair {
    test::gate_file started;
    test::gate_file gate;
  };
  std::vector<std::unique_ptr<gate_pair>> gates_;
  std::vector<cf::future<int>> holds_;
};

/// A file name of our own that a call may create.
class marker {
public:
  marker() : path_(gate_.path()) {}
  std::string const& path() const { return path_; }
  bool exists() const { return std::filesystem::exists(path_); }

private:
  test::gate_file gate_;
  std::string path_;
};

/// Whether `e` is a worker rank.
inline bool is_worker_rank(std::vector<int> const& ranks, int e) {
  return std::find(ranks.begin(), ranks.end(), e) != ranks.end();
}

// ---------------------------------------------------------------- behaviours

/// Ints, strings, vectors, a class with a codec, an aggregate, void.
template <class Executor>
void values_cross(Executor& ex) {
  BOOST_TEST(ex.submit(add, 2, 3).result(patience) == 5);
  BOOST_TEST(ex.submit(greet, std::string("bob")).result(patience) == "hi bob");
  // A literal crosses as the std::string its parameter takes.
  BOOST_TEST(ex.submit(greet, "ann").result(patience) == "hi ann");
  BOOST_TEST(ex.submit(squares, 5).result(patience) ==
             (std::vector<int>{0, 1, 4, 9, 16}));
  BOOST_TEST(ex.submit(squares, 0).result(patience).empty());
  BOOST_TEST(
      (ex.submit(doubled, money("EUR", 1250)).result(patience) == money("EUR", 2500)));
  point const p{3, "p", {1.5}};
  BOOST_TEST((ex.submit(moved, p, 4).result(patience) == point{7, "p'", {1.5, 0.5}}));
  // A captureless lambda crosses as well as a function.
  BOOST_TEST(ex.submit([](int x) { return x * 3; }, 14).result(patience) == 42);
  cf::future<void> v = ex.submit(tick);
  v.result(patience);
  BOOST_TEST(v.done());
  BOOST_TEST(!v.cancelled());
  BOOST_TEST(ex.submit(length_of, std::string()).result(patience) == 0u);
}

/// Standard exceptions as themselves, registered ones as themselves, others
/// as remote_error naming a worker rank and its host.
template <class Executor>
void exceptions_arrive_typed(Executor& ex, std::vector<int> const& ranks) {
  cf::register_exception_type<custom_error>();
  try {
    ex.submit(throw_kind, 0).result(patience);
    BOOST_FAIL("no exception");
  } catch (std::out_of_range const& e) {
    BOOST_TEST(e.what() == std::string("index 7 out of range"));
  }
  BOOST_CHECK_THROW(ex.submit(throw_kind, 3).result(patience), std::invalid_argument);
  try {
    ex.submit(throw_kind, 1).result(patience);
    BOOST_FAIL("no exception");
  } catch (custom_error const& e) {
    BOOST_TEST(e.what() == std::string("custom failure"));
  }
  try {
    ex.submit(throw_kind, 2).result(patience);
    BOOST_FAIL("no exception");
  } catch (cf::remote_error const& e) {
    BOOST_TEST(test::mentions(e.type_name(), "unregistered_error"));
    BOOST_TEST(e.message() == "not registered");
    BOOST_TEST(is_worker_rank(ranks, e.rank()), "rank " << e.rank());
    BOOST_TEST(!e.host().empty());
    BOOST_TEST(e.pid() > 0);
    BOOST_TEST(test::mentions(e.what(), ("rank " + std::to_string(e.rank())).c_str()));
  }
  // The exception is the future's too, not only result()'s.
  auto f = ex.submit(throw_kind, 0);
  BOOST_TEST((f.exception(patience) != nullptr));
  BOOST_CHECK_THROW(std::rethrow_exception(f.exception()), std::out_of_range);
  BOOST_TEST(ex.submit(add, 1, 1).result(patience) == 2);
}

/// A codec that throws, on either side, fails only its own future.
template <class Executor>
void codec_failures_fail_only_their_future(Executor& ex) {
  auto before = ex.submit(add, 1, 2);
  auto poisoned = ex.submit(take_poison, poison{});
  BOOST_CHECK_THROW(poisoned.result(patience), std::domain_error);
  auto undecodable_argument = ex.submit(take_decode_bomb, decode_bomb{});
  BOOST_CHECK_THROW(undecodable_argument.result(patience), std::domain_error);
  auto unencodable_result = ex.submit(make_encode_bomb);
  BOOST_CHECK_THROW(unencodable_result.result(patience), std::domain_error);
  auto undecodable_result = ex.submit(make_decode_bomb);
  BOOST_CHECK_THROW(undecodable_result.result(patience), std::domain_error);
  BOOST_TEST(before.result(patience) == 3);
  BOOST_TEST(ex.submit(add, 2, 2).result(patience) == 4);
  BOOST_TEST(ex.num_workers() > 0);
}

/// What the initializer set is what the calls see, on every worker: with
/// `calls_per_worker == 1`, one held read per worker.
template <class Executor>
void initializer_state_is_visible(Executor& ex, int workers, int expected = 42) {
  test::gate_file gate;
  std::vector<std::unique_ptr<test::gate_file>> started;
  std::vector<cf::future<int>> reads;
  for (int i = 0; i < workers; ++i) {
    auto const& s = started.emplace_back(std::make_unique<test::gate_file>());
    reads.push_back(ex.submit(read_initialized_when_open, s->path(), gate.path()));
    BOOST_REQUIRE_MESSAGE(test::wait_for_gate(s->path()),
                          "read " << i << " never started");
  }
  gate.open();
  for (auto& r : reads)
    BOOST_TEST(r.result(patience) == expected);
  BOOST_TEST(ex.submit(read_initialized).result(patience) == expected);
}

/// A failing initializer breaks the executor, naming the rank.
template <class Executor>
void failing_initializer_breaks(Executor& ex) {
  BOOST_TEST(ex.num_workers() == 0);
  try {
    ex.submit(add, 1, 1).result(patience);
    BOOST_FAIL("no exception");
  } catch (cf::broken_mpi_pool const& e) {
    std::string const what = e.what();
    BOOST_TEST(test::mentions(what, "initializer"), what);
    BOOST_TEST(test::mentions(what, "no database"), what);
    BOOST_TEST(test::mentions(what, ("rank " + std::to_string(e.rank())).c_str()), what);
    BOOST_TEST(e.rank() >= 0);
  }
  BOOST_CHECK_THROW(ex.submit(add, 1, 1), cf::broken_mpi_pool);
  BOOST_TEST(ex.num_workers() == 0);
}

/// calls_per_worker == 1: what waits in the executor can be cancelled and
/// never runs; a running call cannot be.
template <class Executor>
void cancel_before_start(Executor& ex, int workers) {
  held_workers<Executor> held(ex, workers);
  std::vector<marker> marks(6);
  std::vector<cf::future<int>> queued;
  for (std::size_t i = 0; i < marks.size(); ++i)
    queued.push_back(ex.submit(mark, marks[i].path(), static_cast<int>(i)));
  for (std::size_t i = 0; i < marks.size(); i += 2) {
    BOOST_TEST(queued[i].cancel());
    BOOST_TEST(queued[i].cancelled());
  }
  BOOST_TEST(!held.holds()[0].cancel());
  held.release_all();
  for (std::size_t i = 1; i < marks.size(); i += 2)
    BOOST_TEST(queued[i].result(patience) == static_cast<int>(i));
  for (auto& h : held.holds())
    BOOST_TEST(h.result(patience) == 1);
  ex.shutdown(true);
  for (std::size_t i = 0; i < marks.size(); ++i)
    BOOST_TEST(marks[i].exists() == (i % 2 == 1), "call " << i);
  for (std::size_t i = 0; i < marks.size(); i += 2)
    BOOST_CHECK_THROW(queued[i].result(), cf::cancelled_error);
}

/// shutdown(wait=true) returns once every queued call has run.
template <class Executor>
void shutdown_waits_for_the_queue(Executor& ex, int workers) {
  held_workers<Executor> held(ex, workers);
  std::vector<cf::future<int>> queued;
  for (int i = 0; i < 8; ++i)
    queued.push_back(ex.submit(add, i, 100));
  {
    // The gates open once this thread waits in shutdown.
    test::when_asleep open([&] { held.release_all(); });
    ex.shutdown(true);
  }
  for (int i = 0; i < 8; ++i) {
    BOOST_TEST(queued[static_cast<std::size_t>(i)].done());
    BOOST_TEST(queued[static_cast<std::size_t>(i)].result() == i + 100);
  }
  for (auto& h : held.holds())
    BOOST_TEST(h.result() == 1);
  BOOST_CHECK_THROW(ex.submit(add, 1, 2), std::runtime_error);
  BOOST_CHECK_THROW(ex.submit(cf::priority{3}, add, 1, 2), std::runtime_error);
  ex.shutdown(true); // again: nothing to do
}

/// shutdown(wait=true, cancel_futures=true) cancels what waits, not what
/// runs.
template <class Executor>
void shutdown_cancels_the_queue(Executor& ex, int workers) {
  held_workers<Executor> held(ex, workers);
  std::vector<marker> marks(5);
  std::vector<cf::future<int>> queued;
  for (std::size_t i = 0; i < marks.size(); ++i)
    queued.push_back(ex.submit(mark, marks[i].path(), static_cast<int>(i)));
  // The gates open once shutdown has cancelled the queue, so no queued
  // call can start first.
  std::thread opener([&] {
    auto const until = std::chrono::steady_clock::now() + patience;
    while (std::chrono::steady_clock::now() < until &&
           !std::all_of(queued.begin(), queued.end(),
                        [](cf::future<int> const& f) { return f.cancelled(); }))
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    held.release_all();
  });
  ex.shutdown(true, true);
  opener.join();
  for (auto& h : held.holds()) {
    BOOST_TEST(h.done());
    BOOST_TEST(!h.cancelled());
    BOOST_TEST(h.result() == 1);
  }
  for (std::size_t i = 0; i < marks.size(); ++i) {
    BOOST_TEST(queued[i].cancelled(), "call " << i);
    BOOST_TEST(!marks[i].exists(), "call " << i);
  }
  BOOST_CHECK_THROW(ex.submit(add, 1, 2), std::runtime_error);
}

/// shutdown(wait=false) returns at once; what was queued still runs.
template <class Executor>
void shutdown_without_wait_runs_the_queue(Executor& ex, int workers) {
  held_workers<Executor> held(ex, workers);
  std::vector<cf::future<int>> queued;
  for (int i = 0; i < 8; ++i)
    queued.push_back(ex.submit(add, i, i));
  ex.shutdown(false);
  // Returned while every worker is still held.
  for (auto& h : held.holds())
    BOOST_TEST(!h.done());
  BOOST_CHECK_THROW(ex.submit(add, 1, 2), std::runtime_error);
  held.release_all();
  for (int i = 0; i < 8; ++i)
    BOOST_TEST(queued[static_cast<std::size_t>(i)].result(patience) == 2 * i);
  for (auto& h : held.holds())
    BOOST_TEST(h.result(patience) == 1);
}

/// wait and as_completed take the executor's futures.
template <class Executor>
void wait_and_as_completed_take_the_futures(Executor& ex) {
  std::vector<cf::future<int>> fs;
  for (int i = 0; i < 12; ++i)
    fs.push_back(ex.submit(add, i, 1));
  int n = 0;
  for (auto& f : cf::as_completed(fs, patience)) {
    BOOST_TEST(f.done());
    ++n;
  }
  BOOST_TEST(n == 12);
  auto [done, not_done] = cf::wait(fs, {.timeout = patience});
  BOOST_TEST(done.size() == 12u);
  BOOST_TEST(not_done.empty());
  auto first = cf::wait({ex.submit(throw_kind, 0), ex.submit(add, 1, 1)},
                        {.timeout = patience, .return_when = cf::first_exception});
  BOOST_TEST(!first.done.empty());
}

/// calls_per_worker == 1, one worker left free: queued calls start highest
/// priority first, equal priorities in submission order.
template <class Executor>
void priorities_order_the_queue(Executor& ex, int workers) {
  held_workers<Executor> held(ex, workers);
  std::vector<int> const priorities{0, 5, -3, 10, 5, 1, -3, 7};
  std::vector<cf::future<std::pair<int, std::int64_t>>> queued;
  for (std::size_t i = 0; i < priorities.size(); ++i)
    queued.push_back(ex.submit(cf::priority{priorities[i]}, stamp, static_cast<int>(i)));
  // Only the first worker is let go: the queue drains through it, one call
  // at a time.
  held.release(0);
  std::vector<std::pair<std::int64_t, int>> ran; // (when, tag)
  for (auto& f : queued) {
    auto const [tag, when] = f.result(patience);
    ran.emplace_back(when, tag);
  }
  held.release_all();
  std::sort(ran.begin(), ran.end());
  std::vector<int> order;
  for (auto const& r : ran)
    order.push_back(r.second);
  // By priority, then by submission.
  std::vector<int> expected(priorities.size());
  std::iota(expected.begin(), expected.end(), 0);
  std::stable_sort(expected.begin(), expected.end(), [&](int a, int b) {
    return priorities[static_cast<std::size_t>(a)] >
           priorities[static_cast<std::size_t>(b)];
  });
  BOOST_TEST(order == expected, boost::test_tools::per_element());
  for (auto& h : held.holds())
    BOOST_TEST(h.result(patience) == 1);
}

/// `after` across a thread pool and the MPI executor, both ways.
template <class Executor>
void dependents_cross_executors(Executor& ex) {
  cf::thread_pool_executor threads{{.max_workers = 2}};
  cf::promise<int> late;
  auto from_threads = threads.submit([] { return 3; });
  auto on_mpi = ex.submit(cf::after(from_threads), add, 4);
  auto back_on_threads = threads.submit(cf::after(on_mpi), [](int v) { return v * 10; });
  auto two_parents = ex.submit(cf::after(from_threads, late.get_future()), add);
  auto with_priority = ex.submit(cf::priority{2}, cf::after(on_mpi), add, 100);
  BOOST_TEST(!two_parents.done()); // the promise is not set yet
  late.set_result(100);
  BOOST_TEST(on_mpi.result(patience) == 7);
  BOOST_TEST(back_on_threads.result(patience) == 70);
  BOOST_TEST(two_parents.result(patience) == 103);
  BOOST_TEST(with_priority.result(patience) == 107);

  auto failed = threads.submit([]() -> int { throw std::out_of_range("parent failed"); });
  auto child = ex.submit(cf::after(failed), add, 1);
  BOOST_CHECK_THROW(child.result(patience), std::out_of_range);
  auto failed_on_mpi = ex.submit(throw_kind, 0);
  auto grandchild = threads.submit(cf::after(failed_on_mpi), [](int v) { return v; });
  BOOST_CHECK_THROW(grandchild.result(patience), std::out_of_range);
}

/// map: in order, in chunks, with a bounded window, and with an error at
/// its position.
template <class Executor>
void map_chunks_and_buffers(Executor& ex) {
  std::vector<int> xs(103), ys(103);
  std::iota(xs.begin(), xs.end(), 0);
  std::iota(ys.begin(), ys.end(), 1000);
  auto check = [&](cf::map_options const& options) {
    std::vector<int> got;
    for (int r : ex.map(add, xs, ys, options))
      got.push_back(r);
    BOOST_TEST_REQUIRE(got.size() == xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i)
      BOOST_TEST(got[i] == xs[i] + ys[i]);
  };
  check({.timeout = patience});
  check({.timeout = patience, .chunksize = 7});
  check({.timeout = patience, .chunksize = 200});
  check({.timeout = patience, .buffersize = 2});
  check({.timeout = patience, .chunksize = 5, .buffersize = 3});
  std::size_t n = 0;
  for (auto r : ex.map(ignore_void, xs, {.timeout = patience, .chunksize = 10})) {
    (void)r;
    ++n;
  }
  BOOST_TEST(n == xs.size());
  std::vector<int> seen;
  try {
    for (int r : ex.map(fail_at, xs, {.timeout = patience, .chunksize = 10}))
      seen.push_back(r);
    BOOST_FAIL("no exception");
  } catch (std::out_of_range const&) {
  }
  // As CPython 3.14: the chunk [20, 30) fails as a whole, at its first element.
  BOOST_TEST(seen.size() == 20u);
  BOOST_CHECK_THROW(ex.map(add, xs, ys, {.chunksize = 0}), std::invalid_argument);
  BOOST_CHECK_THROW(ex.map(add, xs, ys, {.buffersize = 0}), std::invalid_argument);
}

/// A coroutine awaits futures of the executor; run_in_executor offloads.
template <class Executor>
void coroutines_await_results(Executor& ex) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  auto const io_thread = std::this_thread::get_id();
  test::co_run(ioc, [&]() -> asio::awaitable<void> {
    int const sum = co_await ex.submit(add, 20, 22);
    BOOST_TEST(sum == 42);
    BOOST_TEST((std::this_thread::get_id() == io_thread));
    // Both submitted before either is awaited.
    auto a = cf::run_in_executor(ex, greet, "co");
    auto b = cf::run_in_executor(ex, squares, 3);
    std::string const s = co_await std::move(a);
    std::vector<int> const v = co_await std::move(b);
    BOOST_TEST(s == "hi co");
    BOOST_TEST(v == (std::vector<int>{0, 1, 4}));
    BOOST_TEST((std::this_thread::get_id() == io_thread));
    try {
      co_await cf::run_in_executor(ex, throw_kind, 0);
      BOOST_FAIL("no exception");
    } catch (std::out_of_range const& e) {
      BOOST_TEST(e.what() == std::string("index 7 out of range"));
    }
  }());
}

/// 8 MiB each way.
template <class Executor>
void large_values_cross(Executor& ex) {
  std::size_t const n = std::size_t{8} << 20;
  std::string const s = ex.submit(repeat, 'x', n).result(patience);
  BOOST_TEST(s.size() == n);
  BOOST_TEST((s.find_first_not_of('x') == std::string::npos));
  BOOST_TEST(ex.submit(length_of, std::string(n, 'y')).result(patience) == n);
  for (std::size_t m :
       {std::size_t{4095}, std::size_t{4096}, std::size_t{4097}, std::size_t{65536} + 3})
    BOOST_TEST(ex.submit(repeat, 'z', m).result(patience) == std::string(m, 'z'));
}

/// Through the `executor` base (checked at run time) and through
/// `remote_executor` (checked as it compiles).
template <class Executor>
void base_routes_work(Executor& ex) {
  cf::executor& base = ex;
  BOOST_TEST(base.submit(add, 2, 3).result(patience) == 5);
  BOOST_TEST(base.submit(cf::priority{3}, add, 4, 5).result(patience) == 9);
  auto a = base.submit(add, 1, 1);
  BOOST_TEST(base.submit(cf::after(a), add, 40).result(patience) == 42);
  int captured = 5;
  try {
    base.submit([captured](int x) { return x + captured; }, 1);
    BOOST_FAIL("a capturing lambda crossed");
  } catch (std::invalid_argument const& e) {
    BOOST_TEST(test::mentions(e.what(), "the callable has no codec"), e.what());
  }
  std::vector<int> xs{1, 2, 3, 4, 5}, ys{10, 20, 30, 40, 50};
  std::vector<int> sums;
  for (int r : base.map(add, xs, ys, {.timeout = patience, .chunksize = 2}))
    sums.push_back(r);
  BOOST_TEST(sums == (std::vector<int>{11, 22, 33, 44, 55}));

  cf::remote_executor& remote = ex;
  BOOST_TEST(remote.submit(length_of, "hello").result(patience) == 5u);
  BOOST_TEST(remote.submit(cf::priority{1}, greet, "r").result(patience) == "hi r");
  BOOST_TEST(remote.submit(doubled, money("USD", 1)).result(patience).cents() == 2);
}

/// Several threads submit at once; every call runs once, with its result.
template <class Executor>
void concurrent_submitters_lose_nothing(Executor& ex, int threads, int calls) {
  std::vector<std::vector<cf::future<int>>> futures(static_cast<std::size_t>(threads));
  std::vector<std::thread> submitters;
  for (int t = 0; t < threads; ++t)
    submitters.emplace_back([&, t] {
      auto& mine = futures[static_cast<std::size_t>(t)];
      mine.reserve(static_cast<std::size_t>(calls));
      for (int i = 0; i < calls; ++i)
        mine.push_back(ex.submit(add, t * 1'000'000, i));
    });
  for (auto& s : submitters)
    s.join();
  int right = 0;
  for (int t = 0; t < threads; ++t)
    for (int i = 0; i < calls; ++i)
      right += futures[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)].result(
                   patience) == t * 1'000'000 + i;
  BOOST_TEST(right == threads * calls);
}

} // namespace mpi_test

#endif
