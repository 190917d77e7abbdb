//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Outside the guard: included first, this header still gets the whole codec,
// itself included in its place, after what it needs.
#include <concurrent/futures/codec.hpp>

#ifndef CONCURRENT_FUTURES_DETAIL_CODEC_REFUSAL_HPP
#define CONCURRENT_FUTURES_DETAIL_CODEC_REFUSAL_HPP

// What codec<T> is for a T that cannot cross: a `refused` codec that names
// the reason (diagnostics.hpp turns it into a message), the helpers that
// refuse a composite type for its first uncodable part, and the standard
// types refused outright because they only point into this process.

#include <concepts>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <type_traits>

namespace concurrent::futures::detail {

enum class why_not : unsigned char {
  part, // a part of the type is not codable: see that part's reason
  reference,
  object_pointer,
  member_pointer,
  function_wrapper,
  view,
  smart_pointer,
  unsupported_aggregate,
  no_codec,
};

// What codec<T> is for a T that cannot cross. Its members exist so that
// calling them gives the reason rather than "no member named encode".
template <class T, why_not Why, class Part = void>
struct refused {
  using concurrent_futures_refused = void;
  static constexpr why_not why = Why;
  using part = Part;

  template <class U>
  static void encode(codec_writer&, U const&) {
    require_codable<T>();
  }
  template <class U = T>
  [[noreturn]] static U decode(codec_reader&) {
    require_codable<T>();
    std::terminate();
  }
};

template <class... Parts>
struct first_uncodable {
  using type = void;
};
template <class P, class... Parts>
struct first_uncodable<P, Parts...> {
  using type =
      std::conditional_t<codable<P>, typename first_uncodable<Parts...>::type, P>;
};

// Codec for T, a type made of Parts, when every part is codable.
template <class T, class Codec, class... Parts>
using composite = std::conditional_t<
    (codable<Parts> && ...), Codec,
    refused<T, why_not::part, typename first_uncodable<Parts...>::type>>;

// The same for a container, which decode default-constructs.
template <class C, class Codec, class... Parts>
using container =
    std::conditional_t<std::default_initializable<C>, composite<C, Codec, Parts...>,
                       refused<C, why_not::no_codec>>;

// What only points at memory, or at code, of this process.
template <class Ch, class Traits>
struct builtin_codec<std::basic_string_view<Ch, Traits>>
    : refused<std::basic_string_view<Ch, Traits>, why_not::view> {};

template <class E, std::size_t N>
struct builtin_codec<std::span<E, N>> : refused<std::span<E, N>, why_not::view> {};

template <class Sig>
struct builtin_codec<std::function<Sig>>
    : refused<std::function<Sig>, why_not::function_wrapper> {};

#if defined(__cpp_lib_move_only_function)
template <class Sig>
struct builtin_codec<std::move_only_function<Sig>>
    : refused<std::move_only_function<Sig>, why_not::function_wrapper> {};
#endif

template <class E, class Deleter>
struct builtin_codec<std::unique_ptr<E, Deleter>>
    : refused<std::unique_ptr<E, Deleter>, why_not::smart_pointer> {};

template <class E>
struct builtin_codec<std::shared_ptr<E>>
    : refused<std::shared_ptr<E>, why_not::smart_pointer> {};

template <class E>
struct builtin_codec<std::weak_ptr<E>>
    : refused<std::weak_ptr<E>, why_not::smart_pointer> {};

template <class E>
struct builtin_codec<std::reference_wrapper<E>>
    : refused<std::reference_wrapper<E>, why_not::reference> {};

} // namespace concurrent::futures::detail

#endif
