//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_TEST_LINK_MODES_LATE_TABLE_HPP
#define CONCURRENT_FUTURES_TEST_LINK_MODES_LATE_TABLE_HPP

#include <string>

/// Looks `key` up in a table that a static library linked after
/// concurrent_futures fills in its static constructor; -1 if absent.
int late_lookup(std::string const& key);

#endif
