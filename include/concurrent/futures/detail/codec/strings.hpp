//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Outside the guard: included first, this header still gets the whole codec,
// itself included in its place, after what it needs.
#include <concurrent/futures/codec.hpp>

#ifndef CONCURRENT_FUTURES_DETAIL_CODEC_STRINGS_HPP
#define CONCURRENT_FUTURES_DETAIL_CODEC_STRINGS_HPP

// std::basic_string: a count, then the characters in one copy.

#include <concurrent/futures/detail/codec/bounds.hpp>
#include <concurrent/futures/detail/codec/refusal.hpp>

#include <cstddef>
#include <string>
#include <type_traits>

namespace concurrent::futures::detail {

template <class S>
struct string_codec {
  using char_type = typename S::value_type;
  static constexpr std::size_t min_encoded_size = sizeof(count_type);

  static void encode(codec_writer& w, S const& s) {
    write_count(w, s.size());
    w.write_bytes(s.data(), s.size() * sizeof(char_type));
  }
  static S decode(codec_reader& r) {
    auto const n = read_count<sizeof(char_type)>(r);
    if constexpr (std::is_same_v<char_type, char> ||
                  std::is_same_v<char_type, unsigned char>) {
      // These may alias the input's bytes: construct in one copy, unless
      // the message comes in pieces (take would gather it first).
      if (n <= r.contiguous()) {
        auto const bytes = r.take(n);
        return S(reinterpret_cast<char_type const*>(bytes.data()), n);
      }
    }
    S s(n, char_type{});
    r.read_bytes(s.data(), n * sizeof(char_type));
    return s;
  }
};

template <class Ch, class Traits, class Alloc>
struct builtin_codec<std::basic_string<Ch, Traits, Alloc>>
    : container<std::basic_string<Ch, Traits, Alloc>,
                string_codec<std::basic_string<Ch, Traits, Alloc>>> {};

} // namespace concurrent::futures::detail

#endif
