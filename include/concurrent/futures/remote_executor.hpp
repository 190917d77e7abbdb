//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_REMOTE_EXECUTOR_HPP
#define CONCURRENT_FUTURES_REMOTE_EXECUTOR_HPP

#include <concurrent/futures/codec.hpp>
#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/task.hpp>
#include <concurrent/futures/detail/wire/call.hpp>
#include <concurrent/futures/detail/wire/parameter_types.hpp>
#include <concurrent/futures/detail/wire/seam.hpp>
#include <concurrent/futures/executor.hpp>

#include <concepts>
#include <cstddef>
#include <exception>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace concurrent::futures {

/// Something to run first in every worker process: a free function, a
/// captureless lambda or a function object whose fields have a codec, with
/// the arguments to call it with (Python's `initializer` and `initargs`).
/**
 * @code
 * void open_db(std::string const& path);
 * cf::process_pool_executor procs{{.initializer = {open_db, "cache.sqlite"}}};
 * @endcode
 * The callable and the arguments are encoded here, once; an argument with
 * no codec is converted to its parameter's type where that has one, as
 * `submit` does.
 */
class process_initializer {
public:
  /// No initializer.
  process_initializer() = default;

  /// Encodes `fn(args...)` for the workers to run.
  /**
   * @throws What a codec throws; a callable or an argument without a codec
   * is a compile error naming it.
   */
  template <class F, class... Args>
  requires(!std::is_same_v<std::remove_cvref_t<F>, process_initializer>)
      process_initializer(F&& fn,
                          Args&&... args) // NOLINT: converts, as std::function does
  {
    encode(std::index_sequence_for<Args...>{}, std::forward<F>(fn),
           std::forward<Args>(args)...);
  }

  /// True if there is an initializer to run.
  explicit operator bool() const noexcept { return !message_.empty(); }
  /// The encoded call, as a worker receives it.
  std::vector<std::byte> const& message() const noexcept { return message_; }

private:
  template <std::size_t... I, class F, class... Args>
  void encode(std::index_sequence<I...>, F&& fn, Args&&... args) {
    using Fd = std::decay_t<F>;
    using call =
        detail::bound_call<Fd, typename detail::wire_argument<Fd, I, Args>::type...>;
    static_assert(
        std::is_invocable_v<Fd, typename detail::wire_argument<Fd, I, Args>::type...>,
        "initializer: cannot be called with these arguments");
    detail::call_wire<call>::require();
    Fd const f(std::forward<F>(fn));
    detail::encode_call(message_, f,
                        detail::as_wire_argument<Fd, I>(std::forward<Args>(args))...);
  }

  std::vector<std::byte> message_;
};

/// The base of the executors whose calls run in another process:
/// `process_pool_executor` on this machine, `mpi_comm_executor` and
/// `mpi_pool_executor` across machines.
/**
 * What it adds to `executor` is checked where the static type is this class
 * or a derived one: a callable, an argument or a result without a
 * `cf::codec` is a compile error naming it, and an argument is converted to
 * its parameter's type when only that has a codec. Code written against
 * `cf::remote_executor&` runs unchanged on a process pool or on MPI ranks.
 * Through the `executor` base the same calls are checked at run time
 * (`std::invalid_argument`).
 *
 * @par Thread Safety
 * Every member function may be called from any thread, concurrently.
 */
class CONCURRENT_FUTURES_DECL remote_executor : public executor {
public:
  /// Schedules `fn(args...)` in a worker and returns its future.
  /**
   * `fn` and `args` are encoded at once (a codec that throws fails only
   * this future) and dropped. Where `fn`'s parameter types are known (a
   * function, or a class with one non-template `operator()`), an argument
   * with no codec is first converted to its parameter's type if that has
   * one: `submit(len, "hello")` sends the `std::string` that
   * `len(std::string const&)` takes.
   *
   * @throws std::runtime_error after shutdown; the executor's
   * `broken_executor` (`broken_process_pool`, `broken_mpi_pool`) once broken.
   */
  template <class F, class... Args, class Seam = detail::this_tu>
  requires(!detail::is_priority_v<std::remove_cvref_t<F>> &&
           !detail::is_after_v<std::remove_cvref_t<F>>) auto submit(F&& fn,
                                                                    Args&&... args) {
    return submit_remote<Seam>(0, std::index_sequence_for<Args...>{}, std::forward<F>(fn),
                               std::forward<Args>(args)...);
  }

  /// Schedules `fn(args...)` in a worker with a priority (see
  /// `executor::submit(priority, fn, args...)`).
  /**
   * Orders the calls waiting in the pool; the calls already handed to
   * workers (at most two per worker) are not overtaken.
   *
   * @throws As `submit(fn, args...)`.
   */
  template <class F, class... Args, class Seam = detail::this_tu>
  requires(!detail::is_after_v<std::remove_cvref_t<F>>) auto submit(priority p, F&& fn,
                                                                    Args&&... args) {
    return submit_remote<Seam>(p.value, std::index_sequence_for<Args...>{},
                               std::forward<F>(fn), std::forward<Args>(args)...);
  }

  /// Schedules `fn(parent values..., args...)` in a worker once every
  /// parent has succeeded (see `executor::submit(after, fn, args...)`).
  /**
   * The parents' values travel with the call, so their types need a codec
   * too; that is checked when this compiles.
   */
  template <class Parents, class F, class... Args, class Seam = detail::this_tu>
  requires(!detail::is_priority_v<std::remove_cvref_t<F>>) auto submit(
      after_t<Parents> parents, F&& fn, Args&&... args) {
    return submit_remote_after<Seam>(0, std::index_sequence_for<Args...>{},
                                     std::move(parents), std::forward<F>(fn),
                                     std::forward<Args>(args)...);
  }

  /// As above, queued with a priority when the parents have succeeded.
  template <class Parents, class F, class... Args, class Seam = detail::this_tu>
  auto submit(after_t<Parents> parents, priority p, F&& fn, Args&&... args) {
    return submit_remote_after<Seam>(p.value, std::index_sequence_for<Args...>{},
                                     std::move(parents), std::forward<F>(fn),
                                     std::forward<Args>(args)...);
  }

  /// The same, the priority first: both orders mean one thing.
  template <class Parents, class F, class... Args, class Seam = detail::this_tu>
  auto submit(priority p, after_t<Parents> parents, F&& fn, Args&&... args) {
    return submit_remote_after<Seam>(p.value, std::index_sequence_for<Args...>{},
                                     std::move(parents), std::forward<F>(fn),
                                     std::forward<Args>(args)...);
  }

  using executor::map;

protected:
  /// For the executors whose calls cross processes.
  remote_executor() = default;

  bool calls_cross_processes() const noexcept final { return true; }

private:
  // Compile errors name what has no codec (the callable, an argument, the
  // result) before anything is queued.
  template <class Seam, std::size_t... I, class F, class... Args>
  auto submit_remote(int rank, std::index_sequence<I...>, F&& fn, Args&&... args) {
    if constexpr (check_remote_call<F, typename detail::wire_argument<std::decay_t<F>, I,
                                                                      Args>::type...>()) {
      using call = detail::bound_call<
          F, typename detail::wire_argument<std::decay_t<F>, I, Args>::type...>;
      detail::call_wire<call>::require();
      return submit_ranked<Seam>(
          rank, std::forward<F>(fn),
          detail::as_wire_argument<F, I>(std::forward<Args>(args))...);
    }
  }

  // As `detail::check_submit_call`, but std::ref is no answer here: the
  // call runs in another address space.
  template <class F, class... Args>
  static consteval bool check_remote_call() {
    constexpr bool by_value = detail::call_shape<F, Args...>::by_value;
    constexpr bool by_reference = detail::call_shape<F, Args...>::by_reference;
    static_assert(!by_reference,
                  "submit(fn, args...): fn takes an argument by non-const reference, "
                  "and the call runs in another process, which cannot change the "
                  "caller's variable: take the parameter by value and return what "
                  "the call computes");
    static_assert(by_value || by_reference,
                  "submit(fn, args...): fn cannot be called with these arguments "
                  "(each converted to its parameter's type where that has a codec)");
    return by_value;
  }

  // The parents' values come first in the call, so an argument's parameter
  // is found past them.
  template <class Seam, std::size_t... I, class Parents, class F, class... Args>
  auto submit_remote_after(int rank, std::index_sequence<I...>, after_t<Parents> parents,
                           F&& fn, Args&&... args) {
    constexpr std::size_t first =
        std::tuple_size_v<typename detail::parents_traits<Parents>::values>;
    using call = detail::dependent_call<
        Parents, std::decay_t<F>,
        typename detail::wire_argument<std::decay_t<F>, first + I, Args>::type...>;
    detail::call_wire<call>::require();
    return submit_after<Seam>(
        rank, std::move(parents), std::forward<F>(fn),
        detail::as_wire_argument<F, first + I>(std::forward<Args>(args))...);
  }
};

/// Makes exceptions of type `E` thrown in a worker arrive as `E` (built from
/// their `what()`) instead of `remote_error`.
/**
 * Call it in the program before the exception can arrive; the worker needs
 * nothing. E must derive from std::exception and be constructible from a
 * `std::string` or `char const*`.
 */
template <class E>
void register_exception_type() {
  static_assert(std::is_base_of_v<std::exception, E>,
                "register_exception_type<E>: E must derive from std::exception");
  static_assert(std::is_constructible_v<E, std::string const&> ||
                    std::is_constructible_v<E, char const*>,
                "register_exception_type<E>: E must be constructible from its what() "
                "(std::string or char const*)");
  detail::register_exception_factory(typeid(E), [](std::string const& what) {
    if constexpr (std::is_constructible_v<E, std::string const&>)
      return std::make_exception_ptr(E(what));
    else
      return std::make_exception_ptr(E(what.c_str()));
  });
}

} // namespace concurrent::futures

#endif
