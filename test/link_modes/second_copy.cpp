//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "second_copy.hpp"

#include <concurrent/futures/detail/task_memory.hpp>

void* second_copy_allocate(std::size_t size) {
  return concurrent::futures::detail::allocate_task_memory(size);
}

void second_copy_free(void* block, std::size_t size) noexcept {
  concurrent::futures::detail::free_task_memory(block, size);
}
