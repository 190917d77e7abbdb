//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_REMOTE_SEAM_HPP
#define CONCURRENT_FUTURES_DETAIL_REMOTE_SEAM_HPP

// The foundation's one contact with the Wire.
//
// A call submitted through the `executor` base may land in a pool whose
// calls cross processes, and crossing needs code made for the call's types
// (its encoding, the decoding of its reply). The foundation cannot make that
// code without including the Wire, which a thread-pool-only program should
// not pay for. So the submitting translation unit decides: `executor`'s
// templates take a `Seam` parameter defaulted to `this_tu`, a type of this
// translation unit alone, and ask `wire_seam<Seam>` for the call's
// `remote_ops`. The primary template answers "none"; the Wire
// (`detail/wire/seam.hpp`, included by `process_pool_executor.hpp`)
// specializes `wire_seam<this_tu>`. A pool whose calls cross processes
// refuses a call without `remote_ops`, saying which header to include.
//
// Because `this_tu` is unique to each translation unit, two translation
// units that instantiate the same call with and without the Wire make two
// different specializations: no ODR violation, and no linker choosing one.
// Including the Wire after a submit already used the primary template is a
// compile error ("specialization of wire_seam<this_tu> after instantiation"),
// never a silent difference.

#include <concurrent/futures/config.hpp>

namespace concurrent::futures::detail {

struct remote_ops;

/// What a pool whose calls cross processes throws for a call made where the
/// Wire was not visible: std::invalid_argument naming the header to include.
[[noreturn]] CONCURRENT_FUTURES_DECL void throw_wire_not_visible();

namespace {
/// Names the translation unit that submits a call (see above).
struct this_tu {};
} // namespace

/// A call that never leaves the process (a thread pool's): no Wire, in
/// every translation unit alike.
struct local_only {};

/// What the Wire offers a translation unit: here, nothing.
template <class Seam>
struct wire_seam {
  static constexpr bool visible = false;

  template <class Task>
  static constexpr remote_ops const* ops() noexcept {
    return nullptr;
  }

  template <class Task>
  [[noreturn]] static void require() {
    throw_wire_not_visible();
  }
};

} // namespace concurrent::futures::detail

#endif
