//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "worker.hpp"

#include "channel.hpp"
#include "memfd.hpp"

#include "detail/sys/futex.hpp"
#include "detail/sys/spin.hpp"
#include "detail/wire/modules.hpp"

#include <concurrent/futures/codec.hpp>
#include <concurrent/futures/detail/wire/call.hpp>

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace concurrent::futures::detail::process {
namespace {

worker_test_access test_access;

void ring_doorbell(int doorbell) noexcept {
  std::uint64_t one = 1;
  while (::write(doorbell, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

// A task wrote into the memory this worker shares with the pool. Nothing
// read from it can be trusted any more; the pool sees the exit status and
// breaks, as for any other death.
[[noreturn]] void die_corrupt(char const* where, std::string const& fault) noexcept {
  std::fprintf(stderr,
               "concurrent-futures worker %d: its %s is corrupt (%s): a task wrote into "
               "the memory the worker shares with the pool; exiting\n",
               static_cast<int>(::getpid()), where, fault.c_str());
  ::_exit(exit_channel_corrupt);
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
  void send(record_kind kind, std::uint16_t flags, std::uint64_t id,
            std::span<std::byte const> message) {
    std::size_t offset = 0;
    for (;;) {
      auto w = write_message(ch_.results(), kind, flags, id, message, offset);
      if (w == ring::write_result::written)
        break;
      if (w == ring::write_result::corrupt)
        die_corrupt("result ring", ch_.results().fault());
      notify_parent(); // it may sleep with our first records unread
      std::uint32_t const seen = h_.space_signal.load(std::memory_order_acquire);
      h_.worker_waiting_space.store(1, std::memory_order_seq_cst);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      w = write_message(ch_.results(), kind, flags, id, message, offset);
      if (w == ring::write_result::corrupt)
        die_corrupt("result ring", ch_.results().fault());
      if (w == ring::write_result::written) {
        h_.worker_waiting_space.store(0, std::memory_order_relaxed);
        break;
      }
      timespec const tick{0, 100'000'000};
      futex_wait_for(h_.space_signal, seen, &tick, futex_scope::across_processes);
      h_.worker_waiting_space.store(0, std::memory_order_relaxed);
      check_parent();
    }
    notify_parent();
  }

  // The next call (reassembled when split) and its number, or false for
  // stop. Calls come numbered 1, 2, ...: anything else is not the pool's.
  bool receive(std::vector<std::byte>& message, std::uint64_t& id) {
    message.clear();
    std::uint64_t total = 0; // a split message's size, from its first record
    for (;;) {
      ring::view v;
      if (!next_record(v))
        continue;
      if (v.header.kind == record_kind::stop && message.empty()) {
        ch_.requests().consume(v);
        return false;
      }
      if (v.header.kind != record_kind::call || v.header.id != last_id_ + 1)
        die_corrupt("request ring",
                    "a record of kind " +
                        std::to_string(static_cast<unsigned>(v.header.kind)) +
                        " for call " + std::to_string(v.header.id) + " where call " +
                        std::to_string(last_id_ + 1) + " was due");
      bool const more = (v.header.flags & record_more) != 0;
      auto payload = v.payload;
      if (more && total == 0) {
        total = split_size(payload);
        if (total == 0)
          die_corrupt("request ring", "a split call whose first record gives no size");
        payload = payload.subspan(split_prefix);
        message.reserve(total);
      }
      message.insert(message.end(), payload.begin(), payload.end());
      if (total != 0 && (message.size() > total || (!more && message.size() != total)))
        die_corrupt("request ring", "a split call of " + std::to_string(message.size()) +
                                        " bytes where its first record said " +
                                        std::to_string(total));
      ch_.requests().consume(v);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (h_.parent_wants_space.load(std::memory_order_relaxed) != 0 &&
          h_.parent_wants_space.exchange(0, std::memory_order_acq_rel) != 0)
        ring_doorbell(doorbell_);
      if (!more) {
        id = ++last_id_;
        return true;
      }
    }
  }

  void check_parent() const noexcept {
    if (::getppid() != parent_)
      ::_exit(0);
  }

private:
  // Polls for a little while, then sleeps on the futex. True with a
  // record in `v`.
  bool next_record(ring::view& v) {
    auto& r = ch_.requests();
    if (take(r, v))
      return true;
    if (poll_for([&] { return !r.empty(); }, std::chrono::microseconds(50)) && take(r, v))
      return true;
    std::uint32_t const seen = h_.request_signal.load(std::memory_order_acquire);
    h_.worker_sleeping.store(1, std::memory_order_seq_cst);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (r.empty()) {
      timespec const tick{1, 0};
      futex_wait_for(h_.request_signal, seen, &tick, futex_scope::across_processes);
    }
    h_.worker_sleeping.store(0, std::memory_order_relaxed);
    check_parent();
    return take(r, v);
  }

  static bool take(ring& r, ring::view& v) {
    switch (r.peek(v)) {
    case ring::read_result::record:
      return true;
    case ring::read_result::empty:
      return false;
    case ring::read_result::corrupt:
      break;
    }
    die_corrupt("request ring", r.fault());
  }

  channel& ch_;
  channel_header& h_;
  int doorbell_;
  pid_t parent_;
  std::uint64_t last_id_ = 0;
};

std::vector<std::byte> hello_message(std::string const& error) {
  std::vector<std::byte> out;
  codec_writer w(out);
  w.write(static_cast<std::int32_t>(::getpid()));
  w.write(error);
  return out;
}

} // namespace

worker_test_access const* this_worker_for_tests() noexcept {
  return test_access.chan ? &test_access : nullptr;
}

// PDEATHSIG covers a parent killed later, the getppid() check one that died
// before the prctl.
void tie_to_parent(pid_t parent) noexcept {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent)
    ::_exit(0);
}

void worker_main(int memfd, int doorbell, pid_t parent,
                 std::string const& refusal) noexcept {
  tie_to_parent(parent);
  try {
    auto region = map_memfd(memfd);
    ::close(memfd);
    if (std::string const fault = channel::layout_fault(region); !fault.empty()) {
      std::fprintf(stderr, "concurrent-futures worker %d: %s\n",
                   static_cast<int>(::getpid()), fault.c_str());
      ::_exit(exit_setup_failed);
    }
    channel ch(std::move(region));
    worker w(ch, doorbell, parent);
    test_access.chan = &ch;
    test_access.doorbell = doorbell;

    // The setup was written by the pool before this process existed; a
    // task has not run yet, so it is as the pool wrote it.
    auto const setup = ch.setup();
    setup_header sh;
    std::memcpy(&sh, setup.data(), sizeof sh);
    std::string error = refusal;
    if (error.empty() &&
        std::uint64_t{sh.modules_bytes} + sh.initializer_bytes > setup.size() - sizeof sh)
      error = "the pool's setup block is inconsistent";
    std::span<std::byte const> modules, init;
    if (error.empty()) {
      modules = setup.subspan(sizeof sh, sh.modules_bytes);
      init = setup.subspan(sizeof sh + sh.modules_bytes, sh.initializer_bytes);
      error = adopt_module_table(modules);
    }
    int code = exit_setup_failed;
    std::vector<std::byte> reply;
    if (error.empty() && !init.empty()) {
      run_call(init, reply);
      std::exception_ptr e;
      try {
        e = reply_exception(reply, ::getpid());
      } catch (...) {
        e = std::current_exception();
      }
      if (e) {
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
    w.send(record_kind::hello, 0, 0, hello_message(error));
    if (!error.empty())
      ::_exit(code);

    std::vector<std::byte> message;
    std::uint64_t id = 0;
    std::uint32_t done = 0;
    while (w.receive(message, id)) {
      reply.clear();
      test_access.call_id = id;
      run_call(message, reply);
      ++done;
      bool const retiring = sh.max_tasks != 0 && done == sh.max_tasks;
      w.send(record_kind::reply, retiring ? record_retiring : 0, id, reply);
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

} // namespace concurrent::futures::detail::process
