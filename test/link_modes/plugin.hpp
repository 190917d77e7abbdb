//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_TEST_LINK_MODES_PLUGIN_HPP
#define CONCURRENT_FUTURES_TEST_LINK_MODES_PLUGIN_HPP

#include <string>

/// Runs one call on a process pool of `method` (0 forkserver, 1 spawn) from
/// a shared library that alone links libconcurrent_futures.so; returns the
/// call's value as text, or the error's what().
std::string plugin_run(int method);

#endif
