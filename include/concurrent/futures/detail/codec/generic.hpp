//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Outside the guard: included first, this header still gets the whole codec,
// itself included in its place, after what it needs.
#include <concurrent/futures/codec.hpp>

#ifndef CONCURRENT_FUTURES_DETAIL_CODEC_GENERIC_HPP
#define CONCURRENT_FUTURES_DETAIL_CODEC_GENERIC_HPP

// The built-in codec of every type that is not one of the standard templates
// (those have their own files): classified once, then refused, copied,
// reflected or handed to Boost.Serialization.

#include <concurrent/futures/detail/codec/aggregates.hpp>
#include <concurrent/futures/detail/codec/refusal.hpp>
#include <concurrent/futures/detail/codec/scalars.hpp>
#include <concurrent/futures/detail/codec/serialization.hpp>

#include <type_traits>

namespace concurrent::futures::detail {

enum class generic_kind : unsigned char {
  reference,
  object_pointer,
  member_pointer,
  boolean,
  raw,
  boost_serialization,
  empty,
  aggregate,
  unsupported_aggregate,
  none,
};

template <class T>
consteval generic_kind classify() noexcept {
  if constexpr (std::is_reference_v<T>) {
    return generic_kind::reference;
  } else if constexpr (std::is_pointer_v<T>) {
    // A function pointer is left to a specialization of codec.
    if constexpr (std::is_function_v<std::remove_pointer_t<T>>) {
      return generic_kind::none;
    } else {
      return generic_kind::object_pointer;
    }
  } else if constexpr (std::is_member_pointer_v<T>) {
    return generic_kind::member_pointer;
  } else if constexpr (std::is_same_v<T, bool>) {
    return generic_kind::boolean;
  } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
    return generic_kind::raw;
  } else if constexpr (!std::is_class_v<T>) {
    return generic_kind::none;
  } else if constexpr (boost_serializable<T>) {
    return generic_kind::boost_serialization;
  } else if constexpr (std::is_empty_v<T> && std::is_default_constructible_v<T>) {
    return generic_kind::empty;
  } else if constexpr (std::is_aggregate_v<T>) {
    if constexpr (std::is_polymorphic_v<T> || has_base_class<T>) {
      return generic_kind::unsupported_aggregate;
    } else {
      return generic_kind::aggregate;
    }
  } else {
    return generic_kind::none;
  }
}

template <class T, generic_kind = classify<T>()>
struct generic_codec;
template <class T>
struct generic_codec<T, generic_kind::reference> : refused<T, why_not::reference> {};
template <class T>
struct generic_codec<T, generic_kind::object_pointer>
    : refused<T, why_not::object_pointer> {};
template <class T>
struct generic_codec<T, generic_kind::member_pointer>
    : refused<T, why_not::member_pointer> {};
template <class T>
struct generic_codec<T, generic_kind::boolean> : bool_codec {};
template <class T>
struct generic_codec<T, generic_kind::raw> : raw_codec<T> {};
template <class T>
struct generic_codec<T, generic_kind::boost_serialization> : serialization_codec<T> {};
template <class T>
struct generic_codec<T, generic_kind::empty> : empty_codec<T> {};
template <class T>
struct generic_codec<T, generic_kind::aggregate> : aggregate_codec_of<T> {};
template <class T>
struct generic_codec<T, generic_kind::unsupported_aggregate>
    : refused<T, why_not::unsupported_aggregate> {};
template <class T>
struct generic_codec<T, generic_kind::none> : refused<T, why_not::no_codec> {};

template <class T>
struct builtin_codec : generic_codec<T> {};

} // namespace concurrent::futures::detail

#endif
