//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "fork_server.hpp"

#include "spawn.hpp"
#include "worker.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

namespace concurrent::futures::detail::process {
namespace {

/// The one frame both ends exchange for a spawn request: the message, and
/// room for its two descriptors (the worker's memfd and doorbell).
struct spawn_frame {
  forkserver_message m{};
  alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
  iovec iov{&m, sizeof m};
  msghdr msg{};

  spawn_frame() noexcept {
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
  }
  spawn_frame(spawn_frame const&) = delete; // msg points into this object
  spawn_frame& operator=(spawn_frame const&) = delete;
};

} // namespace

// ------------------------------------------------------------ the pool's end

struct fork_server_client::watch {
  watch(boost::asio::io_context& io, int fd) : socket(io, fd) {}
  boost::asio::posix::stream_descriptor socket;
};

fork_server_client::fork_server_client() noexcept = default;

fork_server_client::~fork_server_client() {
  if (fd_ >= 0)
    ::close(fd_);
}

void fork_server_client::start(boost::asio::io_context& io) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::system_error(errno, std::system_category(), "socketpair");
  role_secret const secret = make_role_secret();
  pid_t const pid = spawn_self("fork server",
                               "forkserver " + std::to_string(sv[1]) + " " +
                                   std::to_string(::getpid()) + " " + to_hex(secret),
                               {sv[1]});
  int const rc = pid < 0 ? -pid : 0;
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    throw std::system_error(rc, std::system_category(), "posix_spawn(fork server)");
  }
  // What proves to the new process that this pool started it (role.cpp).
  forkserver_message const auth{forkserver_message::authenticate, 0, 0, 0, secret};
  while (::send(sv[0], &auth, sizeof auth, MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
  fd_ = sv[0];
  pid_ = pid;
  watch_ = std::make_unique<watch>(io, ::dup(fd_));
}

void fork_server_client::async_wait(std::function<void()> on_readable) {
  watch_->socket.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                            [f = std::move(on_readable)](boost::system::error_code ec) {
                              if (!ec)
                                f();
                            });
}

bool fork_server_client::request_worker(std::uint32_t worker, int memfd,
                                        int doorbell) noexcept {
  spawn_frame frame;
  frame.m = {forkserver_message::spawn_request, worker, 0, 0, {}};
  msghdr& msg = frame.msg;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(2 * sizeof(int));
  int const fds[2] = {memfd, doorbell};
  std::memcpy(CMSG_DATA(c), fds, sizeof fds);
  ssize_t n;
  do
    n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n >= 0;
}

fork_server_client::receive_result
fork_server_client::receive(forkserver_message& m) noexcept {
  for (;;) {
    m = {};
    ssize_t const n = ::recv(fd_, &m, sizeof m, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return receive_result::none_yet;
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return receive_result::gone;
    if (n == sizeof m)
      return receive_result::message;
  }
}

void fork_server_client::stop() noexcept {
  if (watch_) {
    watch_->socket.cancel();
    watch_.reset();
  }
  if (fd_ >= 0) {
    forkserver_message const bye{forkserver_message::shut_down, 0, 0, 0, {}};
    while (::send(fd_, &bye, sizeof bye, MSG_NOSIGNAL) < 0 && errno == EINTR) {
    }
    ::close(fd_);
    fd_ = -1;
  }
  if (pid_ > 0) {
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }
}

// ------------------------------------------------------------ the server

void forkserver_main(int socket, pid_t parent, std::string const& refusal) noexcept {
  tie_to_parent(parent);
  pid_t const self = ::getpid();
  sigset_t mask;
  ::sigemptyset(&mask);
  ::sigaddset(&mask, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  int const sfd = ::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  std::vector<pid_t> children;
  std::string const worker_title = role_title("worker");

  auto send = [socket](forkserver_message const& m) {
    while (::send(socket, &m, sizeof m, MSG_NOSIGNAL) < 0 && errno == EINTR) {
    }
  };
  auto reap = [&] {
    for (;;) {
      int status = 0;
      pid_t const pid = ::waitpid(-1, &status, WNOHANG);
      if (pid <= 0)
        return;
      std::erase(children, pid);
      send({forkserver_message::exited, 0, pid, status, {}});
    }
  };

  for (;;) {
    pollfd fds[2] = {{socket, POLLIN, 0}, {sfd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo info;
      while (::read(sfd, &info, sizeof info) > 0) {
      }
      reap();
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      spawn_frame frame;
      forkserver_message& m = frame.m;
      msghdr& msg = frame.msg;
      ssize_t const n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
        break; // the pool is gone
      if (n == sizeof m && m.kind == forkserver_message::shut_down)
        break;
      int fd[2] = {-1, -1};
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len == CMSG_LEN(2 * sizeof(int)))
          std::memcpy(fd, CMSG_DATA(c), sizeof fd);
      if (n != sizeof m || m.kind != forkserver_message::spawn_request || fd[0] < 0 ||
          fd[1] < 0) {
        for (int f : fd)
          if (f >= 0)
            ::close(f);
        continue;
      }
      pid_t const pid = ::fork();
      if (pid == 0) {
        ::close(socket);
        ::close(sfd);
        ::sigprocmask(SIG_UNBLOCK, &mask, nullptr);
        name_this_process("cf-worker", worker_title);
        worker_main(fd[0], fd[1], self, refusal);
      }
      ::close(fd[0]);
      ::close(fd[1]);
      if (pid > 0)
        children.push_back(pid);
      send({forkserver_message::spawned, m.worker, pid > 0 ? pid : -errno, 0, {}});
    }
  }
  // The pool said so, closed the socket or died: no worker outlives it.
  for (pid_t pid : children)
    ::kill(pid, SIGKILL);
  for (pid_t pid : children)
    ::waitpid(pid, nullptr, 0);
  ::_exit(0);
}

} // namespace concurrent::futures::detail::process
