//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_WORKER_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_WORKER_HPP

// A worker process: it reads calls from its channel, runs them, and writes
// their replies, until told to stop.

#include <concurrent/futures/config.hpp>

#include "role.hpp"

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace concurrent::futures::detail::process {

class channel;

/// The setup a worker reads from its channel: the module table, the
/// initializer message, max_tasks_per_child.
struct setup_header {
  std::uint32_t modules_bytes;
  std::uint32_t initializer_bytes;
  std::uint32_t max_tasks; // 0: no limit
};

/// Runs a worker on the channel in `memfd` until told to stop, then exits
/// the process. `parent` is the process that must stay alive. A non-empty
/// `refusal` says why this process cannot run calls: the worker reports it
/// as its hello and exits.
[[noreturn]] void worker_main(int memfd, int doorbell, pid_t parent,
                              std::string const& refusal) noexcept;

/// Dies with `parent`, the process that must stay alive: a worker, or the
/// fork server, never outlives its pool.
void tie_to_parent(pid_t parent) noexcept;

/// What a test reaches in the worker it runs in: the channel (to write into
/// it as a stray pointer would), the doorbell, and the number of the call
/// running. Null outside a worker. Not an API: for the library's tests.
struct worker_test_access {
  channel* chan = nullptr;
  int doorbell = -1;
  std::uint64_t call_id = 0;
};
CONCURRENT_FUTURES_DECL worker_test_access const* this_worker_for_tests() noexcept;

} // namespace concurrent::futures::detail::process

#endif
