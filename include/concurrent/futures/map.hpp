//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_MAP_HPP
#define CONCURRENT_FUTURES_MAP_HPP

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/ring_window.hpp>
#include <concurrent/futures/detail/task.hpp>
#include <concurrent/futures/future.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace concurrent::futures {

/// Options of `executor::map()`.
struct map_options {
  /// Seconds from the call to `map()` within which every result must be
  /// ready; advancing the range past that throws `timeout_error`.
  timeout_type timeout = {};
  /// Inputs per message for a process pool; a thread pool ignores it, as
  /// Python's does.
  std::ptrdiff_t chunksize = 1;
  /// At most this many tasks submitted ahead of the consumer; empty submits
  /// every input at once (Python's default). Zero is an error.
  std::optional<std::ptrdiff_t> buffersize = {};
};

namespace detail {

template <class T>
using map_value_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

/// What a chunk's call returns per input of a `void` function: one byte
/// that says it ran. An empty value would encode to no bytes, and a codec
/// bounds how many of those one message may hold (codec_reader).
enum class ran : std::uint8_t { yes = 1 };

/// A chunk's results: the values, or a `ran` per input.
template <class T>
using chunk_value_t = std::conditional_t<std::is_void_v<T>, ran, T>;

/// The calls of a map submitted and not yet yielded, oldest first: the
/// futures of one input each, or (a process pool's map with a chunksize)
/// of a chunk of inputs each; a map uses one of the two.
/**
 * Rings that double when full (a std::deque cost 30 instructions per item
 * more in callgrind, boost::circular_buffer 8 more; see ring_window). Two
 * rings of one future each rather than one of a pair: moving and destroying
 * the second, empty future cost 8 instructions per item, 2% of a no-op item.
 */
template <class T>
struct map_window {
  ring_window<future<T>> singles;
  ring_window<future<std::vector<chunk_value_t<T>>>> chunks;

  std::size_t size() const noexcept { return singles.size() + chunks.size(); }
  bool empty() const noexcept { return singles.empty() && chunks.empty(); }
};

/// Grows a full ring of a window, before a call is submitted: a failed
/// allocation then loses no future.
template <class Ring>
void make_room(Ring& ring) {
  if (ring.full())
    ring.set_capacity(std::max<std::size_t>(64, 2 * ring.capacity()));
}

/// Pulls input tuples (or chunks of them), submits them and appends their
/// futures to a window.
template <class T>
class map_source {
public:
  virtual ~map_source() = default;
  /// Submits up to `most` (> 0) calls, appending their futures to `window`
  /// (grown first with `make_room`); returns how many, 0 once an input has
  /// ended. If it throws, what it appended is in the window.
  virtual std::size_t submit_some(map_window<T>& window, std::size_t most) = 0;
  /// How many calls the inputs make, when every input knows its size; 0
  /// when one does not.
  virtual std::size_t calls_hint() { return 0; }
  /// Sizes the window's ring this source fills for `calls` calls.
  virtual void reserve(map_window<T>& window, std::size_t calls) = 0;
};

/// The number of elements `fn` is called over: the shortest input's size
/// when every input is sized, else 0.
template <class... Stored>
std::size_t zip_size_hint(std::tuple<Stored...>& ranges) {
  if constexpr ((std::ranges::sized_range<
                     std::remove_reference_t<decltype(std::declval<Stored&>().get())>> &&
                 ...)) {
    return std::apply(
        [](auto&... r) {
          return std::min({static_cast<std::size_t>(std::ranges::size(r.get()))...});
        },
        ranges);
  } else {
    return 0;
  }
}

/// Holds one input of map: a reference to an lvalue range, or the moved
/// rvalue range itself (std::views::all would do, but clang 14 cannot use
/// libstdc++ 12's views).
template <class R>
class stored_range {
public:
  explicit stored_range(R&& r) : range_(std::forward<R>(r)) {}
  std::remove_reference_t<R>& get() noexcept { return range_; }

private:
  R range_;
};

template <class R>
using stored_iterator_t =
    decltype(std::ranges::begin(std::declval<std::remove_reference_t<R>&>()));

/// Submits `fn` over the inputs taken in lockstep, one call per tuple:
/// `make(fn, args...)` builds a call's task and future without queueing it
/// (the executor's `make_call`), `queue(tasks)` queues a batch of them
/// (`enqueue_all`). A thread pool queues a batch under one acquisition of
/// its lock (18 instructions per call where `submit` costs 34, callgrind),
/// and its queue's cache lines move once per batch: map's items per second
/// went from about 1x to 1.6-3x the submit + result loop's.
template <class T, class Make, class Queue, class F, class... Ranges>
class zip_source final : public map_source<T> {
public:
  template <class G>
  zip_source(Make make, Queue queue, G&& fn, Ranges&&... ranges)
      : make_(make), queue_(queue), fn_(std::forward<G>(fn)),
        ranges_(stored_range<Ranges>(std::forward<Ranges>(ranges))...),
        iterators_(std::apply(
            [](auto&... r) { return std::tuple(std::ranges::begin(r.get())...); },
            ranges_)) {}

  std::size_t submit_some(map_window<T>& window, std::size_t most) override {
    // Small enough that the workers wait little for the first batch.
    constexpr std::size_t batch = 32;
    std::array<task_node*, batch> built;
    std::size_t const n = std::min(most, batch);
    std::size_t k = 0;
    try {
      while (k < n && !at_end(std::index_sequence_for<Ranges...>{})) {
        make_room(window.singles);
        auto made =
            std::apply([this](auto&... it) { return make_(fn_, *it...); }, iterators_);
        window.singles.push_back(std::move(made.second));
        built[k++] = made.first;
        std::apply([](auto&... it) { (++it, ...); }, iterators_);
      }
    } catch (...) {
      // Built, not queued: their futures, in the window, end cancelled.
      for (std::size_t i = 0; i < k; ++i)
        built[i]->abandon(nullptr);
      throw;
    }
    if (k > 0)
      queue_(std::span<task_node* const>(built.data(), k));
    return k;
  }

  std::size_t calls_hint() override { return zip_size_hint(ranges_); }
  void reserve(map_window<T>& window, std::size_t calls) override {
    window.singles.set_capacity(calls);
  }

private:
  template <std::size_t... I>
  bool at_end(std::index_sequence<I...>) {
    return ((std::get<I>(iterators_) == std::ranges::end(std::get<I>(ranges_).get())) ||
            ...);
  }

  Make make_;
  Queue queue_;
  F fn_;
  std::tuple<stored_range<Ranges>...> ranges_;
  std::tuple<stored_iterator_t<Ranges>...> iterators_;
};

template <class T>
decltype(auto) take_value(future<T>& f) {
  auto* s = future_access::state(f);
  if constexpr (std::is_void_v<T>)
    return std::monostate{};
  else
    // map holds the only handle: the value can move out.
    return std::move(s->value());
}

} // namespace detail

/// The results of `executor::map()`, in input order (Python's result
/// iterator).
/**
 * A single-pass range. Advancing waits for the next result in input order;
 * if that task failed, advancing throws its exception, the tasks not started
 * are cancelled and the range ends (CPython 3.14). Past the timeout,
 * advancing throws `timeout_error`, cancels what has not started and ends the
 * range. Destroying the range early cancels the tasks not started; running
 * ones finish.
 *
 * The range owns the results: a result is moved out of its future when
 * reached, and the previous one is destroyed. A `void` function yields
 * `std::monostate`.
 *
 * @par Thread Safety
 * One consumer at a time.
 */
template <class T>
class map_range {
public:
  /// What the range yields: `T`, or `std::monostate` for `void`.
  using value_type = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

  /// Moves the results to come; `other` is then empty.
  map_range(map_range&&) noexcept = default;
  /// Cancels this range's tasks not started, then takes over `other`'s.
  map_range& operator=(map_range&& other) noexcept {
    if (this != &other) {
      cancel_pending();
      pending_ = std::move(other.pending_);
      chunk_ = std::move(other.chunk_);
      chunk_next_ = other.chunk_next_;
      source_ = std::move(other.source_);
      current_ = std::move(other.current_);
      deadline_ = other.deadline_;
      finished_ = other.finished_;
    }
    return *this;
  }

  /// Cancels the tasks not started; running ones finish unobserved.
  ~map_range() { cancel_pending(); }

  /// The input iterator of the range: it shares the range's position, so
  /// copies advance together.
  class iterator {
  public:
    ///@{
    /// An input iterator's traits: it yields `value_type&`.
    using value_type = map_range::value_type;
    using difference_type = std::ptrdiff_t;
    using reference = value_type&;
    ///@}

    /// An iterator at no range, equal to the end.
    iterator() = default;

    /// The current result; the range owns it until it advances.
    value_type& operator*() const noexcept { return *owner_->current_; }
    /// The current result; the range owns it until it advances.
    value_type* operator->() const noexcept { return &*owner_->current_; }

    /// Waits for the next result; may throw the task's exception or
    /// timeout_error.
    iterator& operator++() {
      owner_->advance();
      return *this;
    }
    /// As `++it`; returns nothing, as a single-pass iterator may.
    void operator++(int) { ++*this; }

    friend bool operator==(iterator const& it, std::default_sentinel_t) noexcept {
      return it.at_end();
    }

  private:
    friend class map_range;
    bool at_end() const noexcept { return owner_ == nullptr || !owner_->current_; }
    explicit iterator(map_range* owner) noexcept : owner_(owner) {}
    map_range* owner_ = nullptr;
  };

  /// Waits for the first result; may throw.
  iterator begin() {
    advance();
    return iterator(this);
  }
  /// The end: after the last result, or after a failure or a timeout.
  std::default_sentinel_t end() const noexcept { return {}; }

  /// Tasks submitted and not yet yielded.
  std::size_t pending() const noexcept { return pending_.size(); }

  /// Builds the range and submits the first tasks: every input, or
  /// `buffersize` of them. For executors; users call `executor::map`.
  map_range(std::unique_ptr<detail::map_source<T>> source, map_options const& options)
      : source_(std::move(source)), deadline_(detail::to_deadline(options.timeout)) {
    if (options.buffersize && *options.buffersize < 1)
      throw std::invalid_argument("buffersize must be empty (no bound) or > 0, not " +
                                  std::to_string(*options.buffersize));
    try {
      std::size_t const limit =
          options.buffersize ? static_cast<std::size_t>(*options.buffersize) : SIZE_MAX;
      // Sized inputs: the window is allocated once.
      if (std::size_t const calls = std::min(limit, source_->calls_hint()); calls > 0)
        source_->reserve(pending_, calls);
      while (pending_.size() < limit) {
        if (source_->submit_some(pending_, limit - pending_.size()) == 0) {
          source_.reset();
          break;
        }
      }
    } catch (...) {
      cancel_pending();
      throw;
    }
    if (!options.buffersize)
      source_.reset(); // every input was submitted: let the inputs go
  }

private:
  void advance() {
    current_.reset();
    if (finished_)
      return;
    // The common case first: every input submitted, one future per input.
    if (chunk_.empty() && pending_.chunks.empty() && !source_) {
      if (pending_.singles.empty()) {
        finished_ = true;
        return;
      }
      try {
        take_single();
      } catch (...) {
        cancel_pending();
        throw;
      }
      return;
    }
    if (chunk_next_ < chunk_.size()) {
      take_from_chunk();
      return;
    }
    if (!chunk_.empty()) {
      chunk_.clear();
      chunk_next_ = 0;
    }
    if (pending_.empty()) {
      finished_ = true;
      return;
    }
    try {
      // Python refills the window before it waits for the oldest result.
      if (source_ && source_->submit_some(pending_, 1) == 0)
        source_.reset();
      if (!pending_.chunks.empty()) {
        // A chunk fails as a whole, at its first element (CPython 3.14).
        auto& chunk = pending_.chunks.front();
        auto* s = detail::future_access::state(chunk);
        if (!s->done() && !s->wait(deadline_))
          throw timeout_error();
        s->rethrow_if_failed();
        chunk_ = detail::take_value(chunk);
        pending_.chunks.pop_front();
        if (chunk_.empty())
          return advance();
        take_from_chunk();
        return;
      }
      take_single();
    } catch (...) {
      cancel_pending();
      throw;
    }
  }

  // Waits for the oldest single's result and yields it. Read in place and
  // popped once read (a chunk too): on a timeout or a failure it is still
  // in the window, and cancel_pending() cancels it with the rest.
  void take_single() {
    auto& single = pending_.singles.front();
    auto* s = detail::future_access::state(single);
    if (!s->done() && !s->wait(deadline_))
      throw timeout_error();
    s->rethrow_if_failed();
    current_.emplace(detail::take_value(single));
    pending_.singles.pop_front();
  }

  void cancel_pending() noexcept {
    finished_ = true;
    source_.reset();
    auto const cancel = [](auto& f) { detail::future_access::state(f)->cancel(); };
    pending_.singles.for_each(cancel);
    pending_.chunks.for_each(cancel);
    pending_.singles.clear();
    pending_.chunks.clear();
  }

  detail::map_window<T> pending_;
  void take_from_chunk() {
    if constexpr (std::is_void_v<T>)
      current_.emplace();
    else
      current_.emplace(std::move(chunk_[chunk_next_]));
    ++chunk_next_;
  }

  std::vector<detail::chunk_value_t<T>> chunk_;
  std::size_t chunk_next_ = 0;
  std::unique_ptr<detail::map_source<T>> source_;
  std::optional<value_type> current_;
  detail::deadline_type deadline_;
  bool finished_ = false;
};

} // namespace concurrent::futures

#endif
