//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_TEST_LINK_MODES_SECOND_COPY_HPP
#define CONCURRENT_FUTURES_TEST_LINK_MODES_SECOND_COPY_HPP

#include <cstddef>

// A shared library with a copy of the static library of its own, hidden
// from the program (which has another): these reach that copy's task
// memory.
void* second_copy_allocate(std::size_t size);
void second_copy_free(void* block, std::size_t size) noexcept;

#endif
