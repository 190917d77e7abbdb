//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// The memory every submit takes its task from (detail/task_memory.hpp):
// blocks stay distinct and keep their bytes whoever frees them, memory goes
// back to the system when its blocks do, also after the thread that carved
// it has exited, and a thread_local destructor that runs after the thread's
// own cache went still gets memory. The sanitizer runs check the
// hand-overs between threads (AddressSanitizer builds bypass the slabs, so
// the slab counts are only checked elsewhere).
#include <concurrent/futures/detail/task_memory.hpp>
#include <concurrent/futures/thread_pool_executor.hpp>

#include "support/test_support.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace utf = boost::unit_test;
namespace detail = cf::detail;

namespace {

struct held {
  unsigned char* p;
  std::size_t size;
  std::uint32_t tag;
};

held make_block(std::size_t size, std::uint32_t tag) {
  auto* p = static_cast<unsigned char*>(detail::allocate_task_memory(size));
  for (std::size_t i = 0; i < size; ++i)
    p[i] = static_cast<unsigned char>(tag * 31 + i);
  return {p, size, tag};
}

bool intact(held const& b) {
  for (std::size_t i = 0; i < b.size; ++i)
    if (b.p[i] != static_cast<unsigned char>(b.tag * 31 + i))
      return false;
  return true;
}

void free_block(held const& b) {
  detail::free_task_memory(b.p, b.size);
}

// Sizes across every class, both edges of each, and past the largest.
std::size_t size_for(std::uint32_t i) {
  static constexpr std::size_t sizes[] = {1,   8,   63,  64,  65,  100, 128, 129, 191,
                                          192, 255, 320, 448, 511, 512, 513, 600, 1024};
  return sizes[i % std::size(sizes)];
}

bool slabs_in_use() {
  // An AddressSanitizer build hands out operator new's blocks.
  held const b = make_block(64, 0);
  bool const slabs = detail::task_memory_slabs() > 0;
  free_block(b);
  return slabs;
}

} // namespace

BOOST_AUTO_TEST_SUITE(task_memory)

BOOST_AUTO_TEST_CASE(blocks_are_distinct_aligned_and_keep_their_bytes,
                     *utf::timeout(60)) {
  std::vector<held> blocks;
  for (std::uint32_t i = 0; i < 20000; ++i) {
    blocks.push_back(make_block(size_for(i), i));
    BOOST_TEST_REQUIRE(reinterpret_cast<std::uintptr_t>(blocks.back().p) %
                           alignof(std::max_align_t) ==
                       0u);
  }
  BOOST_TEST(std::all_of(blocks.begin(), blocks.end(), intact));
  std::mt19937 rng(7);
  std::shuffle(blocks.begin(), blocks.end(), rng);
  // Half freed, then as many again taken: reused blocks overlap no live one.
  for (std::size_t i = 0; i < blocks.size() / 2; ++i)
    free_block(blocks[i]);
  blocks.erase(blocks.begin(), blocks.begin() + static_cast<long>(blocks.size() / 2));
  for (std::uint32_t i = 0; i < 10000; ++i)
    blocks.push_back(make_block(size_for(i * 7), 100000 + i));
  BOOST_TEST(std::all_of(blocks.begin(), blocks.end(), intact));
  for (auto const& b : blocks)
    free_block(b);
}

BOOST_AUTO_TEST_CASE(blocks_freed_by_other_threads_come_back, *utf::timeout(120)) {
  // One thread allocates; two others check and free what it hands them.
  // At most `window` blocks are out at once, so a cache that took nothing
  // back would need about 4000 slabs for the 2M blocks.
  constexpr std::uint32_t total = 2'000'000;
  constexpr std::size_t window = 1000;
  std::mutex m;
  std::condition_variable cv;
  std::deque<held> queue;
  bool done = false;
  std::atomic<long> bad{0};
  std::atomic<long> freed{0};
  bool const slabs = slabs_in_use(); // before `before`: this thread's own slab
  std::size_t const before = detail::task_memory_slabs();
  std::size_t most = 0;

  auto consumer = [&] {
    for (;;) {
      held b;
      {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return !queue.empty() || done; });
        if (queue.empty())
          return;
        b = queue.front();
        queue.pop_front();
      }
      cv.notify_all();
      if (!intact(b))
        bad.fetch_add(1);
      free_block(b);
      freed.fetch_add(1);
    }
  };
  std::thread c1(consumer), c2(consumer);
  std::thread producer([&] {
    for (std::uint32_t i = 0; i < total; ++i) {
      held const b = make_block(size_for(i % 3 + 4), i); // 65, 100, 128 bytes
      {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return queue.size() < window; });
        queue.push_back(b);
      }
      cv.notify_all();
      if (i % 4096 == 0)
        most = std::max(most, detail::task_memory_slabs() - before);
    }
    std::lock_guard lock(m);
    done = true;
    cv.notify_all();
  });
  producer.join();
  c1.join();
  c2.join();
  BOOST_TEST(bad.load() == 0);
  BOOST_TEST(freed.load() == static_cast<long>(total));
  BOOST_TEST_MESSAGE("most slabs held at once: " << most);
  if (slabs)
    BOOST_TEST(most <= 40u);
  // The producer exited: its slabs went with the last of their blocks.
  BOOST_TEST(detail::task_memory_slabs() == before);
}

BOOST_AUTO_TEST_CASE(a_thread_that_exits_hands_its_slabs_over, *utf::timeout(60)) {
  bool const slabs = slabs_in_use(); // before `before`: this thread's own slab
  std::size_t const before = detail::task_memory_slabs();
  std::vector<held> blocks;
  std::thread([&] {
    for (std::uint32_t i = 0; i < 50000; ++i)
      blocks.push_back(make_block(size_for(i), i));
    // Some freed by their own thread, the rest outlive it.
    for (std::size_t i = 0; i < blocks.size(); i += 3)
      free_block(blocks[i]);
  }).join();
  std::size_t const held_after_exit = detail::task_memory_slabs() - before;
  if (slabs)
    BOOST_TEST(held_after_exit > 0u);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (i % 3 == 0)
      continue;
    BOOST_TEST_REQUIRE(intact(blocks[i]));
    free_block(blocks[i]);
  }
  BOOST_TEST(detail::task_memory_slabs() == before);
}

BOOST_AUTO_TEST_CASE(emptied_slabs_go_back_while_the_thread_lives, *utf::timeout(60)) {
  bool const slabs = slabs_in_use(); // before `before`: this thread's own slab
  std::size_t const before = detail::task_memory_slabs();
  std::size_t peak = 0;
  std::size_t after_free = 0;
  std::thread([&] {
    std::vector<held> blocks;
    for (std::uint32_t i = 0; i < 100000; ++i)
      blocks.push_back(make_block(100, i));
    peak = detail::task_memory_slabs() - before;
    for (auto const& b : blocks)
      free_block(b);
    after_free = detail::task_memory_slabs() - before;
  }).join();
  if (slabs) {
    BOOST_TEST(peak >= 100000u * 128 / (64 * 1024));
    BOOST_TEST(after_free == 1u); // the one it carves from
  }
  BOOST_TEST(detail::task_memory_slabs() == before);
}

namespace {

// Constructed before the thread's cache, so destroyed after it.
struct late_user {
  std::vector<held>* out = nullptr;
  bool armed = false;
  ~late_user() {
    if (!armed)
      return;
    for (std::uint32_t i = 0; i < 2000; ++i)
      out->push_back(make_block(size_for(i), 500000 + i));
  }
};
thread_local late_user late;

} // namespace

BOOST_AUTO_TEST_CASE(thread_local_destructors_still_get_memory, *utf::timeout(60)) {
  (void)slabs_in_use(); // before `before`: this thread's own slab
  std::size_t const before = detail::task_memory_slabs();
  std::vector<held> blocks;
  std::thread([&] {
    late.out = &blocks; // constructs `late` first
    late.armed = true;
    for (std::uint32_t i = 0; i < 1000; ++i)
      blocks.push_back(make_block(size_for(i), i));
  }).join();
  BOOST_TEST(blocks.size() == 3000u);
  BOOST_TEST(std::all_of(blocks.begin(), blocks.end(), intact));
  // The late blocks came from the shared cache, whose slabs stay; the rest
  // went back with their last block.
  for (auto const& b : blocks)
    free_block(b);
  std::size_t const shared_cache = detail::task_memory_slabs() - before;
  BOOST_TEST(shared_cache <= 16u);
}

BOOST_AUTO_TEST_CASE(blocks_cross_between_short_lived_threads, *utf::timeout(120)) {
  // Threads come and go, each freeing blocks others made (some of them
  // gone by then) and leaving its own to the next: every hand-over the
  // cache has, raced.
  (void)slabs_in_use(); // before `before`: this thread's own slab
  std::size_t const before = detail::task_memory_slabs();
  std::mutex m;
  std::vector<held> pool;
  std::atomic<long> bad{0};
  for (int generation = 0; generation < 20; ++generation) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        std::mt19937 rng(static_cast<unsigned>(generation * 16 + t));
        std::vector<held> mine;
        for (std::uint32_t i = 0; i < 5000; ++i) {
          mine.push_back(make_block(size_for(rng()), rng()));
          if (rng() % 2 == 0) {
            held b;
            {
              std::lock_guard lock(m);
              if (pool.empty())
                continue;
              b = pool.back();
              pool.pop_back();
            }
            if (!intact(b))
              bad.fetch_add(1);
            free_block(b);
          }
          if (rng() % 3 == 0) {
            std::size_t const k = rng() % mine.size();
            if (!intact(mine[k]))
              bad.fetch_add(1);
            free_block(mine[k]);
            mine[k] = mine.back();
            mine.pop_back();
          }
        }
        std::lock_guard lock(m);
        pool.insert(pool.end(), mine.begin(), mine.end());
      });
    for (auto& t : threads)
      t.join();
  }
  for (auto const& b : pool) {
    if (!intact(b))
      bad.fetch_add(1);
    free_block(b);
  }
  BOOST_TEST(bad.load() == 0);
  BOOST_TEST(detail::task_memory_slabs() == before);
}

BOOST_AUTO_TEST_CASE(futures_outlive_the_thread_that_submitted, *utf::timeout(60)) {
  // The task's memory was carved by a thread that is gone when the value
  // is read and the future dropped.
  cf::thread_pool_executor pool{{.max_workers = 2}};
  std::vector<cf::future<std::string>> futures;
  std::thread([&] {
    for (int i = 0; i < 10000; ++i)
      futures.push_back(pool.submit([i] { return std::string(40, char('a' + i % 26)); }));
  }).join();
  for (int i = 0; i < 10000; ++i)
    BOOST_TEST_REQUIRE(futures[static_cast<std::size_t>(i)].result() ==
                       std::string(40, char('a' + i % 26)));
  futures.clear();
}

namespace {
struct alignas(128) wide {
  int value;
};
} // namespace

BOOST_AUTO_TEST_CASE(over_aligned_calls_keep_their_alignment, *utf::timeout(60)) {
  // Beyond operator new's alignment the task takes the aligned global new.
  cf::thread_pool_executor pool{{.max_workers = 2}};
  std::vector<cf::future<int>> futures;
  for (int i = 0; i < 1000; ++i)
    futures.push_back(pool.submit([w = wide{i}] {
      return reinterpret_cast<std::uintptr_t>(&w) % alignof(wide) == 0 ? w.value : -1;
    }));
  for (int i = 0; i < 1000; ++i)
    BOOST_TEST_REQUIRE(futures[static_cast<std::size_t>(i)].result() == i);
}

BOOST_AUTO_TEST_SUITE_END()
