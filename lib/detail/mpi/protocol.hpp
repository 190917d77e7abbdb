//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_MPI_PROTOCOL_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_MPI_PROTOCOL_HPP

// The messages between the root and its worker ranks (mpi4py's protocol
// shape, the process pool's call and reply format inside).
//
//   root -> worker  setup  once: options, the root's module table, the
//                          initializer's call message, environment
//   worker -> root  hello  once: host, pid, a build mismatch, the
//                          initializer's reply
//   root -> worker  call   [u64 call id][u64 size][the Wire's call message]
//   worker -> root  reply  [u64 call id][u64 size][u8 how][the Wire's reply
//                          or, for a crashed isolated call, what died]
//   both ways       beat   (empty) with a heartbeat
//   root -> worker  stop   (empty): no more calls
//
// Every message is MPI_BYTE, received with Improbe + Mrecv, so of any size;
// one larger than a piece (1 GiB: MPI counts are int) is followed by its
// rest in `more` messages, which MPI keeps in order.

#include <concurrent/futures/codec.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace concurrent::futures::detail::mpi {

enum tag : int {
  tag_setup = 7101,
  tag_hello,
  tag_call,
  tag_reply,
  tag_beat,
  tag_stop,
  tag_more,
};

/// How a worker's reply ends a call.
enum class reply_kind : std::uint8_t {
  outcome = 0, // the Wire's reply: a value or an exception
  crashed = 1, // the isolated process running it died: pid, signal, text
};

struct setup_message {
  std::int32_t calls_per_worker = 2;
  std::int64_t poll_max_us = 1000;
  std::int64_t heartbeat_ms = 0;
  bool isolate_calls = false;
  std::string module_table;
  std::string initializer; // a call message, or empty
  std::vector<std::pair<std::string, std::string>> env;
};

struct hello_message {
  std::string host;
  std::int32_t pid = 0;
  std::string build_mismatch;    // empty: the root's build
  std::string initializer_error; // empty: ran, or none
};

/// A setup or a hello as bytes: aggregates, so cf::codec writes them field by
/// field (Boost.PFR), and reads them back whole or throws codec_error.
template <class Message>
std::vector<std::byte> encode_message(Message const& m) {
  std::vector<std::byte> out;
  codec_writer(out).write(m);
  return out;
}

template <class Message>
Message decode_message(std::span<std::byte const> bytes) {
  codec_reader r(bytes);
  auto m = r.template read<Message>();
  if (r.remaining() != 0)
    throw codec_error("an MPI executor's setup or hello has bytes after its end");
  return m;
}

struct crash_report {
  std::int32_t pid = 0;
  std::int32_t signal = 0;
  std::string what;
};

/// The header of a call or a reply.
struct frame_header {
  std::uint64_t call_id = 0;
  std::uint64_t size = 0; // of what follows the header, all pieces together
};
inline constexpr std::size_t frame_header_bytes = 16;

/// The largest piece one MPI message carries; a test may lower it
/// (CONCURRENT_FUTURES_MPI_PIECE_BYTES) to cross the piece boundary with
/// small values.
std::size_t piece_bytes();

/// A clock for heartbeats and backoff.
using clock = std::chrono::steady_clock;

} // namespace concurrent::futures::detail::mpi

#endif
