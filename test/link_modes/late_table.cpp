//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "late_table.hpp"

#include <map>

namespace {
// Constructed by this library's static initializer: a worker that ran calls
// before it would find the map empty.
std::map<std::string, int> const late_table = {{"one", 1}, {"two", 2}};
} // namespace

int late_lookup(std::string const& key) {
  auto const it = late_table.find(key);
  return it == late_table.end() ? -1 : it->second;
}
