//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_EXECUTOR_CALL_BACKLOG_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_EXECUTOR_CALL_BACKLOG_HPP

// The encoded calls an executor whose calls cross processes (the process
// pool, the MPI executors) has not handed to a worker yet. A call waits
// here, still cancellable, until a worker has room; what a worker was given
// can no longer be cancelled, so the pool keeps as much as it can here.

#include <concurrent/futures/detail/task.hpp>

#include "priority_lanes.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <limits>
#include <new>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

namespace concurrent::futures::detail {

// A call's message is kept inline when small (most are a few dozen bytes:
// the trampoline, a function pointer, a few numbers), so a submit does not
// allocate for it. A queued call is 64 bytes, one cache line: a burst of a
// million submits queues them all, and on a VM the first touch of each new
// page of that backlog costs more than the copy (136-byte entries with a
// 96-byte buffer and a std::vector made 40% more page faults).
class message_buffer {
public:
  static constexpr std::size_t inline_capacity = 48;

  explicit message_buffer(std::span<std::byte const> m)
      : size_(static_cast<std::uint32_t>(m.size())) {
    if (m.size() > std::numeric_limits<std::uint32_t>::max())
      throw std::length_error("a call's message is over 4 GiB");
    if (size_ <= inline_capacity) {
      std::memcpy(inline_, m.data(), size_);
    } else {
      heap_ = new std::byte[size_];
      std::memcpy(heap_, m.data(), size_);
    }
  }
  message_buffer(message_buffer&& o) noexcept : size_(o.size_) {
    if (size_ <= inline_capacity) {
      std::memcpy(inline_, o.inline_, size_);
    } else {
      heap_ = o.heap_;
      o.size_ = 0;
    }
  }
  message_buffer& operator=(message_buffer&& o) noexcept {
    if (this != &o) {
      this->~message_buffer();
      ::new (static_cast<void*>(this)) message_buffer(std::move(o));
    }
    return *this;
  }
  ~message_buffer() {
    if (size_ > inline_capacity)
      delete[] heap_;
  }

  std::span<std::byte const> bytes() const noexcept {
    return {size_ <= inline_capacity ? inline_ : heap_, size_};
  }

private:
  std::uint32_t size_;
  union {
    std::byte inline_[inline_capacity];
    std::byte* heap_;
  };
};

struct pending_call {
  task_node* task;
  message_buffer message;
};
static_assert(sizeof(pending_call) == 64);

/// The calls not handed to a worker yet, in the order they go: the highest
/// priority, then the oldest. Not thread-safe: the pool's lock guards it.
class call_backlog {
public:
  bool empty() const noexcept { return lanes_.empty(); }

  // Strong guarantee: a throw leaves the backlog as it was.
  void push(task_node& task, std::span<std::byte const> message) {
    auto& lane = lanes_.lane(task.priority);
    try {
      lane.push_back({&task, message_buffer(message)});
    } catch (...) {
      lanes_.drop_if_empty(task.priority);
      throw;
    }
  }

  // Not empty.
  pending_call pop() {
    return lanes_.take_front([](std::deque<pending_call>& lane) {
      pending_call call = std::move(lane.front());
      lane.pop_front();
      return call;
    });
  }

  // Moves every call's task to `out`, in the order they would have gone;
  // a throw (no room in `out`) leaves the backlog as it was.
  void take_all(std::vector<task_node*>& out) {
    std::size_t count = 0;
    lanes_.for_each([&count](auto const& lane) { count += lane.size(); });
    out.reserve(out.size() + count);
    lanes_.for_each([&out](auto const& lane) {
      for (auto const& c : lane)
        out.push_back(c.task);
    });
    lanes_.clear();
  }

private:
  priority_lanes<std::deque<pending_call>> lanes_;
};

} // namespace concurrent::futures::detail

#endif
