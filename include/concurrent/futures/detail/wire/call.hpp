//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_WIRE_CALL_HPP
#define CONCURRENT_FUTURES_DETAIL_WIRE_CALL_HPP

// A call that runs in another process of the same build. Code does not
// travel: the message names the trampoline `remote_trampoline<F, Args...>`
// by its module and offset (so it holds across ASLR and exec), followed by
// F's state and the arguments through cf::codec. The trampoline decodes,
// calls and encodes the outcome. A worker checks at start that its modules
// are the parent's (GNU build-id) before it trusts an offset.

#include <concurrent/futures/codec.hpp>
#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/codec/function_pointer.hpp>
#include <concurrent/futures/detail/wire/reply.hpp>

#include <boost/core/demangle.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace concurrent::futures {

namespace detail {

/// A call submitted through the `executor` base that cannot cross to a
/// worker process (something in it has no codec).
class call_not_remotable : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

/// True when `fn(args...)` can run in another process: F's state, every
/// argument and the result have a codec.
template <class R, class F, class... Args>
inline constexpr bool remotable_v = codable<F> && (codable<Args> && ...) &&
                                    (std::is_void_v<R> || codable<R>);

/// What keeps a call from crossing, for the run-time error a process pool
/// gives when it is reached through the `executor` base.
template <class R, class F, class... Args>
std::string remote_call_obstacle() {
  std::string why;
  auto note = [&why](bool ok, char const* what, std::string type) {
    if (!ok) {
      if (!why.empty())
        why += "; ";
      why += what;
      why += " (" + type + ")";
    }
  };
  note(codable<F>, "the callable has no codec", boost::core::demangle(typeid(F).name()));
  std::size_t i = 0;
  (note(codable<Args>, ("argument " + std::to_string(++i) + " has no codec").c_str(),
        boost::core::demangle(typeid(Args).name())),
   ...);
  if constexpr (!std::is_void_v<R>)
    note(codable<R>, "the result has no codec", boost::core::demangle(typeid(R).name()));
  return why;
}

/// The signature every trampoline has: decode the call from `in`, run it,
/// append the reply to `out`.
using trampoline_fn = void (*)(codec_reader& in, std::vector<std::byte>& out);

template <class F, class... Args>
void remote_trampoline(codec_reader& in, std::vector<std::byte>& out) {
  std::size_t const start = out.size();
  try {
    // A braced list decodes the arguments left to right, as encoded.
    std::tuple<F, Args...> call{in.read<F>(), in.read<Args>()...};
    using R = std::invoke_result_t<F, Args...>;
    if constexpr (std::is_void_v<R>) {
      std::apply(
          [](auto&& fn, auto&&... a) { std::invoke(std::move(fn), std::move(a)...); },
          std::move(call));
      write_value_reply(out);
    } else {
      std::remove_cvref_t<R> r = std::apply(
          [](auto&& fn, auto&&... a) -> decltype(auto) {
            return std::invoke(std::move(fn), std::move(a)...);
          },
          std::move(call));
      write_value_reply(out, r);
    }
  } catch (...) {
    // Also a result whose encoding throws: the error goes back instead, as
    // CPython sends back a pickling error.
    write_exception_reply(out, start);
  }
}

/// The code_ref of `remote_trampoline<F, Args...>`, looked up once.
template <class F, class... Args>
code_ref trampoline_ref() {
  static code_ref const ref =
      to_code_ref(reinterpret_cast<void const*>(&remote_trampoline<F, Args...>));
  return ref;
}

/// Appends the message that makes a worker run `fn(args...)`.
template <class F, class... Args>
void encode_call(std::vector<std::byte>& out, F const& fn, Args const&... args) {
  codec_writer w(out);
  code_ref const ref = trampoline_ref<F, Args...>();
  w.write(ref.module);
  w.write(ref.offset);
  w.write(fn);
  (w.write(args), ...);
}

/// Runs a call message in a worker: finds the trampoline, lets it decode,
/// call and encode. Errors before the call (code not available) are
/// replies too.
CONCURRENT_FUTURES_DECL void run_call(std::span<std::byte const> message,
                                      std::vector<std::byte>& reply) noexcept;

} // namespace detail
} // namespace concurrent::futures

#endif
