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
#include <cstdint>
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

/// After adopt_module_table: the first module this process loaded under the
/// same name as one of the table's but from another build (another
/// build-id), described; empty if none. A call may name any module of the
/// table, so a cluster node with another build of a shared library must be
/// refused before its first call, not when a call reaches that library.
std::string module_build_mismatch(std::span<std::byte const> table);

/// Reads code addresses against `table` (another process' module list)
/// instead of the adopted one, until destroyed: for a call that a process
/// forwards to its own child unchanged. Not thread-safe: the thread that
/// decodes the call is the process' only one.
class borrowed_module_table {
public:
  explicit borrowed_module_table(std::span<std::byte const> table);
  ~borrowed_module_table();
  borrowed_module_table(borrowed_module_table const&) = delete;
  borrowed_module_table& operator=(borrowed_module_table const&) = delete;

private:
  std::vector<std::uintptr_t> translation_;
  std::vector<bool> available_;
  std::vector<std::string> names_;
};

} // namespace concurrent::futures::detail::process

#endif
