//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Outside the guard: included first, this header still gets the whole codec,
// itself included in its place, after what it needs.
#include <concurrent/futures/codec.hpp>

#ifndef CONCURRENT_FUTURES_DETAIL_CODEC_DIAGNOSTICS_HPP
#define CONCURRENT_FUTURES_DETAIL_CODEC_DIAGNOSTICS_HPP

// require_codable: the static_asserts that say why a type cannot cross,
// naming the innermost part at fault.

#include <concurrent/futures/detail/codec/refusal.hpp>
#include <concurrent/futures/detail/codec/serialization.hpp>

#include <type_traits>

namespace concurrent::futures::detail {

template <class>
inline constexpr bool dependent_false = false;

template <class T>
constexpr void require_codable() noexcept {
  using U = std::remove_cv_t<T>;
  if constexpr (codable<U>) {
    if constexpr (std::is_base_of_v<serialization_codec<U>, codec<U>>) {
      static_assert(
          requires { sizeof(boost_serialization_adapter<U>); },
          "T has a Boost.Serialization serialize(): include "
          "<concurrent/futures/boost_serialization.hpp> (and link "
          "Boost::serialization) where it crosses a process boundary");
    }
  } else if constexpr (!refused_codec<U>) {
    static_assert(dependent_false<T>, "cf::codec<T> is specialized but lacks static void "
                                      "encode(cf::codec_writer&, T const&) or static T "
                                      "decode(cf::codec_reader&)");
  } else if constexpr (codec<U>::why == why_not::part) {
    // The innermost culprit: its own reason, with this type in the
    // instantiation trace above it.
    require_codable<typename codec<U>::part>();
  } else if constexpr (codec<U>::why == why_not::reference) {
    static_assert(dependent_false<T>,
                  "a reference cannot cross a process boundary: the other process "
                  "gets a copy; pass the value (std::decay_t<T>) or an index");
  } else if constexpr (codec<U>::why == why_not::object_pointer) {
    static_assert(dependent_false<T>,
                  "a pointer cannot cross a process boundary; pass the value (e.g. "
                  "std::string instead of char const*) or an index");
  } else if constexpr (codec<U>::why == why_not::member_pointer) {
    static_assert(dependent_false<T>,
                  "a member pointer cannot cross a process boundary; pass an index "
                  "or an enum that names the member");
  } else if constexpr (codec<U>::why == why_not::function_wrapper) {
    static_assert(dependent_false<T>,
                  "std::function / std::move_only_function: its target cannot cross "
                  "a process boundary; pass a free function, a captureless lambda, "
                  "or a function object with a codec");
  } else if constexpr (codec<U>::why == why_not::view) {
    static_assert(dependent_false<T>,
                  "std::string_view / std::span point into this process's memory "
                  "and cannot cross a process boundary; pass an owning std::string "
                  "or std::vector");
  } else if constexpr (codec<U>::why == why_not::smart_pointer) {
    static_assert(dependent_false<T>,
                  "a smart pointer (std::unique_ptr, std::shared_ptr, "
                  "std::weak_ptr) cannot cross a process boundary; pass the value "
                  "it points to");
  } else if constexpr (codec<U>::why == why_not::unsupported_aggregate) {
    static_assert(dependent_false<T>,
                  "Boost.PFR cannot encode this aggregate (a base class, a "
                  "reference or C array member, or more than 100 fields): make "
                  "them plain fields, or specialize cf::codec<T>");
  } else {
    static_assert(dependent_false<T>,
                  "no cf::codec<T>: specialize cf::codec<T>, make T an aggregate "
                  "(Boost.PFR), or give it a Boost.Serialization serialize() and "
                  "include <concurrent/futures/boost_serialization.hpp> (a free or "
                  "private serialize() also needs cf::use_boost_serialization<T> = "
                  "true). A lambda with captures cannot cross a process boundary: "
                  "use a struct with the captured values as fields, or pass them as "
                  "arguments");
  }
}

} // namespace concurrent::futures::detail

#endif
