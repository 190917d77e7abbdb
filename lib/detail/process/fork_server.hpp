//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_FORK_SERVER_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_FORK_SERVER_HPP

// start_method::forkserver: one process per pool, started (spawned) before
// the pool runs a call, forks each worker from a copy of the program that
// has started no threads. Both ends of its protocol are here: the pool's
// client, which runs on the pool's thread, and the server's loop.

#include "role.hpp"

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace concurrent::futures::detail::process {

// The protocol (SOCK_SEQPACKET): the pool first sends authenticate with the
// secret of the role variable; then a spawn_request with the memfd and the
// doorbell as SCM_RIGHTS, which the server answers with spawned, and later
// exited when it reaps the worker; shut_down ends the server (the pool does
// not rely on the socket's end: a child the program forks keeps a copy of
// its descriptor).
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

/// The fork server's loop on `socket`; exits the process when the pool says
/// so, or dies with `parent`. Workers it forks report `refusal` if set.
[[noreturn]] void forkserver_main(int socket, pid_t parent,
                                  std::string const& refusal) noexcept;

/// The pool's end of the protocol; the pool's thread uses it alone.
class fork_server_client {
public:
  fork_server_client() noexcept;
  fork_server_client(fork_server_client const&) = delete;
  fork_server_client& operator=(fork_server_client const&) = delete;
  ~fork_server_client();

  bool started() const noexcept { return fd_ >= 0; }
  pid_t pid() const noexcept { return pid_; }

  /// Starts the server and proves to it that this pool did; its socket is
  /// watched on `io`. Throws std::system_error.
  void start(boost::asio::io_context& io);

  /// Asks for a worker, the pool's `worker`, on the channel in `memfd`
  /// ringing `doorbell`; false if the request could not be sent.
  bool request_worker(std::uint32_t worker, int memfd, int doorbell) noexcept;

  enum class receive_result { message, none_yet, gone };

  /// The server's next message, without blocking. `gone`: the server
  /// exited, and its workers died with it.
  receive_result receive(forkserver_message& m) noexcept;

  /// Calls `on_readable()` on the io_context once the server has written.
  void async_wait(std::function<void()> on_readable);

  /// Stops watching, tells the server to go and reaps it. It is told: a
  /// child the program forked may hold a copy of the socket, so the
  /// socket's end may never come.
  void stop() noexcept;

private:
  int fd_ = -1;
  pid_t pid_ = 0;
  struct watch; // the socket's duplicate, on the io_context
  std::unique_ptr<watch> watch_;
};

} // namespace concurrent::futures::detail::process

#endif
