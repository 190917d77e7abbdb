//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_SPAWN_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_SPAWN_HPP

// Starting a process of the pool: a worker by start_method::spawn (a fresh
// copy of the program) or start_method::fork (a copy of this process), and
// the fork server, which start_method::forkserver asks for each worker
// (fork_server.hpp). Only the pool's thread starts processes:
// PR_SET_PDEATHSIG fires when the *thread* that created a child exits, and
// that thread lives as long as the pool.

#include "role.hpp"

#include <sys/types.h>

#include <initializer_list>
#include <string>

namespace concurrent::futures::detail::process {

/// Starts /proc/self/exe to play a role (role.cpp reads `value` from the
/// environment and checks it against `fds`), with `fds` open in it, named
/// `title` in ps; the pid, or -errno.
pid_t spawn_self(char const* title, std::string const& value,
                 std::initializer_list<int> fds);

/// start_method::spawn: a worker on the channel in `memfd`, which carries
/// `secret`, ringing `doorbell`; the pid, or -errno.
pid_t spawn_worker(int memfd, int doorbell, role_secret const& secret);

/// start_method::fork: a worker forked from this process (the child runs
/// the worker and never returns here); the pid, or -1.
pid_t fork_worker(int memfd, int doorbell);

/// Throws std::logic_error if this program runs threads besides the
/// caller: a worker forked from it could deadlock on a lock one of them
/// holds.
void check_fork_is_safe();

} // namespace concurrent::futures::detail::process

#endif
