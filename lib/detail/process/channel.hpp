//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_CHANNEL_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_CHANNEL_HPP

// The memory one worker process shares with the pool: a control block and
// two single-producer single-consumer byte rings (requests to the worker,
// results back). One memfd per worker, mapped with Boost.Interprocess.
//
// Why no lock: a process may die anywhere (SIGKILL, segfault). A record
// becomes visible through one release store of the ring's head, so a writer
// killed half-way has published nothing, and there is no lock for it to
// leave held. (Boost.Interprocess 1.81 mutexes and message queues are left
// unusable for good when their owner dies: see docs/internals.md.)
//
// Wake-ups follow one rule both ways: the side about to sleep says so in a
// flag, fences, and looks again; the side that publishes fences and wakes
// the peer only if the flag is set. The worker sleeps on a futex in the
// shared memory; the pool's thread sleeps in epoll, so the worker wakes it
// with the pool's eventfd (the doorbell).

#include <boost/interprocess/mapped_region.hpp>

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <span>
#include <vector>

namespace concurrent::futures::detail::process {

inline constexpr std::uint64_t channel_magic = 0x63662d70726f6301; // "cf-proc" v1

// Futexes between processes: not the _PRIVATE flavour.
inline bool shared_futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                              timespec const* relative) noexcept {
  long r = ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT,
                     expected, relative, nullptr, 0);
  return !(r == -1 && errno == ETIMEDOUT);
}

inline void shared_futex_wake(std::atomic<std::uint32_t>& word) noexcept {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE, INT_MAX,
            nullptr, nullptr, 0);
}

/// Record kinds.
enum class record_kind : std::uint16_t {
  padding = 0, // fills the ring's end when a record does not fit before it
  call = 1,    // parent -> worker: a call to run
  stop = 2,    // parent -> worker: exit once the calls before it ran
  hello = 3,   // worker -> parent: started (its pid, or why it cannot run)
  reply = 4,   // worker -> parent: a call's outcome
};

/// Record flags.
enum : std::uint16_t {
  record_more = 1,     // the message goes on in the next record
  record_retiring = 2, // reply: the worker exits after this one (max_tasks_per_child)
};

struct record_header {
  std::uint32_t size; // payload bytes after the header
  record_kind kind;
  std::uint16_t flags;
};
static_assert(sizeof(record_header) == 8);

struct alignas(64) ring_indices {
  std::atomic<std::uint64_t> head{0}; // bytes written (producer)
  char pad0_[56];
  std::atomic<std::uint64_t> tail{0}; // bytes consumed (consumer)
  char pad1_[56];
};

/// The control block at the start of the shared memory.
struct channel_header {
  std::uint64_t magic;
  std::uint32_t ring_bytes; // each ring; a power of two
  std::uint32_t setup_bytes;
  std::int32_t worker_pid;

  // Worker asleep waiting for a request; `request_signal` is its futex.
  alignas(64) std::atomic<std::uint32_t> worker_sleeping{0};
  std::atomic<std::uint32_t> request_signal{0};
  // Worker asleep waiting for room in the result ring; `space_signal` is its
  // futex.
  alignas(64) std::atomic<std::uint32_t> worker_waiting_space{0};
  std::atomic<std::uint32_t> space_signal{0};
  // The pool is not polling this channel: the worker rings the doorbell on
  // its next reply (or when it frees request space the pool waits for).
  alignas(64) std::atomic<std::uint32_t> parent_waiting{0};
  // The pool has a message it could not fit in the request ring: the worker
  // rings the doorbell once it has made room.
  std::atomic<std::uint32_t> parent_wants_space{0};

  ring_indices requests;
  ring_indices results;
};

/// One direction of a channel, seen by one side.
class ring {
public:
  ring() = default;
  ring(ring_indices* indices, std::byte* data, std::uint32_t bytes) noexcept
      : indices_(indices), data_(data), mask_(bytes - 1), bytes_(bytes) {}

  /// The largest payload one record carries; longer messages are split.
  std::uint32_t max_record() const noexcept { return bytes_ / 4; }

  // --- producer ---

  /// Writes one record if it fits now; false leaves the ring unchanged.
  bool try_write(record_kind kind, std::uint16_t flags, std::span<std::byte const> a,
                 std::span<std::byte const> b = {}) noexcept {
    std::uint32_t const size = static_cast<std::uint32_t>(a.size() + b.size());
    std::uint64_t const need = round8(sizeof(record_header) + size);
    std::uint64_t head = indices_->head.load(std::memory_order_relaxed);
    std::uint64_t const tail = indices_->tail.load(std::memory_order_acquire);
    std::uint64_t const to_end = bytes_ - (head & mask_);
    std::uint64_t const pad = need > to_end ? to_end : 0;
    if (head + pad + need - tail > bytes_)
      return false;
    if (pad != 0) {
      record_header h{static_cast<std::uint32_t>(pad - sizeof(record_header)),
                      record_kind::padding, 0};
      std::memcpy(data_ + (head & mask_), &h, sizeof h);
      head += pad;
    }
    record_header h{size, kind, flags};
    std::byte* p = data_ + (head & mask_);
    std::memcpy(p, &h, sizeof h);
    if (!a.empty())
      std::memcpy(p + sizeof h, a.data(), a.size());
    if (!b.empty())
      std::memcpy(p + sizeof h + a.size(), b.data(), b.size());
    indices_->head.store(head + need, std::memory_order_release);
    return true;
  }

  /// True when nothing written is left unread (producer's view).
  bool drained() const noexcept {
    return indices_->tail.load(std::memory_order_acquire) ==
           indices_->head.load(std::memory_order_relaxed);
  }

  // --- consumer ---

  /// The next record, or null when the ring is empty. Checks the bounds: a
  /// record that does not fit the ring means the peer wrote garbage.
  struct view {
    record_header header{};
    std::span<std::byte const> payload;
    std::uint64_t next = 0; // the tail once this record is consumed
  };

  bool peek(view& out) const noexcept { return read_at(tail(), out); }

  /// The record at `pos` (a position from `peek` or an earlier `read_at`,
  /// padding skipped), without consuming anything; false at the head.
  bool read_at(std::uint64_t pos, view& out) const noexcept {
    for (;;) {
      std::uint64_t const head = indices_->head.load(std::memory_order_acquire);
      if (pos == head)
        return false;
      record_header h;
      std::memcpy(&h, data_ + (pos & mask_), sizeof h);
      std::uint64_t const len = round8(sizeof h + std::uint64_t{h.size});
      if (h.size > bytes_ || (pos & mask_) + len > bytes_ || pos + len > head) {
        out.header = record_header{0, record_kind::padding, 0xffff}; // corrupt
        return true;
      }
      if (h.kind == record_kind::padding) {
        pos += len;
        continue;
      }
      out.header = h;
      out.payload = {data_ + (pos & mask_) + sizeof h, h.size};
      out.next = pos + len;
      return true;
    }
  }

  /// Where the consumer stands.
  std::uint64_t tail() const noexcept {
    return indices_->tail.load(std::memory_order_relaxed);
  }

  /// Frees the record `peek` returned.
  void consume(view const& v) noexcept {
    indices_->tail.store(v.next, std::memory_order_release);
  }

  /// True when there is nothing to read (consumer's view).
  bool empty() const noexcept {
    return indices_->head.load(std::memory_order_acquire) ==
           indices_->tail.load(std::memory_order_relaxed);
  }

  static bool corrupt(view const& v) noexcept {
    return v.header.kind == record_kind::padding && v.header.flags == 0xffff;
  }

private:
  static std::uint64_t round8(std::uint64_t n) noexcept {
    return (n + 7) & ~std::uint64_t{7};
  }

  ring_indices* indices_ = nullptr;
  std::byte* data_ = nullptr;
  std::uint64_t mask_ = 0;
  std::uint32_t bytes_ = 0;
};

/// Writes one message as records, as many as fit now; `offset` says how much
/// was written before. Returns true once the whole message is in the ring.
inline bool write_message(ring& r, record_kind kind, std::uint16_t flags,
                          std::span<std::byte const> message,
                          std::size_t& offset) noexcept {
  if (message.empty()) {
    if (!r.try_write(kind, flags, {}))
      return false;
    offset = 0;
    return true;
  }
  while (offset < message.size()) {
    std::size_t const n = std::min<std::size_t>(message.size() - offset, r.max_record());
    bool const last = offset + n == message.size();
    std::uint16_t const f =
        last ? flags : static_cast<std::uint16_t>(flags | record_more);
    if (!r.try_write(kind, f, message.subspan(offset, n)))
      return false;
    offset += n;
  }
  return true;
}

/// A mapped channel: the header and both rings.
class channel {
public:
  static constexpr std::uint32_t default_ring_bytes = 256 * 1024;
  static constexpr std::size_t setup_offset = 4096;

  static std::size_t region_size(std::uint32_t ring_bytes, std::uint32_t setup_bytes) {
    std::size_t const rings_at = (setup_offset + setup_bytes + 4095) & ~std::size_t{4095};
    return rings_at + 2 * std::size_t{ring_bytes};
  }

  channel() = default;
  explicit channel(boost::interprocess::mapped_region region)
      : region_(std::move(region)) {
    auto* base = static_cast<std::byte*>(region_.get_address());
    header_ = reinterpret_cast<channel_header*>(base);
    std::size_t const rings_at =
        (setup_offset + header_->setup_bytes + 4095) & ~std::size_t{4095};
    requests_ = ring(&header_->requests, base + rings_at, header_->ring_bytes);
    results_ = ring(&header_->results, base + rings_at + header_->ring_bytes,
                    header_->ring_bytes);
  }

  channel_header& header() const noexcept { return *header_; }
  ring& requests() noexcept { return requests_; }
  ring& results() noexcept { return results_; }
  std::span<std::byte const> setup() const noexcept {
    auto* base = static_cast<std::byte const*>(region_.get_address());
    return {base + setup_offset, header_->setup_bytes};
  }
  std::size_t size() const noexcept { return region_.get_size(); }

private:
  boost::interprocess::mapped_region region_;
  channel_header* header_ = nullptr;
  ring requests_;
  ring results_;
};

} // namespace concurrent::futures::detail::process

#endif
