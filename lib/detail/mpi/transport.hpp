//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_MPI_TRANSPORT_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_MPI_TRANSPORT_HPP

// Frames (protocol.hpp) over MPI point-to-point messages, without blocking
// the thread that polls: a send is started and tested later, a receive is
// a probe that finds a whole frame or nothing. The caller holds call_lock.

#include "protocol.hpp"

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace concurrent::futures::detail::mpi {

/// A frame on its way: its bytes stay here until MPI is done with them.
struct outgoing {
  std::vector<std::byte> bytes;
  std::vector<MPI_Request> requests;
  int dest = -1;
};

/// Makes a frame's bytes: the header, then `payload`.
void build_frame(std::vector<std::byte>& out, std::uint64_t call_id,
                 std::span<std::byte const> payload);

/// Writes the header of a frame whose payload was appended after
/// `frame_header_bytes` reserved bytes.
void seal_frame(std::vector<std::byte>& frame, std::uint64_t call_id) noexcept;

/// Sends a whole frame and returns when MPI is done with its bytes: at once
/// for a small one (eager), once matched for a large one. For a worker,
/// whose root always polls; the root never blocks so.
void send_now(MPI_Comm comm, int dest, int tag, std::span<std::byte const> frame);

/// Starts sending `out.bytes` (a whole frame) to `dest`.
void start_send(MPI_Comm comm, int dest, int tag, outgoing& out);

/// True once every piece of `out` left (the buffer may be reused).
bool send_done(outgoing& out);

/// Gives up on a send to a lost rank (its buffer is then leaked: MPI may
/// still read it).
void abandon_send(outgoing& out) noexcept;

/// A frame received: the whole frame, header first, so that a receive
/// allocates once and copies nothing.
struct incoming {
  int source = -1;
  int tag = -1;
  std::uint64_t call_id = 0;
  std::vector<std::byte> frame;

  std::span<std::byte const> payload() const noexcept {
    return std::span<std::byte const>(frame).subspan(frame_header_bytes);
  }
};

/// Receives the next frame from `source` (MPI_ANY_SOURCE: any) if one has
/// arrived; false if none. A frame in pieces is received whole: its rest
/// is on its way, so this waits for it.
bool try_receive(MPI_Comm comm, int source, incoming& in);

} // namespace concurrent::futures::detail::mpi

#endif
