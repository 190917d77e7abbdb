//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_WIRE_SEAM_HPP
#define CONCURRENT_FUTURES_DETAIL_WIRE_SEAM_HPP

// The Wire's side of `detail/remote_seam.hpp`: in a translation unit that
// includes this header, every call submitted through the `executor` base
// carries the code that moves it to another process and its outcome back.

#include <concurrent/futures/detail/remote_seam.hpp>
#include <concurrent/futures/detail/task.hpp>
#include <concurrent/futures/detail/wire/call.hpp>
#include <concurrent/futures/detail/wire/chunked_map.hpp>
#include <concurrent/futures/detail/wire/reply.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace concurrent::futures::detail {

/// What a pool whose calls cross processes does with a task, whatever its
/// types.
struct remote_ops {
  /// Appends the message that runs the call in a worker and drops the call;
  /// throws call_not_remotable when something in it has no codec, or what a
  /// codec throws.
  void (*encode)(task_node& task, std::vector<std::byte>& out);
  /// Python's `set_running_or_notify_cancel()` when the call is handed to a
  /// worker; false (and the task freed) if it was cancelled.
  bool (*start)(task_node& task) noexcept;
  /// Completes the call from the worker's reply and frees the task. With
  /// `quiet`, a future that has a waiter linked (a done callback, an
  /// asynchronous or set wait) gets its outcome stored but is not published:
  /// false is returned and `publish` must follow, on a thread where running
  /// callbacks is expected.
  bool (*complete)(task_node& task, codec_reader& reply, remote_origin const& from,
                   bool quiet) noexcept;
  /// Publishes an outcome `complete` stored quietly, and frees the task.
  void (*publish)(task_node& task) noexcept;
  /// The call's future.
  shared_state_base& (*state)(task_node& task) noexcept;
};

/// Whether the parts of a call (callable, then arguments) and its result
/// can cross, and what keeps them from it.
template <class R, class Parts>
struct parts_wire;
template <class R, class F, class... Args>
struct parts_wire<R, std::tuple<F, Args...>> {
  static constexpr bool remotable = remotable_v<R, F, Args...>;
  static std::string obstacle() { return remote_call_obstacle<R, F, Args...>(); }
  /// Compile errors naming what has no codec: the callable, an argument,
  /// the result.
  static void require() {
    require_codable<F>();
    (require_codable<Args>(), ...);
    if constexpr (!std::is_void_v<R>)
      require_codable<R>();
  }
};

/// The Wire of a call type (`bound_call`, `dependent_call`).
template <class Call>
using call_wire = parts_wire<typename Call::result_type, typename Call::parts>;

/// What a pool says of a call that cannot cross.
template <class Call>
std::string not_remotable_message() {
  return "this call cannot run in another process: " + call_wire<Call>::obstacle() +
         ". Pass a free function, a captureless lambda or a function object whose "
         "fields have a codec, and arguments that have one (see cf::codec)";
}

/// `remote_ops` of one task type.
template <class Task>
struct remote_task {
  using call = typename Task::call_type;
  using R = typename call::result_type;
  static constexpr bool remotable = call_wire<call>::remotable;

  static void encode(task_node& node, std::vector<std::byte>& out) {
    if constexpr (remotable) {
      auto& task = static_cast<Task&>(node);
      task.call_ref().visit([&out](auto const&... parts) { encode_call(out, parts...); });
      task.drop_call();
    } else {
      throw call_not_remotable(not_remotable_message<call>());
    }
  }

  static bool start(task_node& node) noexcept {
    auto& task = static_cast<Task&>(node);
    if (task.start_task())
      return true;
    task.release();
    return false;
  }

  static bool complete([[maybe_unused]] task_node& node,
                       [[maybe_unused]] codec_reader& reply,
                       [[maybe_unused]] remote_origin const& from,
                       [[maybe_unused]] bool quiet) noexcept {
    auto& task = static_cast<Task&>(node);
    bool published = true;
    if constexpr (remotable) {
      auto publish = [&task, &published, quiet] {
        if (quiet)
          published = task.publish_unless_waited();
        else
          task.publish();
      };
      auto fail = [&task, &published, quiet](std::exception_ptr e) {
        if (quiet)
          published = task.publish_exception_unless_waited(std::move(e));
        else
          task.publish_exception(std::move(e));
      };
      try {
        if constexpr (std::is_void_v<R>) {
          read_reply<void>(reply, from, publish, fail);
        } else {
          read_reply<R>(
              reply, from,
              [&task, &publish](R&& value) {
                task.emplace_from([&value] { return std::move(value); });
                publish();
              },
              fail);
        }
      } catch (...) {
        fail(std::current_exception());
      }
    }
    if (published)
      task.release();
    return published;
  }

  static void publish(task_node& node) noexcept {
    auto& task = static_cast<Task&>(node);
    task.publish();
    task.release();
  }

  static shared_state_base& state(task_node& node) noexcept {
    return static_cast<Task&>(node);
  }

  static constexpr remote_ops table{&encode, &start, &complete, &publish, &state};
};

/// The Wire, seen from this translation unit.
template <>
struct wire_seam<this_tu> {
  static constexpr bool visible = true;

  template <class Task>
  static constexpr remote_ops const* ops() noexcept {
    return &remote_task<Task>::table;
  }

  /// For a dependent task, checked when it is submitted.
  template <class Task>
  static void require() {
    using call = typename Task::call_type;
    if constexpr (!call_wire<call>::remotable)
      throw call_not_remotable(not_remotable_message<call>());
  }

  template <class R, class Submit, class F, class... Rs>
  static auto chunked_source(Submit submit, std::ptrdiff_t chunksize, F&& fn,
                             Rs&&... ranges) {
    using source = chunk_source<R, Submit, std::decay_t<F>, Rs...>;
    return std::make_unique<source>(submit, chunksize, std::forward<F>(fn),
                                    std::forward<Rs>(ranges)...);
  }
};

/// For a task that encoded (so has `remote_ops`).
inline bool start_remote(task_node& task) noexcept {
  return task.remote->start(task);
}

/// For a task that started.
inline void complete_remote(task_node& task, std::span<std::byte const> reply,
                            remote_origin const& from) noexcept {
  codec_reader in(reply);
  task.remote->complete(task, in, from, false);
}

} // namespace concurrent::futures::detail

#endif
