//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_WIRE_MODULES_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_WIRE_MODULES_HPP

// The modules (executable and shared libraries) of this process, named by
// their GNU build-id, so that a worker can tell it runs the parent's build
// and translate the parent's code addresses (module + offset) to its own.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace concurrent::futures::detail::process {

/// The parent's module list as sent to a worker.
std::vector<std::byte> encode_module_table();

/// In a worker: matches the parent's modules with its own. Returns an
/// empty string, or why the worker cannot run the parent's code (its
/// executable is another build).
std::string adopt_module_table(std::span<std::byte const> table);

} // namespace concurrent::futures::detail::process

#endif
