//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_WIRE_PARAMETER_TYPES_HPP
#define CONCURRENT_FUTURES_DETAIL_WIRE_PARAMETER_TYPES_HPP

// `procs.submit(len, "hello")` for `std::size_t len(std::string const&)`:
// the argument is a `char const*`, which cannot cross, but the function
// takes a `std::string`, which can. Where the callable's parameter types are
// known (a function, or a class with one non-template `operator()`), an
// argument that has no codec is converted in the parent to the parameter's
// type when that type has one: the call the worker makes is the one the
// thread pool would make. Anything else crosses as it is, or is refused.

#include <concurrent/futures/codec.hpp>

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

namespace concurrent::futures::detail {

/// The parameter types of a callable, when it has one signature.
template <class F, class = void>
struct parameter_types {
  static constexpr bool known = false;
};

template <class R, class... P>
struct parameter_types<R (*)(P...)> {
  static constexpr bool known = true;
  using type = std::tuple<P...>;
};
template <class R, class... P>
struct parameter_types<R (*)(P...) noexcept> : parameter_types<R (*)(P...)> {};

template <class M>
struct member_call_parameters {
  static constexpr bool known = false;
};
template <class C, class R, class... P>
struct member_call_parameters<R (C::*)(P...) const> {
  static constexpr bool known = true;
  using type = std::tuple<P...>;
};
template <class C, class R, class... P>
struct member_call_parameters<R (C::*)(P...) const noexcept>
    : member_call_parameters<R (C::*)(P...) const> {};
template <class C, class R, class... P>
struct member_call_parameters<R (C::*)(P...)>
    : member_call_parameters<R (C::*)(P...) const> {};
template <class C, class R, class... P>
struct member_call_parameters<R (C::*)(P...) noexcept>
    : member_call_parameters<R (C::*)(P...) const> {};

template <class F>
struct parameter_types<F, std::void_t<decltype(&F::operator())>>
    : member_call_parameters<decltype(&F::operator())> {};

/// The type an argument crosses as: the parameter's own type when the
/// argument has no codec and the parameter's type has one and is made from it.
template <class F, std::size_t I, class A, class = void>
struct wire_argument {
  using type = std::decay_t<A>;
};

template <class F, std::size_t I, class A>
struct wire_argument<
    F, I, A,
    std::enable_if_t<parameter_types<F>::known &&
                     (I < std::tuple_size_v<typename parameter_types<F>::type>)>> {
  using parameter =
      std::remove_cvref_t<std::tuple_element_t<I, typename parameter_types<F>::type>>;
  using type = std::conditional_t<!codable<std::decay_t<A>> && codable<parameter> &&
                                      std::is_constructible_v<parameter, A&&>,
                                  parameter, std::decay_t<A>>;
};

/// `a` as the type it crosses as (see above).
template <class F, std::size_t I, class A>
decltype(auto) as_wire_argument(A&& a) {
  using T = typename wire_argument<std::decay_t<F>, I, A>::type;
  if constexpr (std::is_same_v<T, std::decay_t<A>>)
    return std::forward<A>(a);
  else
    return T(std::forward<A>(a));
}

} // namespace concurrent::futures::detail

#endif
