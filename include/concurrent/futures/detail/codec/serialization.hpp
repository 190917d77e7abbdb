//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Outside the guard: included first, this header still gets the whole codec,
// itself included in its place, after what it needs.
#include <concurrent/futures/codec.hpp>

#ifndef CONCURRENT_FUTURES_DETAIL_CODEC_SERIALIZATION_HPP
#define CONCURRENT_FUTURES_DETAIL_CODEC_SERIALIZATION_HPP

// Which types go through Boost.Serialization, and the codec that sends them
// to the adapter in <concurrent/futures/boost_serialization.hpp>.

#include <concurrent/futures/detail/codec/bounds.hpp>

#include <cstddef>
#include <exception>
#include <type_traits>

namespace concurrent::futures::detail {

// Defined by <concurrent/futures/boost_serialization.hpp>; only declared
// here, so that this header needs no Boost.Serialization header.
template <class T>
struct boost_serialization_adapter;

// Stands for an archive when probing for a serialize() member: any operand.
struct serialize_probe {
  using is_loading = std::false_type;
  using is_saving = std::true_type;
  template <class U>
  serialize_probe& operator&(U&&) noexcept {
    return *this;
  }
  template <class U>
  serialize_probe& operator<<(U&&) noexcept {
    return *this;
  }
  template <class U>
  serialize_probe& operator>>(U&&) noexcept {
    return *this;
  }
};

template <class T>
concept has_member_serialize = requires(T& t, serialize_probe& a) {
  t.serialize(a, 0u);
};

template <class T>
concept boost_serializable = use_boost_serialization<T> || has_member_serialize<T>;

// Every type that Boost.Serialization can encode goes through it in every
// translation unit, so one that forgot the adapter fails to compile rather
// than encode the type some other way.
template <class T>
struct serialization_codec {
  static constexpr std::size_t min_encoded_size = sizeof(count_type);

  static void encode(codec_writer& w, T const& v) {
    if constexpr (requires { sizeof(boost_serialization_adapter<T>); }) {
      boost_serialization_adapter<T>::encode(w, v);
    } else {
      require_codable<T>();
    }
  }
  static T decode(codec_reader& r) {
    if constexpr (requires { sizeof(boost_serialization_adapter<T>); }) {
      return boost_serialization_adapter<T>::decode(r);
    } else {
      require_codable<T>();
      std::terminate();
    }
  }
};

} // namespace concurrent::futures::detail

#endif
