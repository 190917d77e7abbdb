//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "protocol.hpp"

namespace concurrent::futures::detail::mpi {

std::vector<std::byte> setup_message::encode() const {
  std::vector<std::byte> out;
  codec_writer w(out);
  w.write(calls_per_worker);
  w.write(poll_max_us);
  w.write(heartbeat_ms);
  w.write(isolate_calls);
  w.write(module_table);
  w.write(initializer);
  w.write(env);
  return out;
}

setup_message setup_message::decode(std::span<std::byte const> bytes) {
  codec_reader r(bytes);
  setup_message m;
  m.calls_per_worker = r.read<std::int32_t>();
  m.poll_max_us = r.read<std::int64_t>();
  m.heartbeat_ms = r.read<std::int64_t>();
  m.isolate_calls = r.read<bool>();
  m.module_table = r.read<std::string>();
  m.initializer = r.read<std::string>();
  m.env = r.read<std::vector<std::pair<std::string, std::string>>>();
  if (r.remaining() != 0)
    throw codec_error("the root's setup message has bytes after its end");
  return m;
}

std::vector<std::byte> hello_message::encode() const {
  std::vector<std::byte> out;
  codec_writer w(out);
  w.write(host);
  w.write(pid);
  w.write(build_mismatch);
  w.write(initializer_error);
  return out;
}

hello_message hello_message::decode(std::span<std::byte const> bytes) {
  codec_reader r(bytes);
  hello_message m;
  m.host = r.read<std::string>();
  m.pid = r.read<std::int32_t>();
  m.build_mismatch = r.read<std::string>();
  m.initializer_error = r.read<std::string>();
  if (r.remaining() != 0)
    throw codec_error("a worker's hello has bytes after its end");
  return m;
}

} // namespace concurrent::futures::detail::mpi
