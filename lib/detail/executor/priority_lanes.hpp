//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_EXECUTOR_PRIORITY_LANES_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_EXECUTOR_PRIORITY_LANES_HPP

#include <functional>
#include <map>

namespace concurrent::futures::detail {

/// A pool's queue of work not started yet: one FIFO ("lane") per priority,
/// the highest first, equal priorities in arrival order.
/**
 * Priority 0, what nearly every call and every Asio handler has, has a
 * lane of its own outside the map, so that its push and pop cost one
 * branch more than a single FIFO and never allocate. The other lanes live
 * in a map; positive ones go before priority 0, negative ones after. The
 * lane emptied last is kept and reused for the next new priority, so a
 * steady use of a few priorities does not allocate per call either.
 *
 * `Lane` is a FIFO with `empty()` and `clear()`, default-constructed
 * empty. Not thread-safe: the pool's lock guards it.
 */
template <class Lane>
class priority_lanes {
public:
  bool empty() const noexcept { return normal_.empty() && ranked_.empty(); }

  /// The lane of `priority`, made if new. Throws std::bad_alloc, having
  /// changed nothing, only for a priority without a lane and no spare one.
  /// If the push into a new lane then fails, call `drop_if_empty`.
  Lane& lane(int priority) {
    if (priority == 0) [[likely]]
      return normal_;
    return ranked_lane(priority);
  }

  /// Undoes `lane(priority)` when nothing could be pushed into it.
  void drop_if_empty(int priority) noexcept {
    if (priority == 0)
      return;
    auto const at = ranked_.find(priority);
    if (at != ranked_.end() && at->second.empty())
      spare_ = ranked_.extract(at);
  }

  /// Takes the next item with `take(lane)` (which pops the lane's front
  /// and returns it), retiring the lane if that emptied it. Precondition:
  /// !empty().
  template <class Take>
  auto take_front(Take&& take) {
    if (ranked_.empty()) [[likely]]
      return take(normal_);
    auto const top = ranked_.begin();
    if (top->first < 0 && !normal_.empty())
      return take(normal_);
    auto item = take(top->second);
    if (top->second.empty())
      spare_ = ranked_.extract(top); // keeps the lane's storage for reuse
    return item;
  }

  /// Calls `f(lane)` for every lane, in the order they start.
  template <class F>
  void for_each(F&& f) {
    auto lane = ranked_.begin();
    for (; lane != ranked_.end() && lane->first > 0; ++lane)
      f(lane->second);
    f(normal_);
    for (; lane != ranked_.end(); ++lane)
      f(lane->second);
  }

  /// Empties every lane (after `for_each` took what they held).
  void clear() noexcept {
    normal_.clear();
    ranked_.clear();
  }

private:
  using ranked_lanes = std::map<int, Lane, std::greater<>>;

  // Out of line, so that the map's code does not weigh on the inlined
  // priority-0 path (callgrind: 11 instructions per plain submit when it
  // was inlined into the pool's enqueue).
  [[gnu::noinline]] Lane& ranked_lane(int priority) {
    auto at = ranked_.lower_bound(priority);
    if (at == ranked_.end() || at->first != priority) {
      if (spare_) {
        spare_.key() = priority;
        at = ranked_.insert(at, std::move(spare_));
      } else {
        at = ranked_.emplace_hint(at, priority, Lane{});
      }
    }
    return at->second;
  }

  Lane normal_;
  ranked_lanes ranked_;
  typename ranked_lanes::node_type spare_;
};

} // namespace concurrent::futures::detail

#endif
