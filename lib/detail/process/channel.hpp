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

#include <boost/config.hpp>
#include <boost/interprocess/mapped_region.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace concurrent::futures::detail::process {

inline constexpr std::uint64_t channel_magic = 0x63662d70726f6302; // "cf-proc" v2

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
  record_known_flags = record_more | record_retiring,
};

/// Every record starts with this. `id` numbers the calls a worker was given
/// (1, 2, ...): a call and its reply, and every record of either, carry the
/// call's number; padding, stop and hello carry 0. The number is what lets
/// the pool tell a reply from a stale record or another call's reply.
struct record_header {
  std::uint32_t size; // payload bytes after the header
  record_kind kind;
  std::uint16_t flags;
  std::uint64_t id;
};
static_assert(sizeof(record_header) == 16);

/// Records start at multiples of this; so does any index a peer publishes.
inline constexpr std::uint64_t record_alignment = 16;

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
  // What a spawned worker checks against the secret in its role variable:
  // proof that the pool which started it made this memory.
  std::uint8_t secret[16];

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
/**
 * Each side keeps its own index in private memory (the producer its head,
 * the consumer its tail) and only publishes it; the peer's index, and every
 * record header, are read from the shared memory and checked before use.
 * The peer is another process that runs user code: a stray pointer there
 * can write anything into this memory, and what it wrote must end as a
 * reported fault, never as an out-of-bounds read, a stale record taken for
 * a new one, or a loop. The checks: indices move forward only, stay on
 * record boundaries, and never more than the ring apart; a record fits the
 * ring, ends before the head, has a known kind and flags; padding runs
 * exactly to the ring's end; our own published index is still ours.
 */
class ring {
public:
  ring() = default;
  ring(ring_indices* indices, std::byte* data, std::uint32_t bytes) noexcept
      : indices_(indices), data_(data), mask_(bytes - 1), bytes_(bytes) {}

  /// The largest payload one record carries; longer messages are split.
  std::uint32_t max_record() const noexcept { return bytes_ / 4; }

  /// Why the last call returned `corrupt`.
  std::string const& fault() const noexcept { return fault_; }

  // --- producer ---

  enum class write_result { written, full, corrupt };

  /// Writes one record if it fits now; otherwise leaves the ring unchanged.
  write_result try_write(record_kind kind, std::uint16_t flags, std::uint64_t id,
                         std::span<std::byte const> a,
                         std::span<std::byte const> b = {}) {
    if (!own_head_sound())
      return write_result::corrupt;
    std::uint32_t const size = static_cast<std::uint32_t>(a.size() + b.size());
    std::uint64_t const need = align(sizeof(record_header) + size);
    std::uint64_t const to_end = bytes_ - (head_ & mask_);
    std::uint64_t const pad = need > to_end ? to_end : 0;
    // The consumer's tail only moves forward, so the one read last is a
    // safe bound until the record does not fit behind it: only then is the
    // tail read (and checked) again. Reading it on every write took the
    // cache line the consumer writes on every read, a miss per record.
    if (head_ + pad + need - tail_seen_ > bytes_) {
      std::uint64_t const tail = indices_->tail.load(std::memory_order_acquire);
      if (!tail_sound(tail))
        return write_result::corrupt;
      tail_seen_ = tail;
      if (head_ + pad + need - tail > bytes_)
        return write_result::full;
    }
    std::uint64_t head = head_;
    if (pad != 0) {
      record_header const h{static_cast<std::uint32_t>(pad - sizeof(record_header)),
                            record_kind::padding, 0, 0};
      std::memcpy(data_ + (head & mask_), &h, sizeof h);
      head += pad;
    }
    record_header const h{size, kind, flags, id};
    std::byte* p = data_ + (head & mask_);
    std::memcpy(p, &h, sizeof h);
    if (!a.empty())
      std::memcpy(p + sizeof h, a.data(), a.size());
    if (!b.empty())
      std::memcpy(p + sizeof h + a.size(), b.data(), b.size());
    head_ = head + need;
    indices_->head.store(head_, std::memory_order_release);
    return write_result::written;
  }

  /// True when the consumer has read everything written (producer's view).
  bool drained() const noexcept {
    return indices_->tail.load(std::memory_order_acquire) == head_;
  }

  // --- consumer ---

  /// A record: its header (copied out of the shared memory, so it cannot
  /// change after the checks), its payload in the ring, and where the next
  /// record starts.
  struct view {
    record_header header{};
    std::span<std::byte const> payload;
    std::uint64_t next = 0; // the tail once this record is consumed
  };

  enum class read_result { record, empty, corrupt };

  /// The next record to consume, padding skipped.
  read_result peek(view& out) { return read_at(tail_, out); }

  /// The record at `pos` (the tail, or a `next` an earlier read returned),
  /// without consuming anything.
  read_result read_at(std::uint64_t pos, view& out) {
    std::uint64_t const own = indices_->tail.load(std::memory_order_relaxed);
    if (own != tail_)
      return overwritten("read", own, tail_);
    std::uint64_t const head = indices_->head.load(std::memory_order_acquire);
    if (head < head_seen_ || head - tail_ > bytes_ || head % record_alignment != 0)
      return moved("write", head, head_seen_, "read", tail_);
    head_seen_ = head;
    for (;;) {
      if (pos == head)
        return read_result::empty;
      record_header h;
      std::memcpy(&h, data_ + (pos & mask_), sizeof h);
      std::uint64_t const len = align(sizeof h + std::uint64_t{h.size});
      std::uint64_t const offset = pos & mask_;
      if (h.size > bytes_ || offset + len > bytes_ || pos + len > head)
        return bad_record("does not fit in the ring before the write index", pos, h,
                          head);
      if (h.kind == record_kind::padding) {
        if (offset + len != bytes_ || h.flags != 0 || h.id != 0)
          return bad_record("is padding that does not run to the ring's end", pos, h,
                            head);
        pos += len;
        continue;
      }
      if (h.kind > record_kind::reply || (h.flags & ~record_known_flags) != 0 ||
          h.size > max_record())
        return bad_record("has a kind, flags or size no writer makes", pos, h, head);
      out.header = h;
      out.payload = {data_ + offset + sizeof h, h.size};
      out.next = pos + len;
      return read_result::record;
    }
  }

  /// Where the consumer stands.
  std::uint64_t tail() const noexcept { return tail_; }

  /// Frees everything up to the end of `v` (a record `peek` or `read_at`
  /// returned).
  void consume(view const& v) noexcept {
    tail_ = v.next;
    indices_->tail.store(tail_, std::memory_order_release);
  }

  /// True when there is nothing to read (consumer's view). A hint for
  /// polling; `peek` checks what it reads.
  bool empty() const noexcept {
    return indices_->head.load(std::memory_order_acquire) == tail_;
  }

private:
  static std::uint64_t align(std::uint64_t n) noexcept {
    return (n + record_alignment - 1) & ~(record_alignment - 1);
  }

  // The faults' texts, out of line: the checks above stay a few compares
  // on the path every record takes.
  BOOST_NOINLINE read_result overwritten(char const* which, std::uint64_t found,
                                         std::uint64_t ours) {
    fault_ =
        std::string("its ") + which +
        " index (which only this side writes) was overwritten: " + std::to_string(found) +
        " instead of " + std::to_string(ours);
    return read_result::corrupt;
  }

  BOOST_NOINLINE read_result moved(char const* which, std::uint64_t to, std::uint64_t was,
                                   char const* other, std::uint64_t at) {
    fault_ = std::string("its ") + which + " index moved to " + std::to_string(to) +
             " (it was " + std::to_string(was) + ", the " + other + " index is " +
             std::to_string(at) + ", the ring holds " + std::to_string(bytes_) +
             " bytes)";
    return read_result::corrupt;
  }

  BOOST_NOINLINE read_result bad_record(char const* what, std::uint64_t pos,
                                        record_header const& h, std::uint64_t head) {
    fault_ = "the record at " + std::to_string(pos) + " (kind " +
             std::to_string(static_cast<unsigned>(h.kind)) + ", flags " +
             std::to_string(h.flags) + ", " + std::to_string(h.size) +
             " bytes; the write index is " + std::to_string(head) + ") " + what;
    return read_result::corrupt;
  }

  // The producer's head is still ours; the consumer's tail, when the
  // producer reads it, lies between what it saw before and the head, on a
  // record boundary.
  bool own_head_sound() {
    std::uint64_t const own = indices_->head.load(std::memory_order_relaxed);
    if (own != head_) {
      overwritten("write", own, head_);
      return false;
    }
    return true;
  }
  bool tail_sound(std::uint64_t tail) {
    if (tail < tail_seen_ || tail > head_ || tail % record_alignment != 0) {
      moved("read", tail, tail_seen_, "write", head_);
      return false;
    }
    return true;
  }

  ring_indices* indices_ = nullptr;
  std::byte* data_ = nullptr;
  std::uint64_t mask_ = 0;
  std::uint32_t bytes_ = 0;
  std::uint64_t head_ = 0;      // producer: where the next record goes
  std::uint64_t tail_seen_ = 0; // producer: the consumer's tail last read
  std::uint64_t tail_ = 0;      // consumer: where the next record starts
  std::uint64_t head_seen_ = 0; // consumer: the producer's head last read
  std::string fault_;
};

/// A message longer than one record is split, and its first record's
/// payload starts with the message's size in these many bytes: a reader can
/// decode the message as its records arrive (a large reply goes straight
/// into its value, never gathered whole) and check that they add up.
inline constexpr std::size_t split_prefix = sizeof(std::uint64_t);

/// Writes one message as records, as many as fit now; `offset` says how much
/// was written before. `written` once the whole message is in the ring.
inline ring::write_result write_message(ring& r, record_kind kind, std::uint16_t flags,
                                        std::uint64_t id,
                                        std::span<std::byte const> message,
                                        std::size_t& offset) {
  if (message.empty()) {
    auto const w = r.try_write(kind, flags, id, {});
    if (w == ring::write_result::written)
      offset = 0;
    return w;
  }
  bool const split = message.size() > r.max_record();
  std::uint64_t const total = message.size();
  while (offset < message.size()) {
    bool const first = split && offset == 0;
    std::size_t const room = r.max_record() - (first ? split_prefix : 0);
    std::size_t const n = std::min<std::size_t>(message.size() - offset, room);
    bool const last = offset + n == message.size();
    std::uint16_t const f =
        last ? flags : static_cast<std::uint16_t>(flags | record_more);
    auto const w = first ? r.try_write(kind, f, id, std::as_bytes(std::span(&total, 1)),
                                       message.subspan(0, n))
                         : r.try_write(kind, f, id, message.subspan(offset, n));
    if (w != ring::write_result::written)
      return w;
    offset += n;
  }
  return ring::write_result::written;
}

/// The size a split message's first record gives, or 0 when the record
/// gives none beyond its own payload (no writer makes that).
inline std::uint64_t split_size(std::span<std::byte const> first_payload) noexcept {
  if (first_payload.size() < split_prefix)
    return 0;
  std::uint64_t total;
  std::memcpy(&total, first_payload.data(), sizeof total);
  return total > first_payload.size() - split_prefix ? total : 0;
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

  /// The parent's view of memory it has just laid out, or a worker's view
  /// of memory whose layout `layout_fault` accepted.
  explicit channel(boost::interprocess::mapped_region region)
      : region_(std::move(region)) {
    auto* base = static_cast<std::byte*>(region_.get_address());
    header_ = reinterpret_cast<channel_header*>(base);
    ring_bytes_ = header_->ring_bytes;
    setup_bytes_ = header_->setup_bytes;
    std::size_t const rings_at =
        (setup_offset + setup_bytes_ + 4095) & ~std::size_t{4095};
    requests_ = ring(&header_->requests, base + rings_at, ring_bytes_);
    results_ = ring(&header_->results, base + rings_at + ring_bytes_, ring_bytes_);
  }

  /// Why `region` is not a channel a pool laid out (empty if it is): the
  /// magic, and sizes that fit the mapping.
  static std::string layout_fault(boost::interprocess::mapped_region const& region) {
    if (region.get_size() < setup_offset)
      return "the shared memory is too small to be a channel";
    auto const* h = static_cast<channel_header const*>(region.get_address());
    if (h->magic != channel_magic)
      return "the shared memory is not a channel of this library's version";
    std::uint32_t const rb = h->ring_bytes;
    if (rb < 4096 || (rb & (rb - 1)) != 0 ||
        region_size(rb, h->setup_bytes) > region.get_size())
      return "the channel's sizes do not fit its shared memory";
    return {};
  }

  channel_header& header() const noexcept { return *header_; }
  ring& requests() noexcept { return requests_; }
  ring& results() noexcept { return results_; }
  std::span<std::byte const> setup() const noexcept {
    auto* base = static_cast<std::byte const*>(region_.get_address());
    return {base + setup_offset, setup_bytes_};
  }
  std::size_t size() const noexcept { return region_.get_size(); }

  /// The bytes of each ring (for tests that write into them).
  std::span<std::byte> request_bytes() const noexcept {
    return {ring_base(), ring_bytes_};
  }
  std::span<std::byte> result_bytes() const noexcept {
    return {ring_base() + ring_bytes_, ring_bytes_};
  }

private:
  std::byte* ring_base() const noexcept {
    return static_cast<std::byte*>(region_.get_address()) +
           ((setup_offset + setup_bytes_ + 4095) & ~std::size_t{4095});
  }

  boost::interprocess::mapped_region region_;
  channel_header* header_ = nullptr;
  std::uint32_t ring_bytes_ = 0; // read once: the peer may change the header
  std::uint32_t setup_bytes_ = 0;
  ring requests_;
  ring results_;
};

} // namespace concurrent::futures::detail::process

#endif
