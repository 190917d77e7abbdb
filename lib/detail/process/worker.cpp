//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "worker.hpp"

#include "channel.hpp"
#include "memfd.hpp"
#include "modules.hpp"

#include "../spin.hpp"

#include <concurrent/futures/codec.hpp>
#include <concurrent/futures/detail/remote_call.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace concurrent::futures::detail::process {
namespace {

void ring_doorbell(int doorbell) noexcept {
  std::uint64_t one = 1;
  while (::write(doorbell, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

// Dies with the process that must stay alive: PDEATHSIG covers a parent
// killed later, the getppid() check one that died before the prctl.
void tie_to_parent(pid_t parent) noexcept {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent)
    ::_exit(0);
}

class worker {
public:
  worker(channel& ch, int doorbell, pid_t parent)
      : ch_(ch), h_(ch.header()), doorbell_(doorbell), parent_(parent) {}

  void notify_parent() noexcept {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (h_.parent_waiting.load(std::memory_order_relaxed) != 0 &&
        h_.parent_waiting.exchange(0, std::memory_order_acq_rel) != 0)
      ring_doorbell(doorbell_);
  }

  // Writes a whole message to the result ring, waiting for room when the
  // pool has not read what is there yet (back-pressure, nothing dropped).
  void send(record_kind kind, std::uint16_t flags, std::span<std::byte const> message) {
    std::size_t offset = 0;
    while (!write_message(ch_.results(), kind, flags, message, offset)) {
      notify_parent(); // it may sleep with our first records unread
      std::uint32_t const seen = h_.space_signal.load(std::memory_order_acquire);
      h_.worker_waiting_space.store(1, std::memory_order_seq_cst);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (write_message(ch_.results(), kind, flags, message, offset)) {
        h_.worker_waiting_space.store(0, std::memory_order_relaxed);
        break;
      }
      timespec const tick{0, 100'000'000};
      shared_futex_wait(h_.space_signal, seen, &tick);
      h_.worker_waiting_space.store(0, std::memory_order_relaxed);
      check_parent();
    }
    notify_parent();
  }

  // The next request message (reassembled when split), or false for stop.
  bool receive(std::vector<std::byte>& message) {
    message.clear();
    for (;;) {
      ring::view v;
      if (!next_record(v))
        continue;
      if (ring::corrupt(v)) {
        std::fputs("concurrent-futures worker: the request ring is corrupt; exiting\n",
                   stderr);
        ::_exit(exit_setup_failed);
      }
      if (v.header.kind == record_kind::stop) {
        ch_.requests().consume(v);
        return false;
      }
      message.insert(message.end(), v.payload.begin(), v.payload.end());
      bool const more = (v.header.flags & record_more) != 0;
      ch_.requests().consume(v);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (h_.parent_wants_space.load(std::memory_order_relaxed) != 0 &&
          h_.parent_wants_space.exchange(0, std::memory_order_acq_rel) != 0)
        ring_doorbell(doorbell_);
      if (!more)
        return true;
    }
  }

  void check_parent() const noexcept {
    if (::getppid() != parent_)
      ::_exit(0);
  }

private:
  // Polls for a little while, then sleeps on the futex.
  bool next_record(ring::view& v) {
    auto& r = ch_.requests();
    if (r.peek(v))
      return true;
    if (poll_for([&] { return !r.empty(); }, std::chrono::microseconds(50)) && r.peek(v))
      return true;
    std::uint32_t const seen = h_.request_signal.load(std::memory_order_acquire);
    h_.worker_sleeping.store(1, std::memory_order_seq_cst);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (r.empty()) {
      timespec const tick{1, 0};
      shared_futex_wait(h_.request_signal, seen, &tick);
    }
    h_.worker_sleeping.store(0, std::memory_order_relaxed);
    check_parent();
    return r.peek(v);
  }

  channel& ch_;
  channel_header& h_;
  int doorbell_;
  pid_t parent_;
};

std::vector<std::byte> hello_message(std::string const& error) {
  std::vector<std::byte> out;
  codec_writer w(out);
  w.write(static_cast<std::int32_t>(::getpid()));
  w.write(error);
  return out;
}

} // namespace

void worker_main(int memfd, int doorbell, pid_t parent) noexcept {
  tie_to_parent(parent);
  try {
    channel ch(map_memfd(memfd));
    ::close(memfd);
    auto& h = ch.header();
    worker w(ch, doorbell, parent);
    if (h.magic != channel_magic) {
      std::fputs("concurrent-futures worker: bad channel\n", stderr);
      ::_exit(exit_setup_failed);
    }
    auto const setup = ch.setup();
    setup_header sh;
    std::memcpy(&sh, setup.data(), sizeof sh);
    auto const modules = setup.subspan(sizeof sh, sh.modules_bytes);
    auto const init = setup.subspan(sizeof sh + sh.modules_bytes, sh.initializer_bytes);

    std::string error = adopt_module_table(modules);
    int code = exit_setup_failed;
    std::vector<std::byte> reply;
    if (error.empty() && !init.empty()) {
      run_call(init, reply);
      if (!reply.empty() && reply[0] != static_cast<std::byte>(reply_status::value)) {
        codec_reader r(std::span<std::byte const>(reply).subspan(1));
        std::exception_ptr e = decode_exception(r, ::getpid());
        try {
          std::rethrow_exception(e);
        } catch (std::exception const& x) {
          error = std::string("the initializer failed: ") + x.what();
        } catch (...) {
          error = "the initializer failed";
        }
        code = exit_initializer_failed;
      }
    }
    h.worker_pid = ::getpid();
    w.send(record_kind::hello, 0, hello_message(error));
    if (!error.empty())
      ::_exit(code);

    std::vector<std::byte> message;
    std::uint32_t done = 0;
    while (w.receive(message)) {
      reply.clear();
      run_call(message, reply);
      ++done;
      bool const retiring = sh.max_tasks != 0 && done == sh.max_tasks;
      w.send(record_kind::reply, retiring ? record_retiring : 0, reply);
      if (retiring)
        break;
    }
    ::_exit(0);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "concurrent-futures worker %d: %s\n",
                 static_cast<int>(::getpid()), e.what());
  } catch (...) {
  }
  ::_exit(exit_setup_failed);
}

void forkserver_main(int socket, pid_t parent) noexcept {
  tie_to_parent(parent);
  pid_t const self = ::getpid();
  sigset_t mask;
  ::sigemptyset(&mask);
  ::sigaddset(&mask, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  int const sfd = ::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  std::vector<pid_t> children;

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
      send({forkserver_message::exited, 0, pid, status});
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
      forkserver_message m{};
      char control[CMSG_SPACE(2 * sizeof(int))];
      iovec iov{&m, sizeof m};
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      ssize_t const n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
        break; // the pool is gone
      if (n != sizeof m || m.kind != forkserver_message::spawn_request)
        continue;
      int fd[2] = {-1, -1};
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len == CMSG_LEN(2 * sizeof(int)))
          std::memcpy(fd, CMSG_DATA(c), sizeof fd);
      if (fd[0] < 0 || fd[1] < 0)
        continue;
      pid_t const pid = ::fork();
      if (pid == 0) {
        ::close(socket);
        ::close(sfd);
        ::sigprocmask(SIG_UNBLOCK, &mask, nullptr);
        worker_main(fd[0], fd[1], self);
      }
      ::close(fd[0]);
      ::close(fd[1]);
      if (pid > 0)
        children.push_back(pid);
      send({forkserver_message::spawned, m.worker, pid > 0 ? pid : -errno, 0});
    }
  }
  // The pool closed the socket or died: no worker outlives it.
  for (pid_t pid : children)
    ::kill(pid, SIGKILL);
  for (pid_t pid : children)
    ::waitpid(pid, nullptr, 0);
  ::_exit(0);
}

// An exec'd worker or fork server inherits every descriptor of the program
// that was not close-on-exec (Python's spawn closes them too): keep only
// the standard streams and its own.
void close_other_fds(std::vector<int> keep) noexcept {
  keep.push_back(2);
  std::sort(keep.begin(), keep.end());
  unsigned from = 3;
  for (int fd : keep) {
    if (fd >= static_cast<int>(from)) {
      if (static_cast<unsigned>(fd) > from)
        ::syscall(SYS_close_range, from, static_cast<unsigned>(fd) - 1, 0u);
      from = static_cast<unsigned>(fd) + 1;
    }
  }
  ::syscall(SYS_close_range, from, ~0u, 0u);
}

void run_role_if_requested() noexcept {
  char const* role = std::getenv(role_variable);
  if (!role)
    return;
  std::string const value = role;
  ::unsetenv(role_variable); // the tasks' own child processes are not workers
  int a = -1, b = -1, p = -1;
  if (std::sscanf(value.c_str(), "forkserver %d %d", &a, &p) == 2) {
    close_other_fds({a});
    forkserver_main(a, p);
  }
  if (std::sscanf(value.c_str(), "worker %d %d %d", &a, &b, &p) == 3) {
    close_other_fds({a, b});
    worker_main(a, b, p);
  }
  std::fprintf(stderr, "concurrent-futures: unknown %s=%s; ignored\n", role_variable,
               value.c_str());
}

} // namespace concurrent::futures::detail::process
