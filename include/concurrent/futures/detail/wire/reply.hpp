//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_WIRE_REPLY_HPP
#define CONCURRENT_FUTURES_DETAIL_WIRE_REPLY_HPP

// A reply: one status byte, then the call's value (nothing for void) or its
// exception, and nothing after. Written by the worker's trampoline, read by
// the pool for each call and by the worker for its initializer: this file is
// the one place that knows the format.

#include <concurrent/futures/codec.hpp>
#include <concurrent/futures/config.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace concurrent::futures::detail {

/// Where a reply came from, for the errors it may hold: a worker process
/// (its pid) and, on MPI, its rank and host.
struct remote_origin {
  int pid = 0;
  /// The MPI rank, or -1 for a worker process of a process pool.
  int rank = -1;
  std::string_view host = {};

  remote_origin(int pid) noexcept : pid(pid) {} // NOLINT: a pid is an origin
  remote_origin(int pid, int rank, std::string_view host) noexcept
      : pid(pid), rank(rank), host(host) {}
};

/// Encodes the exception being handled: its type, what(), and the fields of
/// a std::system_error. Call inside a catch block.
CONCURRENT_FUTURES_DECL void encode_current_exception(codec_writer& out) noexcept;

/// Rebuilds an exception a worker encoded: the same type for the standard
/// exceptions and registered ones, else remote_error. Throws codec_error
/// when the bytes are not what encode_current_exception writes.
CONCURRENT_FUTURES_DECL std::exception_ptr decode_exception(codec_reader& in,
                                                            remote_origin const& from);

/// Makes the exception a worker reported, from its what().
using exception_factory = std::exception_ptr (*)(std::string const& what);

/// Adds a type to those rebuilt as themselves (keyed by the type's name).
CONCURRENT_FUTURES_DECL void register_exception_factory(std::type_info const& type,
                                                        exception_factory make);

/// The outcome byte that starts a reply.
enum class reply_status : std::uint8_t { value = 0, exception = 1 };

/// True for a byte that may start a reply.
constexpr bool is_reply_status(unsigned byte) noexcept {
  return byte == static_cast<unsigned>(reply_status::value) ||
         byte == static_cast<unsigned>(reply_status::exception);
}

/// Appends a value reply: the status, then `value...` (none for void).
template <class... T>
void write_value_reply(std::vector<std::byte>& out, T const&... value) {
  codec_writer w(out);
  w.write(static_cast<std::uint8_t>(reply_status::value));
  (w.write(value), ...);
}

/// Replaces what was appended from `start` on with the reply of the
/// exception being handled. Call inside a catch block.
inline void write_exception_reply(std::vector<std::byte>& out, std::size_t start) {
  out.resize(start);
  codec_writer w(out);
  w.write(static_cast<std::uint8_t>(reply_status::exception));
  encode_current_exception(w);
}

[[noreturn]] inline void throw_trailing_reply_bytes(std::size_t n) {
  throw codec_error("cf::codec: a worker's reply holds " + std::to_string(n) +
                    " bytes after its outcome; the result type's codec reads less "
                    "than its encode writes");
}

/// Reads a whole reply of a call returning R: calls `on_value(R&&)` (for
/// void, `on_value()`) or `on_exception(std::exception_ptr)`. Throws
/// codec_error when the reply is not one (a bad status, a value R's codec
/// does not read, bytes left over): a value is decoded whole before it is
/// handed on, so a malformed reply never passes for a value.
template <class R, class OnValue, class OnException>
void read_reply(codec_reader& in, remote_origin const& from, OnValue&& on_value,
                OnException&& on_exception) {
  auto const status = in.read<std::uint8_t>();
  if (status == static_cast<std::uint8_t>(reply_status::value)) {
    if constexpr (std::is_void_v<R>) {
      if (in.remaining() != 0)
        throw_trailing_reply_bytes(in.remaining());
      std::forward<OnValue>(on_value)();
    } else {
      R value = in.read<R>();
      if (in.remaining() != 0)
        throw_trailing_reply_bytes(in.remaining());
      std::forward<OnValue>(on_value)(std::move(value));
    }
  } else if (status == static_cast<std::uint8_t>(reply_status::exception)) {
    std::exception_ptr e = decode_exception(in, from);
    if (in.remaining() != 0)
      throw_trailing_reply_bytes(in.remaining());
    std::forward<OnException>(on_exception)(std::move(e));
  } else {
    throw codec_error("cf::codec: a worker's reply starts with status " +
                      std::to_string(status) +
                      ", neither a value (0) nor an exception (1)");
  }
}

/// As above, from the bytes of a whole reply.
template <class R, class OnValue, class OnException>
void read_reply(std::span<std::byte const> reply, remote_origin const& from,
                OnValue&& on_value, OnException&& on_exception) {
  codec_reader in(reply);
  read_reply<R>(in, from, std::forward<OnValue>(on_value),
                std::forward<OnException>(on_exception));
}

/// The exception a reply holds, or null for a value reply (whose value is
/// not read: the initializer's); throws as read_reply for a reply that is
/// neither.
inline std::exception_ptr reply_exception(std::span<std::byte const> reply,
                                          remote_origin const& from) {
  if (!reply.empty() && reply[0] == static_cast<std::byte>(reply_status::value))
    return nullptr;
  std::exception_ptr result;
  read_reply<void>(
      reply, from, [] {}, [&result](std::exception_ptr e) { result = std::move(e); });
  return result;
}

} // namespace concurrent::futures::detail

#endif
