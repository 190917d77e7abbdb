//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Outside the guard: included first, this header still gets the whole codec,
// itself included in its place, after what it needs.
#include <concurrent/futures/codec.hpp>

#ifndef CONCURRENT_FUTURES_DETAIL_CODEC_AGGREGATES_HPP
#define CONCURRENT_FUTURES_DETAIL_CODEC_AGGREGATES_HPP

// Aggregates field by field through Boost.PFR, with the fields counted here
// and the aggregates Boost.PFR cannot reflect refused.

#include <concurrent/futures/detail/codec/bounds.hpp>
#include <concurrent/futures/detail/codec/refusal.hpp>

#include <boost/pfr/core.hpp>

#include <cstddef>
#include <exception>
#include <type_traits>
#include <utility>

namespace concurrent::futures::detail {

template <class... T>
struct type_list {};

// Converts to a base class of T only: T{base_probe<T>{}} is well-formed when
// T's first element is a base, which Boost.PFR cannot reflect. Immovable, so
// that a member with a catch-all constructor (std::any) does not take it.
template <class T>
struct base_probe {
  base_probe() = default;
  base_probe(base_probe const&) = delete;
  base_probe& operator=(base_probe const&) = delete;
  // Only named in unevaluated operands; defined because clang warns of
  // internal-linkage functions it sees referenced but not defined.
  template <class B>
  requires(std::is_base_of_v<B, T> && !std::is_same_v<std::remove_cv_t<B>, T>)
  operator B&() const noexcept {
    std::terminate();
  }
};

template <class T>
concept has_base_class = requires {
  T{base_probe<T>{}};
};

// Initializers for any field: as a value (non-movable fields), or as an
// lvalue (reference fields).
struct any_value {
  template <class U>
  operator U() const noexcept {
    std::terminate();
  }
};
struct any_lvalue {
  template <class U>
  operator U&() const noexcept {
    std::terminate();
  }
};

template <class T, class Any, std::size_t... I>
consteval bool brace_initializable(std::index_sequence<I...>) noexcept {
  return requires {
    T{((void)I, Any{})...};
  };
}

// Boost.PFR binds at most this many fields.
inline constexpr std::size_t max_fields = 100;
inline constexpr std::size_t no_count = static_cast<std::size_t>(-1);

// The fields of T are counted here, not by Boost.PFR: its count searches up
// to 8 * sizeof(T) initializers, and tries them all when T{} is ill-formed,
// which takes minutes and gigabytes for a struct of a few hundred bytes
// with one field that has no default constructor. Counting up from 0 stops
// one past the real count.
template <class T, class Any, std::size_t K = 0, bool Found = false>
consteval std::size_t count_fields() noexcept {
  if constexpr (K > max_fields) {
    return no_count;
  } else if constexpr (brace_initializable<T, Any>(std::make_index_sequence<K>{})) {
    return count_fields<T, Any, K + 1, true>();
  } else if constexpr (Found) {
    return K - 1;
  } else {
    return count_fields<T, Any, K + 1, false>();
  }
}

template <class T>
consteval std::size_t field_count() noexcept {
  constexpr std::size_t as_values = count_fields<T, any_value>();
  constexpr std::size_t as_lvalues = count_fields<T, any_lvalue>();
  if (as_values == no_count) {
    return as_lvalues;
  }
  if (as_lvalues == no_count) {
    return as_values;
  }
  return as_values > as_lvalues ? as_values : as_lvalues;
}

// Brace elision counts a C array member as one field per element, and
// structured bindings then fail with a hard error; parenthesized aggregate
// initialization does no brace elision, so it tells the two apart (and
// refuses reference members, which decode cannot fill from values either).
// Compilers without it (clang 14) fail on such a member instead.
template <class T, std::size_t... I>
consteval bool fields_are_values(std::index_sequence<I...>) noexcept {
#if defined(__cpp_aggregate_paren_init)
  return requires {
    T(((void)I, any_value{})...);
  };
#else
  return true;
#endif
}

// References to the N fields of v, through Boost.PFR's structured bindings
// (boost/pfr/detail: its public functions would count the fields again).
template <std::size_t N, class T>
constexpr auto tie_fields(T& v) noexcept {
  return boost::pfr::detail::tie_as_tuple(v, boost::pfr::detail::size_t_<N>{});
}

template <class T, class Seq>
struct aggregate_fields;
template <class T, std::size_t... I>
struct aggregate_fields<T, std::index_sequence<I...>> {
  using tie = decltype(tie_fields<sizeof...(I)>(std::declval<T&>()));
  using type =
      type_list<std::remove_cvref_t<decltype(boost::pfr::detail::sequence_tuple::get<I>(
          std::declval<tie&>()))>...>;
};

template <class T, std::size_t N, class... F>
struct aggregate_codec {
  static constexpr std::size_t min_encoded_size = (std::size_t{0} + ... + min_size<F>);
  static void encode(codec_writer& w, T const& v) {
    auto const fields = tie_fields<N>(v);
    encode_each(w, fields, std::make_index_sequence<N>{});
  }
  // A braced list runs the reads in order.
  static T decode(codec_reader& r) { return T{r.read<F>()...}; }

private:
  template <class Tie, std::size_t... I>
  static void encode_each(codec_writer& w, Tie const& fields, std::index_sequence<I...>) {
    (w.write(boost::pfr::detail::sequence_tuple::get<I>(fields)), ...);
  }
};

// Whether decode can build T from its fields' values: not when a field is a
// reference.
template <class T, class... F>
concept built_from_values = requires {
  T{std::declval<F>()...};
};

template <class T, std::size_t N, class Fields>
struct select_aggregate;
template <class T, std::size_t N, class... F>
struct select_aggregate<T, N, type_list<F...>> {
  using type = std::conditional_t<
      (codable<F> && ...),
      std::conditional_t<built_from_values<T, F...>, aggregate_codec<T, N, F...>,
                         refused<T, why_not::unsupported_aggregate>>,
      refused<T, why_not::part, typename first_uncodable<F...>::type>>;
};

template <class T, std::size_t N>
consteval bool reflectable() noexcept {
  if constexpr (N == no_count || N == 0) {
    return false;
  } else {
    return fields_are_values<T>(std::make_index_sequence<N>{});
  }
}

template <class T, std::size_t N = field_count<T>(), bool = reflectable<T, N>()>
struct aggregate_select {
  using type = refused<T, why_not::unsupported_aggregate>;
};
// Names the field types only once they are known to be values.
template <class T, std::size_t N>
struct aggregate_select<T, N, true> {
  using type = typename select_aggregate<
      T, N, typename aggregate_fields<T, std::make_index_sequence<N>>::type>::type;
};

// Defers aggregate_select until T is known to be an aggregate.
template <class T>
struct aggregate_codec_of : aggregate_select<T>::type {};

} // namespace concurrent::futures::detail

#endif
