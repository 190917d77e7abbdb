//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Why not malloc: a submit allocates one block and its future frees it, and
// the 100k-task throughput run spent 310 of its 778 instructions per task in
// malloc and free (callgrind; bench/README.md). glibc's per-thread cache
// holds 7 blocks per size, so a burst of submits goes through the arena:
// carving the top chunk, then binning every free. Here a block is a pointer
// bump or a pop, and a free a push.
//
// Layout: 64 KiB slabs aligned to their size, so a block's slab is its
// address with the low bits cleared. A slab serves one size class and has
// one owner, the thread carving it, which alone touches `local_free`,
// `bump` and `used`. Other threads push freed blocks onto `remote_free`
// (lock-free; only the owner takes from it, and it takes the whole list, so
// there is no ABA). `used` counts blocks not back in `local_free`, remote
// frees included until the owner takes them back, so a slab with `used`
// at 0 has nothing anywhere and may go.
//
// When the owner exits, it marks `remote_free` and leaves in `orphan_live`
// the number of blocks still out: each later free counts it down, and the
// free that reaches 0 releases the slab.

#include <concurrent/futures/detail/task_memory.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define CF_TASK_MEMORY_FROM_OPERATOR_NEW 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CF_TASK_MEMORY_FROM_OPERATOR_NEW 1
#endif
#endif

namespace concurrent::futures::detail {

#if defined(CF_TASK_MEMORY_FROM_OPERATOR_NEW)

// AddressSanitizer must see every block to catch a use after free.
void* allocate_task_memory(std::size_t size) {
  return ::operator new(size);
}
// The global deletes here are unsized: clang 14 declares no sized one
// without -fsized-deallocation.
void free_task_memory(void* block, std::size_t) noexcept {
  ::operator delete(block);
}
std::size_t task_memory_slabs() noexcept {
  return 0;
}

#else

namespace {

constexpr std::size_t granule = 64; // also keeps two tasks off one cache line
constexpr std::size_t classes = task_memory_max / granule;
constexpr std::size_t slab_bytes = 64 * 1024;
constexpr std::size_t slab_header = 128;

static_assert(task_memory_max % granule == 0);
static_assert(slab_header % granule == 0);

struct block {
  block* next;
};

constexpr std::size_t block_size(std::size_t size_class) noexcept {
  return (size_class + 1) * granule;
}

struct slab {
  // The owner's alone.
  block* local_free = nullptr;
  char* bump = nullptr;
  char* end = nullptr;
  std::uint32_t used = 0;
  std::uint32_t size_class = 0;
  slab* prev = nullptr; // the owner's list of its slabs of this class
  slab* next = nullptr;
  // The owner's id; 0 once the owner has exited. Only the owner changes it.
  std::atomic<std::uint64_t> owner{0};
  // The copy of this file that made the slab: a program with the library
  // twice (static and shared) has two counters of ids.
  void const* home = nullptr;

  // Every thread's, on a line of their own.
  alignas(64) std::atomic<block*> remote_free{nullptr};
  std::atomic<std::uint32_t> orphan_live{0};
};
static_assert(sizeof(slab) <= slab_header);

// Never a block's address: what `remote_free` holds once the owner exited.
block* orphan_mark() noexcept {
  return reinterpret_cast<block*>(std::uintptr_t{1});
}

slab* slab_of(void* p) noexcept {
  return reinterpret_cast<slab*>(reinterpret_cast<std::uintptr_t>(p) &
                                 ~std::uintptr_t{slab_bytes - 1});
}

std::atomic<std::size_t> slabs_held{0};
std::atomic<std::uint64_t> next_owner_id{1};
void const* const this_copy = &slabs_held;

// Empty slabs wait here for the next one a thread needs instead of going
// back to the system at once. glibc serves a 64 KiB block aligned to 64 KiB
// with mmap, so a free was a munmap (a TLB shootdown across the process'
// threads) and the next slab 16 first-touch page faults: the process pool's
// throughput run (bursts of 20k calls, every burst's futures freed before
// the next) took 66k faults for 2M calls. Process-wide, at most 4 MiB.
constexpr std::size_t spare_max = 64;
std::mutex spare_mutex;
void* spare_top = nullptr; // each spare's first word links the next
std::size_t spare_count = 0;

void* take_spare() noexcept {
  std::lock_guard lock(spare_mutex);
  void* s = spare_top;
  if (s != nullptr) {
    spare_top = *static_cast<void**>(s);
    --spare_count;
  }
  return s;
}

void release_slab(slab* s) noexcept {
  s->~slab();
  slabs_held.fetch_sub(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(spare_mutex);
    if (spare_count < spare_max) {
      *reinterpret_cast<void**>(s) = spare_top;
      spare_top = s;
      ++spare_count;
      return;
    }
  }
  std::free(s);
}

std::uint32_t length(block* list) noexcept {
  std::uint32_t n = 0;
  for (; list != nullptr; list = list->next)
    ++n;
  return n;
}

// A free by a thread that does not own the slab.
void free_remote(slab* s, block* b) noexcept {
  block* head = s->remote_free.load(std::memory_order_acquire);
  for (;;) {
    if (head == orphan_mark()) {
      if (s->orphan_live.fetch_sub(1, std::memory_order_acq_rel) == 1)
        release_slab(s);
      return;
    }
    b->next = head;
    if (s->remote_free.compare_exchange_weak(head, b, std::memory_order_release,
                                             std::memory_order_acquire))
      return;
  }
}

// One owner's slabs: a thread's, or the shared one for threads whose own
// has gone (thread exit).
class slab_cache {
public:
  slab_cache() noexcept : id_(next_owner_id.fetch_add(1, std::memory_order_relaxed)) {}
  slab_cache(slab_cache const&) = delete;
  slab_cache& operator=(slab_cache const&) = delete;

  std::uint64_t id() const noexcept { return id_; }

  void* allocate(std::size_t size_class) {
    if (slab* s = active_[size_class]) [[likely]] {
      if (block* b = s->local_free) {
        s->local_free = b->next;
        ++s->used;
        return b;
      }
      std::size_t const n = block_size(size_class);
      if (static_cast<std::size_t>(s->end - s->bump) >= n) {
        void* p = s->bump;
        s->bump += n;
        ++s->used;
        return p;
      }
    }
    return refill(size_class);
  }

  // `s` is this cache's.
  void free_local(slab* s, block* b) noexcept {
    b->next = s->local_free;
    s->local_free = b;
    if (--s->used == 0 && s != active_[s->size_class]) {
      unlink(s);
      release_slab(s);
    }
  }

  // At thread exit: every slab to whoever frees its last block.
  void orphan_all() noexcept {
    for (std::size_t c = 0; c < classes; ++c) {
      slab* s = head_[c];
      while (s != nullptr) {
        slab* next = s->next;
        s->owner.store(0, std::memory_order_relaxed);
        s->orphan_live.store(s->used, std::memory_order_relaxed);
        std::uint32_t const back =
            length(s->remote_free.exchange(orphan_mark(), std::memory_order_acq_rel));
        if (s->orphan_live.fetch_sub(back, std::memory_order_acq_rel) == back)
          release_slab(s);
        s = next;
      }
      head_[c] = tail_[c] = active_[c] = nullptr;
      count_[c] = 0;
    }
  }

private:
  // Takes back the blocks other threads freed; false if there were none.
  static bool take_remote(slab* s) noexcept {
    if (s->remote_free.load(std::memory_order_relaxed) == nullptr)
      return false;
    block* list = s->remote_free.exchange(nullptr, std::memory_order_acquire);
    std::uint32_t n = 0;
    block* last = nullptr;
    for (block* b = list; b != nullptr; b = b->next) {
      last = b;
      ++n;
    }
    if (n == 0)
      return false;
    last->next = s->local_free;
    s->local_free = list;
    s->used -= n;
    return true;
  }

  static void* pop(slab* s) noexcept {
    block* b = s->local_free;
    s->local_free = b->next;
    ++s->used;
    return b;
  }

  void* refill(std::size_t size_class) {
    slab* const current = active_[size_class];
    if (current != nullptr && take_remote(current))
      return pop(current);
    // Another slab of ours with room, one whose blocks came back: a few
    // looked at per refill, round the list, so a thread with many full
    // slabs does not walk them all each time; empty ones found beyond the
    // one taken go back to the system.
    slab* found = nullptr;
    for (std::size_t i = 0, n = std::min<std::size_t>(count_[size_class], 8); i < n;
         ++i) {
      slab* s = head_[size_class];
      unlink(s);
      push_back(s);
      if (s == current || s == found)
        continue;
      take_remote(s);
      if (s->used == 0 && found != nullptr) {
        unlink(s);
        release_slab(s);
      } else if (found == nullptr && (s->used == 0 || s->local_free != nullptr)) {
        found = s;
      }
    }
    if (found == nullptr)
      found = make_slab(size_class);
    if (found->used == 0) { // all back: carve it afresh, in address order
      found->local_free = nullptr;
      found->bump = reinterpret_cast<char*>(found) + slab_header;
    }
    active_[size_class] = found;
    return allocate(size_class);
  }

  slab* make_slab(std::size_t size_class) {
    void* memory = take_spare();
    if (memory == nullptr)
      memory = std::aligned_alloc(slab_bytes, slab_bytes);
    if (memory == nullptr)
      throw std::bad_alloc();
    slabs_held.fetch_add(1, std::memory_order_relaxed);
    auto* s = ::new (memory) slab;
    s->bump = static_cast<char*>(memory) + slab_header;
    s->end = static_cast<char*>(memory) + slab_bytes;
    s->size_class = static_cast<std::uint32_t>(size_class);
    s->owner.store(id_, std::memory_order_relaxed);
    s->home = this_copy;
    push_back(s);
    return s;
  }

  void push_back(slab* s) noexcept {
    std::size_t const c = s->size_class;
    s->next = nullptr;
    s->prev = tail_[c];
    (tail_[c] ? tail_[c]->next : head_[c]) = s;
    tail_[c] = s;
    ++count_[c];
  }

  void unlink(slab* s) noexcept {
    std::size_t const c = s->size_class;
    (s->prev ? s->prev->next : head_[c]) = s->next;
    (s->next ? s->next->prev : tail_[c]) = s->prev;
    s->prev = s->next = nullptr;
    --count_[c];
  }

  std::uint64_t const id_;
  slab* active_[classes] = {}; // where allocate() carves or pops
  slab* head_[classes] = {};   // every slab of ours, per class
  slab* tail_[classes] = {};
  std::size_t count_[classes] = {};
};

// The calling thread's cache, or null before its first allocation and once
// it has gone. Initial-exec: no __tls_get_addr call on every submit.
[[gnu::tls_model("initial-exec")]] constinit thread_local slab_cache* current = nullptr;
[[gnu::tls_model("initial-exec")]] constinit thread_local bool cache_gone = false;

struct thread_cache_owner {
  slab_cache cache;
  ~thread_cache_owner() {
    current = nullptr;
    cache_gone = true;
    cache.orphan_all();
  }
};

// For allocations in thread_local destructors run after the thread's own
// cache went: shared, under a lock, never destroyed.
struct late_cache {
  std::mutex mutex;
  slab_cache cache;
};
late_cache& late() {
  static late_cache* const c = new late_cache;
  return *c;
}

[[gnu::noinline]] void* allocate_slow(std::size_t size_class) {
  if (!cache_gone) {
    thread_local thread_cache_owner owner;
    current = &owner.cache;
    return owner.cache.allocate(size_class);
  }
  late_cache& l = late();
  std::lock_guard lock(l.mutex);
  return l.cache.allocate(size_class);
}

std::size_t size_class_of(std::size_t size) noexcept {
  return size == 0 ? 0 : (size - 1) / granule;
}

} // namespace

void* allocate_task_memory(std::size_t size) {
  if (size > task_memory_max) [[unlikely]]
    return ::operator new(size);
  std::size_t const c = size_class_of(size);
  if (slab_cache* cache = current) [[likely]]
    return cache->allocate(c);
  return allocate_slow(c);
}

void free_task_memory(void* p, std::size_t size) noexcept {
  if (size > task_memory_max) [[unlikely]] {
    ::operator delete(p);
    return;
  }
  slab* const s = slab_of(p);
  auto* const b = static_cast<block*>(p);
  slab_cache* const cache = current;
  // Only the owner ever stored its id there, and ids are never reused.
  if (cache != nullptr && s->owner.load(std::memory_order_relaxed) == cache->id() &&
      s->home == this_copy)
    cache->free_local(s, b);
  else
    free_remote(s, b);
}

std::size_t task_memory_slabs() noexcept {
  return slabs_held.load(std::memory_order_relaxed);
}

#endif

} // namespace concurrent::futures::detail
