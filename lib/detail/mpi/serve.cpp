//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// A worker rank. Without a heartbeat its one thread receives a call, runs
// it and sends the reply (no thread hop: the round trip is the measured
// figure). With a heartbeat, calls run on a second thread, so that the
// rank keeps telling the root it is alive while a long call runs. With
// `isolate_calls`, a call runs in a child process (a process pool of one
// worker), whose death is reported instead of ending the job.

#include "serve.hpp"

#include "idle.hpp"
#include "mpi_call.hpp"
#include "protocol.hpp"
#include "transport.hpp"

#include <concurrent/futures/detail/wire/call.hpp>
#include <concurrent/futures/detail/wire/reply.hpp>
#include <concurrent/futures/process_pool_executor.hpp>

#include "detail/sys/exception_text.hpp"
#include "detail/wire/modules.hpp"

#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace concurrent::futures::detail::mpi {

// In the isolated process (a child of the worker rank): the root's call
// message in, its reply out. The message names code by the root's module
// list, the child adopted the rank's: it reads the call against the root's,
// which its initializer kept. Named by their place in the library, as any
// call is.
namespace {
std::string& root_module_table() {
  static std::string table;
  return table;
}
std::span<std::byte const> bytes_of(std::string const& s) {
  return {reinterpret_cast<std::byte const*>(s.data()), s.size()};
}
} // namespace

std::string run_isolated_call(std::string const& message) {
  std::vector<std::byte> reply;
  {
    process::borrowed_module_table root(bytes_of(root_module_table()));
    run_call(bytes_of(message), reply);
  }
  return std::string(reinterpret_cast<char const*>(reply.data()), reply.size());
}

void run_isolated_initializer(std::string const& table, std::string const& message) {
  root_module_table() = table;
  if (message.empty())
    return;
  std::vector<std::byte> reply;
  {
    process::borrowed_module_table root(bytes_of(table));
    run_call(bytes_of(message), reply);
  }
  if (auto e = reply_exception(reply, ::getpid()))
    std::rethrow_exception(e);
}

int isolated_probe() {
  return 0;
}

namespace {

std::span<std::byte const> as_bytes(std::string const& s) {
  return {reinterpret_cast<std::byte const*>(s.data()), s.size()};
}

std::string describe(std::exception_ptr const& e) {
  return type_name_of(e) + ": " + what_of(e);
}

class worker_rank {
public:
  worker_rank(MPI_Comm comm, int root, std::string who)
      : comm_(comm), root_(root), who_(std::move(who)) {}

  int run();

private:
  bool setup();
  void execute(std::span<std::byte const> message, std::vector<std::byte>& frame);
  void send(int tag, std::uint64_t id, std::span<std::byte const> payload);
  void send_frame(int tag, std::uint64_t id, std::vector<std::byte>& frame);
  void runner();
  [[noreturn]] void give_up(std::string const& why);

  MPI_Comm comm_;
  int root_;
  std::string who_;
  setup_message setup_;
  std::string build_mismatch_; // not empty: the root refuses this rank
  std::optional<process_pool_executor> isolated_;
  std::vector<std::byte> reply_; // reused: a reply frame allocates nothing

  // With a heartbeat: calls for the runner thread, and its replies.
  std::mutex mutex_;
  std::condition_variable work_;
  std::deque<std::pair<std::uint64_t, std::vector<std::byte>>> calls_; // whole frames
  std::deque<std::pair<std::uint64_t, std::vector<std::byte>>> replies_;
  std::size_t running_ = 0;
  bool closing_ = false;
  std::atomic<std::uint32_t> wake_{0};
};

void worker_rank::give_up(std::string const& why) {
  std::fprintf(stderr, "concurrent-futures %s worker: %s\n", who_.c_str(), why.c_str());
  std::fflush(stderr);
  // Without MPI_Finalize: under mpirun the job ends, which is what a worker
  // that cannot serve must cause (the root would wait for it forever).
  std::_Exit(1);
}

// A worker sends with MPI_Send: its replies are small and eager, so the
// send returns at once, with no request to track (the root, which never
// blocks in MPI, receives the large ones).
void worker_rank::send(int tag, std::uint64_t id, std::span<std::byte const> payload) {
  std::vector<std::byte> frame;
  build_frame(frame, id, payload);
  call_lock lock;
  send_now(comm_, root_, tag, frame);
}

void worker_rank::send_frame(int tag, std::uint64_t id, std::vector<std::byte>& frame) {
  seal_frame(frame, id);
  call_lock lock;
  send_now(comm_, root_, tag, frame);
}

bool worker_rank::setup() {
  idler idle(std::chrono::milliseconds{1});
  incoming in;
  for (;;) {
    bool got;
    {
      call_lock lock;
      got = try_receive(comm_, root_, in);
    }
    if (got)
      break;
    idle.pause(true, wake_, wake_.load(), std::nullopt);
  }
  if (in.tag == tag_stop)
    return false;
  if (in.tag != tag_setup)
    give_up("the root's first message has tag " + std::to_string(in.tag) + ", not setup");
  setup_ = decode_message<setup_message>(in.payload());

  hello_message hello;
  hello.host = host_name();
  hello.pid = static_cast<std::int32_t>(::getpid());
  hello.build_mismatch = process::adopt_module_table(as_bytes(setup_.module_table));
  if (hello.build_mismatch.empty())
    hello.build_mismatch = process::module_build_mismatch(as_bytes(setup_.module_table));
  if (hello.build_mismatch.empty()) {
    for (auto const& [name, value] : setup_.env)
      ::setenv(name.c_str(), value.c_str(), 1);
    try {
      if (setup_.isolate_calls) {
        process_pool_options o;
        o.max_workers = 1;
        o.initializer = process_initializer(&run_isolated_initializer,
                                            setup_.module_table, setup_.initializer);
        isolated_.emplace(std::move(o));
        isolated_->submit(&isolated_probe).result();
      } else if (!setup_.initializer.empty()) {
        std::vector<std::byte> reply;
        run_call(as_bytes(setup_.initializer), reply);
        if (auto e = reply_exception(reply, ::getpid()))
          std::rethrow_exception(e);
      }
    } catch (...) {
      hello.initializer_error = describe(std::current_exception());
    }
  }
  build_mismatch_ = hello.build_mismatch;
  send(tag_hello, 0, encode_message(hello));
  return true;
}

// The reply frame: the header's room, the kind, then the Wire's reply.
void worker_rank::execute(std::span<std::byte const> message,
                          std::vector<std::byte>& frame) {
  constexpr std::size_t start = frame_header_bytes + 1;
  frame.assign(start, std::byte{0});
  frame[frame_header_bytes] = static_cast<std::byte>(reply_kind::outcome);
  if (!isolated_) {
    run_call(message, frame);
    return;
  }
  try {
    std::string const reply =
        isolated_
            ->submit(&run_isolated_call,
                     std::string(reinterpret_cast<char const*>(message.data()),
                                 message.size()))
            .result();
    auto const* p = reinterpret_cast<std::byte const*>(reply.data());
    frame.insert(frame.end(), p, p + reply.size());
  } catch (broken_process_pool const& e) {
    frame.resize(start);
    frame[frame_header_bytes] = static_cast<std::byte>(reply_kind::crashed);
    codec_writer w(frame);
    w.write(static_cast<std::int32_t>(e.pid()));
    w.write(static_cast<std::int32_t>(e.signal()));
    w.write(std::string(e.what()));
  } catch (...) {
    write_exception_reply(frame, start);
  }
}

void worker_rank::runner() {
  for (;;) {
    std::pair<std::uint64_t, std::vector<std::byte>> call;
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [this] { return closing_ || !calls_.empty(); });
      if (calls_.empty())
        return;
      call = std::move(calls_.front());
      calls_.pop_front();
    }
    std::vector<std::byte> reply;
    execute(std::span<std::byte const>(call.second).subspan(frame_header_bytes), reply);
    {
      std::lock_guard lock(mutex_);
      replies_.emplace_back(call.first, std::move(reply));
      --running_;
    }
    wake_.fetch_add(1, std::memory_order_seq_cst);
    futex_wake(wake_, 1);
  }
}

int worker_rank::run() {
  if (!setup())
    return 0;
  auto const hb = std::chrono::milliseconds{setup_.heartbeat_ms};
  bool const beating = hb.count() > 0;
  std::thread runner_thread;
  if (beating)
    runner_thread = std::thread([this] { runner(); });
  idler idle(std::chrono::microseconds{setup_.poll_max_us});
  auto heard = clock::now();
  auto last_beat = clock::now();
  bool stopping = false;
  std::vector<incoming> inbox;
  for (;;) {
    std::uint32_t const seen = wake_.load(std::memory_order_seq_cst);
    bool did = false;
    {
      call_lock lock;
      incoming in;
      while (inbox.size() < 64 && try_receive(comm_, root_, in))
        inbox.push_back(std::move(in));
    }
    if (!inbox.empty()) {
      did = true;
      heard = clock::now();
    }
    for (auto& m : inbox) {
      switch (m.tag) {
      case tag_call:
        if (stopping)
          give_up("a call after the root said stop");
        if (!build_mismatch_.empty())
          give_up("a call, though this rank runs another build than the root (" +
                  build_mismatch_ + ")");
        if (beating) {
          std::lock_guard lock(mutex_);
          calls_.emplace_back(m.call_id, std::move(m.frame));
          ++running_;
          work_.notify_one();
        } else {
          execute(m.payload(), reply_);
          send_frame(tag_reply, m.call_id, reply_);
        }
        break;
      case tag_stop:
        stopping = true;
        break;
      case tag_beat:
        break;
      default:
        give_up("a message with tag " + std::to_string(m.tag) + " from the root");
      }
    }
    inbox.clear();
    bool busy = false;
    if (beating) {
      std::deque<std::pair<std::uint64_t, std::vector<std::byte>>> done;
      {
        std::lock_guard lock(mutex_);
        done.swap(replies_);
        busy = running_ > 0;
      }
      for (auto& [id, reply] : done)
        send_frame(tag_reply, id, reply);
      did = did || !done.empty();
      auto const now = clock::now();
      if (now - last_beat >= hb) {
        last_beat = now;
        send(tag_beat, 0, {});
      }
      if (now - heard > 4 * hb)
        give_up("the root sent nothing for 4 heartbeats of " +
                std::to_string(hb.count()) +
                " ms: it died or hangs; this rank ends so that the job does not run on");
    }
    if (stopping && !busy) {
      send(tag_stop, 0, {});
      break;
    }
    if (did) {
      idle.active();
      continue;
    }
    std::optional<std::chrono::microseconds> limit;
    if (beating)
      limit = std::chrono::duration_cast<std::chrono::microseconds>(hb);
    idle.pause(true, wake_, seen, limit);
  }
  if (runner_thread.joinable()) {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    work_.notify_all();
    runner_thread.join();
  }
  isolated_.reset();
  return 0;
}

} // namespace

int serve(MPI_Comm comm, int root, std::string const& who) {
  try {
    worker_rank w(comm, root, who);
    return w.run();
  } catch (std::exception const& e) {
    std::fprintf(stderr, "concurrent-futures %s worker: %s\n", who.c_str(), e.what());
    std::fflush(stderr);
    std::_Exit(1);
  }
}

} // namespace concurrent::futures::detail::mpi
