//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_WORKER_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_WORKER_HPP

#include <sys/types.h>

#include <cstdint>

namespace concurrent::futures::detail::process {

/// The environment variable that tells an exec'd copy of the program which
/// role to play ("forkserver <socket fd>" or "worker <memfd> <doorbell fd>").
inline constexpr char const role_variable[] = "CONCURRENT_FUTURES_PROCESS_ROLE";

/// Exit codes a worker uses for what it can report no other way.
enum exit_code : int {
  exit_setup_failed = 120, // unreadable channel or another build (said in hello)
  exit_initializer_failed = 121,
};

/// The setup a worker reads from its channel: the module table, the
/// initializer message, max_tasks_per_child.
struct setup_header {
  std::uint32_t modules_bytes;
  std::uint32_t initializer_bytes;
  std::uint32_t max_tasks; // 0: no limit
};

/// Runs a worker on the channel in `memfd` until told to stop, then exits
/// the process. `parent` is the process that must stay alive.
[[noreturn]] void worker_main(int memfd, int doorbell, pid_t parent) noexcept;

/// The fork server's loop on `socket`; exits the process when the socket
/// closes.
[[noreturn]] void forkserver_main(int socket, pid_t parent) noexcept;

/// If this process was exec'd to be a worker or a fork server, plays that
/// role and never returns.
void run_role_if_requested() noexcept;

// Fork server protocol (SOCK_SEQPACKET): the pool sends a spawn_request
// with the memfd and the doorbell as SCM_RIGHTS; the server answers
// spawned, and later exited when it reaps the worker.
struct forkserver_message {
  enum kind_type : std::uint32_t { spawn_request = 1, spawned = 2, exited = 3 };
  kind_type kind;
  std::uint32_t worker; // the pool's index for the worker
  std::int32_t pid;
  std::int32_t status; // waitpid status (exited)
};

} // namespace concurrent::futures::detail::process

#endif
