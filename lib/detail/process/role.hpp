//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_ROLE_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_ROLE_HPP

// What a process of the pool (a worker, the fork server) is, and how an
// exec'd copy of the program learns it is one (role.cpp).

#include <array>
#include <cstdint>
#include <string>

namespace concurrent::futures::detail::process {

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

} // namespace concurrent::futures::detail::process

#endif
