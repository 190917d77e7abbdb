//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Outside the guard: included first, this header still gets the whole codec,
// itself included in its place, after what it needs.
#include <concurrent/futures/codec.hpp>

#ifndef CONCURRENT_FUTURES_DETAIL_CODEC_CHRONO_HPP
#define CONCURRENT_FUTURES_DETAIL_CODEC_CHRONO_HPP

// std::chrono::duration, and time_point of the clocks whose epoch every
// process on the machine shares.

#include <concurrent/futures/detail/codec/bounds.hpp>
#include <concurrent/futures/detail/codec/refusal.hpp>

#include <chrono>
#include <cstddef>

namespace concurrent::futures::detail {

template <class Rep, class Period>
struct duration_codec {
  using duration = std::chrono::duration<Rep, Period>;
  static constexpr std::size_t min_encoded_size = min_size<Rep>;

  static void encode(codec_writer& w, duration const& d) { w.write(d.count()); }
  static duration decode(codec_reader& r) { return duration(r.read<Rep>()); }
};

// steady_clock's epoch is the machine's boot, the same for every process on
// it; other clocks may not share an epoch between processes.
template <class Clock, class Duration>
struct time_point_codec {
  using time_point = std::chrono::time_point<Clock, Duration>;
  static constexpr std::size_t min_encoded_size = min_size<Duration>;

  static void encode(codec_writer& w, time_point const& t) {
    w.write(t.time_since_epoch());
  }
  static time_point decode(codec_reader& r) { return time_point(r.read<Duration>()); }
};

template <class Rep, class Period>
struct builtin_codec<std::chrono::duration<Rep, Period>>
    : composite<std::chrono::duration<Rep, Period>, duration_codec<Rep, Period>, Rep> {};

template <class Duration>
struct builtin_codec<std::chrono::time_point<std::chrono::system_clock, Duration>>
    : composite<std::chrono::time_point<std::chrono::system_clock, Duration>,
                time_point_codec<std::chrono::system_clock, Duration>, Duration> {};

template <class Duration>
struct builtin_codec<std::chrono::time_point<std::chrono::steady_clock, Duration>>
    : composite<std::chrono::time_point<std::chrono::steady_clock, Duration>,
                time_point_codec<std::chrono::steady_clock, Duration>, Duration> {};

} // namespace concurrent::futures::detail

#endif
