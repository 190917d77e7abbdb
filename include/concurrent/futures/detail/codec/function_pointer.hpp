//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Outside the guard: included first, this header still gets the whole codec,
// itself included in its place, after what it needs.
#include <concurrent/futures/codec.hpp>

#ifndef CONCURRENT_FUTURES_DETAIL_CODEC_FUNCTION_POINTER_HPP
#define CONCURRENT_FUTURES_DETAIL_CODEC_FUNCTION_POINTER_HPP

// A function pointer crosses as the code it points to: the module it is in
// and its offset there, which hold across ASLR and exec. The library looks
// both up (lib/detail/process/modules.cpp); a worker checks at start that
// its modules are the parent's (GNU build-id) before it trusts an offset.

#include <concurrent/futures/config.hpp>

#include <cstdint>
#include <type_traits>

namespace concurrent::futures {

namespace detail {

/// Code in a loaded module, independent of where the module is mapped.
struct code_ref {
  std::uint32_t module = 0; // index in the parent's module list
  std::uint64_t offset = 0; // from the module's load address
};

/// The code_ref of a function in this process; throws std::invalid_argument
/// when the address is in no loaded module.
CONCURRENT_FUTURES_DECL code_ref to_code_ref(void const* code);

/// The address a parent's code_ref names in this worker; throws
/// std::runtime_error when the module is not loaded here.
CONCURRENT_FUTURES_DECL void const* from_code_ref(code_ref ref);

template <class T>
inline constexpr bool is_function_pointer_v =
    std::is_pointer_v<T>&& std::is_function_v<std::remove_pointer_t<T>>;

} // namespace detail

/// Function pointers cross as the code they point to (same build only).
template <class T>
requires detail::is_function_pointer_v<T>
struct codec<T> {
  static void encode(codec_writer& w, T fn) {
    detail::code_ref const ref = detail::to_code_ref(reinterpret_cast<void const*>(fn));
    w.write(ref.module);
    w.write(ref.offset);
  }
  static T decode(codec_reader& r) {
    detail::code_ref ref;
    ref.module = r.read<std::uint32_t>();
    ref.offset = r.read<std::uint64_t>();
    return reinterpret_cast<T>(const_cast<void*>(detail::from_code_ref(ref)));
  }
};

} // namespace concurrent::futures

#endif
