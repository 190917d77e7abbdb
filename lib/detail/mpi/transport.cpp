//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "transport.hpp"

#include "mpi_call.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

namespace concurrent::futures::detail::mpi {

std::size_t piece_bytes() {
  static std::size_t const bytes = [] {
    std::size_t n = std::size_t{1} << 30;
    if (char const* v = std::getenv("CONCURRENT_FUTURES_MPI_PIECE_BYTES")) {
      long long const m = std::atoll(v);
      if (m >= 64)
        n = static_cast<std::size_t>(m);
    }
    return n;
  }();
  return bytes;
}

void build_frame(std::vector<std::byte>& out, std::uint64_t call_id,
                 std::span<std::byte const> payload) {
  out.resize(frame_header_bytes + payload.size());
  std::uint64_t const size = payload.size();
  std::memcpy(out.data(), &call_id, 8);
  std::memcpy(out.data() + 8, &size, 8);
  if (!payload.empty())
    std::memcpy(out.data() + frame_header_bytes, payload.data(), payload.size());
}

void seal_frame(std::vector<std::byte>& frame, std::uint64_t call_id) noexcept {
  std::uint64_t const size = frame.size() - frame_header_bytes;
  std::memcpy(frame.data(), &call_id, 8);
  std::memcpy(frame.data() + 8, &size, 8);
}

void send_now(MPI_Comm comm, int dest, int tag, std::span<std::byte const> frame) {
  std::size_t const piece = piece_bytes();
  std::size_t offset = 0;
  do {
    std::size_t const n = std::min(piece, frame.size() - offset);
    check(MPI_Send(frame.data() + offset, static_cast<int>(n), MPI_BYTE, dest,
                   offset == 0 ? tag : tag_more, comm),
          "MPI_Send");
    offset += n;
  } while (offset < frame.size());
}

void start_send(MPI_Comm comm, int dest, int tag, outgoing& out) {
  out.dest = dest;
  out.requests.clear();
  std::size_t const piece = piece_bytes();
  std::size_t offset = 0;
  do {
    std::size_t const n = std::min(piece, out.bytes.size() - offset);
    MPI_Request r = MPI_REQUEST_NULL;
    check(MPI_Isend(out.bytes.data() + offset, static_cast<int>(n), MPI_BYTE, dest,
                    offset == 0 ? tag : tag_more, comm, &r),
          "MPI_Isend");
    out.requests.push_back(r);
    offset += n;
  } while (offset < out.bytes.size());
}

bool send_done(outgoing& out) {
  if (out.requests.empty())
    return true;
  int flag = 0;
  check(MPI_Testall(static_cast<int>(out.requests.size()), out.requests.data(), &flag,
                    MPI_STATUSES_IGNORE),
        "MPI_Testall");
  if (flag)
    out.requests.clear();
  return flag != 0;
}

void abandon_send(outgoing& out) noexcept {
  for (auto& r : out.requests)
    if (r != MPI_REQUEST_NULL)
      MPI_Request_free(&r);
  out.requests.clear();
  // MPI may still read the bytes: they must outlive the request.
  new std::vector<std::byte>(std::move(out.bytes)); // NOLINT: on purpose
}

namespace {

// Receives one matched message, appending it to `into`.
void receive_matched(MPI_Message& msg, MPI_Status& status, std::vector<std::byte>& into) {
  int count = 0;
  check(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
  if (count < 0 || count == MPI_UNDEFINED)
    throw std::runtime_error("an MPI message of undefined size");
  std::size_t const at = into.size();
  into.resize(at + static_cast<std::size_t>(count));
  check(MPI_Mrecv(into.data() + at, count, MPI_BYTE, &msg, MPI_STATUS_IGNORE),
        "MPI_Mrecv");
}

} // namespace

bool try_receive(MPI_Comm comm, int source, incoming& in) {
  int flag = 0;
  MPI_Message msg = MPI_MESSAGE_NULL;
  MPI_Status status;
  check(MPI_Improbe(source, MPI_ANY_TAG, comm, &flag, &msg, &status), "MPI_Improbe");
  if (!flag)
    return false;
  std::vector<std::byte>& bytes = in.frame;
  bytes.clear();
  receive_matched(msg, status, bytes);
  in.source = status.MPI_SOURCE;
  in.tag = status.MPI_TAG;
  if (in.tag == tag_more)
    throw std::runtime_error("rank " + std::to_string(in.source) +
                             " sent the rest of a message that never began");
  if (bytes.size() < frame_header_bytes)
    throw std::runtime_error("rank " + std::to_string(in.source) + " sent a message of " +
                             std::to_string(bytes.size()) +
                             " bytes, shorter than a frame header");
  std::uint64_t size = 0;
  std::memcpy(&in.call_id, bytes.data(), 8);
  std::memcpy(&size, bytes.data() + 8, 8);
  if (size > (std::uint64_t{1} << 46))
    throw std::runtime_error("rank " + std::to_string(in.source) +
                             " announced a message of " + std::to_string(size) +
                             " bytes");
  std::size_t const total = frame_header_bytes + static_cast<std::size_t>(size);
  if (bytes.size() > total)
    throw std::runtime_error("rank " + std::to_string(in.source) +
                             " sent more bytes than its frame announced");
  bytes.reserve(total);
  while (bytes.size() < total) {
    check(MPI_Improbe(in.source, tag_more, comm, &flag, &msg, &status), "MPI_Improbe");
    if (!flag) {
      std::this_thread::yield();
      continue;
    }
    receive_matched(msg, status, bytes);
    if (bytes.size() > total)
      throw std::runtime_error("rank " + std::to_string(in.source) +
                               " sent more bytes than its frame announced");
  }
  return true;
}

} // namespace concurrent::futures::detail::mpi
