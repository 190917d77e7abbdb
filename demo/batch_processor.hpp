//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DEMO_BATCH_PROCESSOR_HPP
#define CONCURRENT_FUTURES_DEMO_BATCH_PROCESSOR_HPP

// parallel_batch_processor: apply a function to many items, in batches, on a
// thread pool or a process pool, with a timeout per batch.
//
//   auto report = demo::parallel_batch_processor(urls, fetch, /*batch_size=*/5,
//                                                /*max_workers=*/4,
//                                                demo::executor_kind::thread, 2s);
//   for (auto const& b : report.batches) ...   // ok, failed or timed_out
//
// A batch is one task: fn runs over its items one after the other, in the
// worker that took it. Batching is what makes small items worth a pool: one
// task (one queue hop, one message to a worker process) per batch instead of
// per item.
//
// The timeout of a batch counts from its submission, and the processor keeps
// at most `max_workers` batches submitted at a time, so a batch starts when
// it is submitted: no batch times out for having waited behind the others.
// A batch past its timeout is reported timed_out, and cancelled if it has not
// started yet (a process pool still starting its worker). A running call
// cannot be interrupted, in C++ as in Python, so one that has started keeps
// its worker until it returns; its result is then dropped, and only then
// does its worker take the next batch. The processor returns once every
// batch has settled and every call that started has returned.

#include <concurrent/futures.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace demo {

namespace cf = concurrent::futures;

/// Where the batches run.
enum class executor_kind {
  /// A `cf::thread_pool_executor`: for waiting (I/O); fn may be any callable.
  thread,
  /// A `cf::process_pool_executor`: for computing. fn must cross to a worker
  /// process: a free function or a captureless lambda, items and results
  /// with a `cf::codec`. Otherwise the call throws std::invalid_argument.
  process,
};

/// What became of a batch.
enum class batch_status { ok, failed, timed_out };

inline char const* to_string(batch_status s) {
  switch (s) {
  case batch_status::ok:
    return "ok";
  case batch_status::failed:
    return "failed";
  case batch_status::timed_out:
    return "timed out";
  }
  return "?";
}

/// One batch: which items, what became of it, how long it took.
template <class R>
struct batch_result {
  std::size_t index = 0;      // 0, 1, ... in item order
  std::size_t first_item = 0; // the index of its first item in the input
  std::size_t size = 0;       // how many items
  batch_status status = batch_status::ok;
  std::vector<R> results{};             // fn(item) for each item, when ok
  std::string error{};                  // when failed or timed out: why
  std::chrono::milliseconds elapsed{0}; // from submission to its outcome
};

/// Every batch, in item order.
template <class R>
struct batch_report {
  std::vector<batch_result<R>> batches;

  std::size_t count(batch_status s) const {
    return static_cast<std::size_t>(
        std::count_if(batches.begin(), batches.end(),
                      [s](batch_result<R> const& b) { return b.status == s; }));
  }
};

namespace detail {

// The task: fn over one batch, in order. A free function template, so that
// a process pool can name it to its workers.
template <class Fn, class T>
auto run_batch(Fn fn, std::vector<T> batch) {
  std::vector<std::invoke_result_t<Fn&, T const&>> out;
  out.reserve(batch.size());
  for (T const& item : batch)
    out.push_back(fn(item));
  return out;
}

inline std::unique_ptr<cf::executor> make_executor(executor_kind kind, int max_workers) {
  if (kind == executor_kind::process)
    return std::make_unique<cf::process_pool_executor>(
        cf::process_pool_options{.max_workers = max_workers});
  return std::make_unique<cf::thread_pool_executor>(
      cf::thread_pool_options{.max_workers = max_workers, .thread_name_prefix = "batch"});
}

} // namespace detail

/// Applies `fn` to every item, `batch_size` items per task, on `max_workers`
/// threads or processes; each batch has `per_batch_timeout` to finish.
/**
 * @returns One `batch_result` per batch, in item order: `ok` with fn's
 * results in item order, `failed` with the `what()` of the first exception
 * fn threw in it, or `timed_out`.
 * @throws std::invalid_argument for a zero `batch_size` or `max_workers`,
 * or (process pool) a call that cannot cross to a worker process.
 */
template <class T, class Fn>
auto parallel_batch_processor(std::vector<T> const& items, Fn fn, std::size_t batch_size,
                              int max_workers, executor_kind kind,
                              std::chrono::milliseconds per_batch_timeout)
    -> batch_report<std::invoke_result_t<Fn&, T const&>> {
  using R = std::invoke_result_t<Fn&, T const&>;
  using clock = std::chrono::steady_clock;
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  if (batch_size == 0 || max_workers < 1)
    throw std::invalid_argument("parallel_batch_processor: batch_size and max_workers "
                                "must be at least 1");

  batch_report<R> report;
  std::vector<std::vector<T>> batches;
  for (std::size_t first = 0; first < items.size(); first += batch_size) {
    std::size_t const n = std::min(batch_size, items.size() - first);
    report.batches.push_back({.index = batches.size(), .first_item = first, .size = n});
    batches.emplace_back(items.begin() + static_cast<std::ptrdiff_t>(first),
                         items.begin() + static_cast<std::ptrdiff_t>(first + n));
  }

  // A batch submitted and not yet returned. An overdue one was already
  // reported timed_out; it is still watched, because its worker is busy
  // until it returns.
  struct in_flight {
    std::size_t batch;
    cf::future<std::vector<R>> future;
    clock::time_point deadline;
    bool overdue = false;
  };
  std::vector<in_flight> flying;
  std::size_t next = 0;

  std::unique_ptr<cf::executor> pool = detail::make_executor(kind, max_workers);

  // Keeps every worker busy, no more: true if it submitted something.
  auto submit_more = [&] {
    bool submitted = false;
    while (next < batches.size() &&
           flying.size() < static_cast<std::size_t>(max_workers)) {
      cf::future<std::vector<R>> f =
          pool->submit(detail::run_batch<Fn, T>, fn, std::move(batches[next]));
      flying.push_back({next++, std::move(f), clock::now() + per_batch_timeout});
      submitted = true;
    }
    return submitted;
  };
  auto elapsed_of = [&](in_flight const& b) {
    return duration_cast<milliseconds>(clock::now() - (b.deadline - per_batch_timeout));
  };

  // The future just yielded by as_completed: its batch's outcome.
  auto settle = [&](cf::future<std::vector<R>> const& f) {
    auto const b = std::find_if(flying.begin(), flying.end(),
                                [&f](in_flight const& x) { return x.future == f; });
    if (!b->overdue) {
      batch_result<R>& r = report.batches[b->batch];
      r.elapsed = elapsed_of(*b);
      try {
        r.results = f.result();
      } catch (std::exception const& e) {
        r.status = batch_status::failed;
        r.error = e.what();
      } catch (...) {
        r.status = batch_status::failed;
        r.error = "an exception not derived from std::exception";
      }
    }
    flying.erase(b);
  };

  // The batches past their deadline: timed out, cancelled if still queued.
  auto expire = [&] {
    auto const now = clock::now();
    for (auto b = flying.begin(); b != flying.end();) {
      if (b->overdue || now < b->deadline) {
        ++b;
        continue;
      }
      batch_result<R>& r = report.batches[b->batch];
      r.status = batch_status::timed_out;
      r.elapsed = elapsed_of(*b);
      r.error = "no result within " + std::to_string(per_batch_timeout.count()) + " ms";
      if (b->future.cancel()) {
        r.error += "; cancelled before it started";
        b = flying.erase(b); // it will never hold a worker
      } else {
        r.error += "; it was running and is left to finish, its result dropped";
        b->overdue = true;
        ++b;
      }
    }
  };

  submit_more();
  while (!flying.empty()) {
    // Wait for the next batch to finish, at most until the nearest deadline
    // of a batch still on time (none: only overdue ones are left).
    std::vector<cf::future<std::vector<R>>> watched;
    std::optional<clock::time_point> nearest;
    for (in_flight const& b : flying) {
      watched.push_back(b.future);
      if (!b.overdue && (!nearest || b.deadline < *nearest))
        nearest = b.deadline;
    }
    cf::timeout_type timeout;
    if (nearest)
      timeout = std::max(clock::duration::zero(), *nearest - clock::now());
    try {
      for (cf::future<std::vector<R>>& f : cf::as_completed(watched, timeout)) {
        settle(f);
        // A worker is free: it takes the next batch, which this as_completed
        // does not know about; watch again, with it.
        if (submit_more())
          break;
      }
    } catch (cf::timeout_error const&) {
      expire();
      submit_more();
    }
  }
  return report;
}

} // namespace demo

#endif
