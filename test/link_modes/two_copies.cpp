//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Two copies of the static library in one process: this program's, and
// one inside a shared library that links it privately (a plugin built
// against the static library). A task allocated by one copy may be freed
// by the other (a future handed across); each copy numbers its threads'
// caches from 1, so a slab's owner id alone would take the other copy's
// slab for its own, and hand its memory out twice.

#define BOOST_TEST_MODULE link_modes_two_copies
#include "second_copy.hpp"

#include <concurrent/futures/detail/task_memory.hpp>

#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <cstring>
#include <set>
#include <vector>

namespace cfd = concurrent::futures::detail;

namespace {

struct copy_ops {
  void* (*allocate)(std::size_t);
  void (*free)(void*, std::size_t) noexcept;
};

copy_ops const ours{cfd::allocate_task_memory, cfd::free_task_memory};
copy_ops const theirs{second_copy_allocate, second_copy_free};

// Blocks from `by`, freed by `other`; then both copies carve past a slab's
// worth, every block alive at once: no address may come out twice, and
// each keeps what was written to it.
void cross_free_then_check(copy_ops const& by, copy_ops const& other, std::size_t size) {
  std::vector<void*> crossing;
  for (int i = 0; i < 100; ++i)
    crossing.push_back(by.allocate(size));
  for (void* p : crossing)
    other.free(p, size);

  std::vector<std::pair<void*, copy_ops const*>> live;
  for (int i = 0; i < 3000; ++i) {
    live.emplace_back(by.allocate(size), &by);
    live.emplace_back(other.allocate(size), &other);
  }
  std::set<void*> seen;
  for (std::size_t i = 0; i < live.size(); ++i) {
    BOOST_TEST_REQUIRE(seen.insert(live[i].first).second,
                       "block " << i << " handed out twice");
    std::memset(live[i].first, static_cast<int>(i & 0xff), size);
  }
  for (std::size_t i = 0; i < live.size(); ++i) {
    auto const* bytes = static_cast<unsigned char const*>(live[i].first);
    BOOST_TEST_REQUIRE(bytes[size - 1] == static_cast<unsigned char>(i & 0xff));
  }
  for (auto& [p, ops] : live)
    ops->free(p, size);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_block_freed_by_the_other_copy_is_handed_out_once) {
  // Each copy's first cache, this thread's, gets id 1 in both.
  ours.free(ours.allocate(64), 64);
  theirs.free(theirs.allocate(64), 64);
  cross_free_then_check(theirs, ours, 64);
  cross_free_then_check(ours, theirs, 64);
  cross_free_then_check(theirs, ours, 448);
  cross_free_then_check(ours, theirs, 448);
}
