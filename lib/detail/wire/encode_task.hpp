//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_WIRE_ENCODE_TASK_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_WIRE_ENCODE_TASK_HPP

// What every executor whose calls cross processes does with a task it is
// given: encode the call, then queue the message.

#include <concurrent/futures/detail/remote_seam.hpp>
#include <concurrent/futures/detail/task.hpp>
#include <concurrent/futures/detail/wire/seam.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace concurrent::futures::detail {

/// Encodes `task`'s call and hands the message to `queue(task, message)`.
/**
 * The message is encoded into a buffer the thread keeps, so a submit does
 * not allocate for it (a codec that submits from inside encode gets a
 * buffer of its own). A call made where the Wire was not visible, or with
 * a part that has no codec, throws (`submit` throws it); a codec that
 * throws fails only this future, and the executor goes on (CPython's
 * _SafeQueue does the same for a pickling error).
 */
template <class Queue>
void encode_and_queue(task_node& task, Queue&& queue) {
  thread_local std::vector<std::byte> scratch;
  thread_local bool scratch_busy = false;
  std::vector<std::byte> nested;
  bool const own = !scratch_busy;
  std::vector<std::byte>& message = own ? scratch : nested;
  struct release {
    bool own;
    std::vector<std::byte>& buffer;
    ~release() {
      if (!own)
        return;
      scratch_busy = false;
      if (buffer.capacity() > (std::size_t{1} << 20))
        std::vector<std::byte>().swap(buffer); // do not keep a huge one
    }
  } guard{own, message};
  if (task.remote == nullptr)
    throw_wire_not_visible();
  scratch_busy = true;
  message.clear();
  try {
    task.remote->encode(task, message);
  } catch (call_not_remotable const&) {
    throw;
  } catch (...) {
    task.abandon(std::current_exception());
    return;
  }
  queue(task, std::span<std::byte const>(message));
}

} // namespace concurrent::futures::detail

#endif
