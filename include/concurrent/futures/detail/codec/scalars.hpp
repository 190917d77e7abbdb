//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Outside the guard: included first, this header still gets the whole codec,
// itself included in its place, after what it needs.
#include <concurrent/futures/codec.hpp>

#ifndef CONCURRENT_FUTURES_DETAIL_CODEC_SCALARS_HPP
#define CONCURRENT_FUTURES_DETAIL_CODEC_SCALARS_HPP

// Values copied as their bytes (arithmetic types, enumerations), bool as a
// checked byte, empty classes as no bytes, and std::complex as two scalars.

#include <concurrent/futures/detail/codec/bounds.hpp>
#include <concurrent/futures/detail/codec/refusal.hpp>

#include <complex>
#include <cstddef>
#include <type_traits>

namespace concurrent::futures::detail {

template <class T>
struct raw_codec {
  static constexpr std::size_t min_encoded_size = sizeof(T);
  static void encode(codec_writer& w, T const& v) { w.write_bytes(&v, sizeof v); }
  static T decode(codec_reader& r) {
    T v{};
    r.read_bytes(&v, sizeof v);
    return v;
  }
};

// One byte, 0 or 1: any other byte would be a bool with no valid value.
struct bool_codec {
  static constexpr std::size_t min_encoded_size = 1;
  static void encode(codec_writer& w, bool v) {
    auto const b = static_cast<unsigned char>(v);
    w.write_bytes(&b, 1);
  }
  static bool decode(codec_reader& r) {
    unsigned char b = 0;
    r.read_bytes(&b, 1);
    if (b > 1) {
      throw_bad_flag(b, "bool");
    }
    return b != 0;
  }
};

// True when codec<T> is the built-in byte copy, so that a range of T can be
// copied in one go; a user specialization for T is honoured instead.
template <class T>
concept raw_element = std::is_base_of_v<raw_codec<T>, codec<T>>;

template <class T>
concept bool_element = std::is_base_of_v<bool_codec, codec<T>>;

template <class T>
struct empty_codec {
  static constexpr std::size_t min_encoded_size = 0;
  static void encode(codec_writer&, T const&) noexcept {}
  static T decode(codec_reader&) { return T{}; }
};

template <class R>
struct complex_codec {
  static constexpr std::size_t min_encoded_size = 2 * min_size<R>;

  static void encode(codec_writer& w, std::complex<R> const& c) {
    w.write(c.real());
    w.write(c.imag());
  }
  static std::complex<R> decode(codec_reader& r) {
    auto const re = r.read<R>();
    return std::complex<R>(re, r.read<R>());
  }
};

template <class R>
struct builtin_codec<std::complex<R>> : composite<std::complex<R>, complex_codec<R>, R> {
};

} // namespace concurrent::futures::detail

#endif
