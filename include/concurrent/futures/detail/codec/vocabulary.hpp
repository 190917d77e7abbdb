//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Outside the guard: included first, this header still gets the whole codec,
// itself included in its place, after what it needs.
#include <concurrent/futures/codec.hpp>

#ifndef CONCURRENT_FUTURES_DETAIL_CODEC_VOCABULARY_HPP
#define CONCURRENT_FUTURES_DETAIL_CODEC_VOCABULARY_HPP

// std::optional, std::variant, std::tuple and std::pair.

#include <concurrent/futures/detail/codec/bounds.hpp>
#include <concurrent/futures/detail/codec/refusal.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

namespace concurrent::futures::detail {

// A flag byte, then the value if there is one.
template <class E>
struct optional_codec {
  static constexpr std::size_t min_encoded_size = 1;

  static void encode(codec_writer& w, std::optional<E> const& o) {
    w.write(static_cast<std::uint8_t>(o.has_value()));
    if (o) {
      w.write(*o);
    }
  }
  static std::optional<E> decode(codec_reader& r) {
    auto const flag = r.read<std::uint8_t>();
    if (flag == 0) {
      return std::nullopt;
    }
    if (flag != 1) {
      throw_bad_flag(flag, "std::optional flag");
    }
    return std::optional<E>(std::in_place, r.read<E>());
  }
};

// The index, then the alternative.
template <class... E>
struct variant_codec {
  using variant_type = std::variant<E...>;
  using index_type =
      std::conditional_t<(sizeof...(E) < 256), std::uint8_t, std::uint32_t>;
  static constexpr std::size_t min_encoded_size = sizeof(index_type);

  /** @throws std::bad_variant_access if `v` is valueless by exception. */
  static void encode(codec_writer& w, variant_type const& v) {
    if (v.valueless_by_exception()) {
      throw std::bad_variant_access();
    }
    w.write(static_cast<index_type>(v.index()));
    std::visit([&w](auto const& alternative) { w.write(alternative); }, v);
  }
  static variant_type decode(codec_reader& r) {
    return decode_from<0>(r, r.read<index_type>());
  }

private:
  template <std::size_t I>
  static variant_type decode_from(codec_reader& r, index_type i) {
    if (i == I) {
      return variant_type(std::in_place_index<I>,
                          r.read<std::variant_alternative_t<I, variant_type>>());
    }
    if constexpr (I + 1 < sizeof...(E)) {
      return decode_from<I + 1>(r, i);
    } else {
      throw_bad_flag(i, "std::variant index");
    }
  }
};

template <class... E>
struct tuple_codec {
  static constexpr std::size_t min_encoded_size = (std::size_t{0} + ... + min_size<E>);

  static void encode(codec_writer& w, std::tuple<E...> const& t) {
    std::apply([&w](auto const&... e) { (w.write(e), ...); }, t);
  }
  // A braced list runs the reads in order.
  static std::tuple<E...> decode([[maybe_unused]] codec_reader& r) {
    return std::tuple<E...>{r.read<E>()...};
  }
};

template <class A, class B>
struct pair_codec {
  static constexpr std::size_t min_encoded_size = min_size<A> + min_size<B>;

  static void encode(codec_writer& w, std::pair<A, B> const& p) {
    w.write(p.first);
    w.write(p.second);
  }
  static std::pair<A, B> decode(codec_reader& r) {
    auto first = r.read<A>(); // named: argument order is unspecified
    return std::pair<A, B>(std::move(first), r.read<B>());
  }
};

template <class E>
struct builtin_codec<std::optional<E>>
    : composite<std::optional<E>, optional_codec<E>, E> {};

template <class... E>
struct builtin_codec<std::variant<E...>>
    : composite<std::variant<E...>, variant_codec<E...>, E...> {};

template <class... E>
struct builtin_codec<std::tuple<E...>>
    : composite<std::tuple<E...>, tuple_codec<E...>, E...> {};

template <class A, class B>
struct builtin_codec<std::pair<A, B>>
    : composite<std::pair<A, B>, pair_codec<A, B>, A, B> {};

} // namespace concurrent::futures::detail

#endif
