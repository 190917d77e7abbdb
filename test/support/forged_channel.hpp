//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_TEST_SUPPORT_FORGED_CHANNEL_HPP
#define CONCURRENT_FUTURES_TEST_SUPPORT_FORGED_CHANNEL_HPP

// A worker's shared memory laid out as a pool lays it out, made by a test
// that plays the pool's part: the tests of who may turn a program into a
// worker hand it over with a role variable of their own.

#include <detail/process/channel.hpp>
#include <detail/process/memfd.hpp>
#include <detail/process/worker.hpp>

#include <cstddef>
#include <cstring>
#include <span>
#include <vector>

namespace test {

struct forged_channel {
  int memfd = -1; // named as the pool names it; the caller closes it
  concurrent::futures::detail::process::channel chan;
};

/// A channel whose setup holds `modules` (a module table as the pool
/// encodes it) and no initializer, carrying `secret`.
inline forged_channel
forge_channel(std::span<std::byte const> modules,
              concurrent::futures::detail::process::role_secret const& secret) {
  namespace dp = concurrent::futures::detail::process;
  std::vector<std::byte> setup(sizeof(dp::setup_header));
  dp::setup_header const sh{static_cast<std::uint32_t>(modules.size()), 0, 0};
  std::memcpy(setup.data(), &sh, sizeof sh);
  setup.insert(setup.end(), modules.begin(), modules.end());
  std::uint32_t const ring = dp::channel::default_ring_bytes;
  forged_channel out;
  out.memfd = dp::create_memfd(
      "concurrent-futures-worker",
      dp::channel::region_size(ring, static_cast<std::uint32_t>(setup.size())));
  auto region = dp::map_memfd(out.memfd);
  auto* h = ::new (region.get_address()) dp::channel_header();
  h->ring_bytes = ring;
  h->setup_bytes = static_cast<std::uint32_t>(setup.size());
  std::memcpy(h->secret, secret.data(), secret.size());
  std::memcpy(static_cast<std::byte*>(region.get_address()) + dp::channel::setup_offset,
              setup.data(), setup.size());
  h->magic = dp::channel_magic;
  out.chan = dp::channel(std::move(region));
  return out;
}

} // namespace test

#endif
