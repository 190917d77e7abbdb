//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_WIRE_CHUNKED_MAP_HPP
#define CONCURRENT_FUTURES_DETAIL_WIRE_CHUNKED_MAP_HPP

#include <concurrent/futures/map.hpp>

#include <cstddef>
#include <ranges>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace concurrent::futures::detail {

/// A chunk of map's inputs as one call: runs `fn` over each tuple (Python's
/// `_process_chunk`). Its fields have codecs when `fn`'s and the inputs' do.
template <class F, class... Args>
struct chunk_call {
  F fn;
  auto operator()(std::vector<std::tuple<Args...>> items) const {
    using R = std::invoke_result_t<F const&, Args&...>;
    std::vector<chunk_value_t<std::remove_cvref_t<R>>> out;
    out.reserve(items.size());
    for (auto& t : items) {
      if constexpr (std::is_void_v<R>) {
        std::apply(fn, t);
        out.push_back(ran::yes);
      } else {
        out.push_back(std::apply(fn, t));
      }
    }
    return out;
  }
};

/// Submits `fn` over the inputs taken in lockstep, `chunksize` tuples per
/// call (Python's `ProcessPoolExecutor.map`); `submit(fn, args...)` is the
/// executor's.
template <class T, class Submit, class F, class... Ranges>
class chunk_source final : public map_source<T> {
public:
  template <class G>
  chunk_source(Submit submit, std::ptrdiff_t chunksize, G&& fn, Ranges&&... ranges)
      : submit_(submit), call_{std::forward<G>(fn)}, chunksize_(chunksize),
        ranges_(stored_range<Ranges>(std::forward<Ranges>(ranges))...),
        iterators_(std::apply(
            [](auto&... r) { return std::tuple(std::ranges::begin(r.get())...); },
            ranges_)) {}

  std::size_t submit_some(map_window<T>& window, std::size_t /*most*/) override {
    std::vector<std::tuple<std::decay_t<std::ranges::range_reference_t<Ranges>>...>>
        items;
    while (static_cast<std::ptrdiff_t>(items.size()) < chunksize_ &&
           !at_end(std::index_sequence_for<Ranges...>{})) {
      std::apply([&items](auto&... it) { items.emplace_back(*it...); }, iterators_);
      std::apply([](auto&... it) { (++it, ...); }, iterators_);
    }
    if (items.empty())
      return 0;
    // A chunk per call: it is one message, so batching saves little.
    make_room(window.chunks);
    window.chunks.push_back(submit_(call_, std::move(items)));
    return 1;
  }

  void reserve(map_window<T>& window, std::size_t calls) override {
    window.chunks.set_capacity(calls);
  }

  std::size_t calls_hint() override {
    std::size_t const n = zip_size_hint(ranges_);
    return n / static_cast<std::size_t>(chunksize_) +
           (n % static_cast<std::size_t>(chunksize_) != 0);
  }

private:
  template <std::size_t... I>
  bool at_end(std::index_sequence<I...>) {
    return ((std::get<I>(iterators_) == std::ranges::end(std::get<I>(ranges_).get())) ||
            ...);
  }

  Submit submit_;
  chunk_call<F, std::decay_t<std::ranges::range_reference_t<Ranges>>...> call_;
  std::ptrdiff_t chunksize_;
  std::tuple<stored_range<Ranges>...> ranges_;
  std::tuple<stored_iterator_t<Ranges>...> iterators_;
};

} // namespace concurrent::futures::detail

#endif
