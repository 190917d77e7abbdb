//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Outside the guard: included first, this header still gets the whole codec,
// itself included in its place, after what it needs.
#include <concurrent/futures/codec.hpp>

#ifndef CONCURRENT_FUTURES_DETAIL_CODEC_BOUNDS_HPP
#define CONCURRENT_FUTURES_DETAIL_CODEC_BOUNDS_HPP

// What keeps decoding bounded by its input: the lower bound on the bytes a
// value takes encoded, the counts checked against the bytes left, and the
// charge for elements that take none (see codec_reader).

#include <boost/config.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace concurrent::futures::detail {

template <class T>
consteval std::size_t min_size_of() noexcept {
  if constexpr (requires { codec<T>::min_encoded_size; }) {
    return static_cast<std::size_t>(codec<T>::min_encoded_size);
  } else {
    return 0;
  }
}

// A lower bound on the bytes a T takes encoded: what lets a count be checked
// against the input before anything is allocated for it.
template <class T>
inline constexpr std::size_t min_size = min_size_of<T>();

using count_type = std::uint64_t;

[[noreturn]] BOOST_NOINLINE inline void throw_bad_count(count_type count,
                                                        std::size_t left) {
  throw codec_error("cf::codec: corrupted input: a count of " + std::to_string(count) +
                    " elements with " + std::to_string(left) + " bytes left");
}

[[noreturn]] BOOST_NOINLINE inline void throw_bad_flag(unsigned flag, char const* what) {
  throw codec_error(std::string("cf::codec: corrupted input: ") + what + " " +
                    std::to_string(flag));
}

inline void write_count(codec_writer& w, std::size_t n) {
  w.write(static_cast<count_type>(n));
}

// Reads a count of elements that take at least Min bytes each, rejecting
// one that the bytes left cannot hold: a corrupted count fails here, before
// anything is allocated for it.
template <std::size_t Min>
std::size_t read_count(codec_reader& r) {
  auto const n = r.read<count_type>();
  if constexpr (Min != 0) {
    if (n > r.remaining() / Min) {
      throw_bad_count(n, r.remaining());
    }
  } else if constexpr (sizeof(std::size_t) < sizeof(count_type)) {
    if (n > static_cast<count_type>(static_cast<std::size_t>(-1))) {
      throw_bad_count(n, r.remaining());
    }
  }
  return static_cast<std::size_t>(n);
}

// Decodes one element of a container through `decode_one`, which stores it.
// An element whose lower bound Min is 0 leaves its count bounded by nothing
// in the input, so one that took no bytes is charged its Size to the
// reader's allowance: every container codec goes through here, so that no
// count of such elements can make decoding loop or allocate without bound.
template <std::size_t Min, std::size_t Size, class F>
void decode_element(codec_reader& r, F&& decode_one) {
  if constexpr (Min != 0) {
    std::forward<F>(decode_one)();
  } else {
    auto const before = r.remaining();
    std::forward<F>(decode_one)();
    if (r.remaining() == before) {
      r.charge_empty_elements(Size);
    }
  }
}

} // namespace concurrent::futures::detail

#endif
