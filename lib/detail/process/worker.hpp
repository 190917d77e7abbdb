//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_WORKER_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_WORKER_HPP

#include <concurrent/futures/config.hpp>

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <string>

namespace concurrent::futures::detail::process {

class channel;

/// The environment variable that tells an exec'd copy of the program which
/// role to play: "forkserver <socket fd> <parent pid> <secret>" or
/// "worker <memfd> <doorbell fd> <parent pid> <secret>". The role is taken
/// only when the descriptors prove it (see role.cpp), never in a process
/// with elevated privileges.
inline constexpr char const role_variable[] = "CONCURRENT_FUTURES_PROCESS_ROLE";

/// 128 random bits a pool puts both in a spawned process' role variable and
/// in what it hands that process (the channel, the fork server's socket).
using role_secret = std::array<std::uint8_t, 16>;

/// A fresh secret (getrandom).
role_secret make_role_secret();

/// The secret as 32 hex digits, and back (false if malformed).
std::string to_hex(role_secret const& s);
bool from_hex(std::string const& hex, role_secret& out);

/// Exit codes a worker or fork server uses for what it can report no other
/// way.
enum exit_code : int {
  exit_setup_failed = 120, // unreadable channel or another build (said in hello)
  exit_initializer_failed = 121,
  exit_role_refused = 122,    // a role variable nobody proved: not a worker at all
  exit_channel_corrupt = 123, // a worker found its shared memory overwritten
};

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

/// The fork server's loop on `socket`; exits the process when the pool says
/// so, or dies with `parent`. Workers it forks report `refusal` if set.
[[noreturn]] void forkserver_main(int socket, pid_t parent,
                                  std::string const& refusal) noexcept;

/// The name a process of this role shows in ps and top: its comm (at most
/// 15 characters) and, where this process' argv is its own, argv[0]
/// ("<program>: concurrent-futures worker").
void name_this_process(char const* comm, std::string const& title) noexcept;

/// argv[0] for a process of `role` ("worker", "fork server") started by
/// this program.
std::string role_title(char const* role);

/// Links the role hook into any program that uses a process pool (a
/// static archive member is only linked when something refers to it).
void ensure_role_hook() noexcept;

// Fork server protocol (SOCK_SEQPACKET): the pool first sends authenticate
// with the secret of the role variable; then a spawn_request with the memfd
// and the doorbell as SCM_RIGHTS, which the server answers with spawned,
// and later exited when it reaps the worker; shut_down ends the server
// (the pool does not rely on the socket's end: a child the program forks
// keeps a copy of its descriptor).
struct forkserver_message {
  enum kind_type : std::uint32_t {
    spawn_request = 1,
    spawned = 2,
    exited = 3,
    authenticate = 4,
    shut_down = 5,
  };
  kind_type kind;
  std::uint32_t worker; // the pool's index for the worker
  std::int32_t pid;
  std::int32_t status; // waitpid status (exited)
  role_secret secret;  // authenticate
};

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
