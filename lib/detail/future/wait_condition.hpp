//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_FUTURE_WAIT_CONDITION_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_FUTURE_WAIT_CONDITION_HPP

// When wait()'s return_when is met: shared by the blocking wait and the
// asynchronous one, so the two cannot disagree.

#include <concurrent/futures/detail/shared_state.hpp>
#include <concurrent/futures/return_when.hpp>

#include <atomic>
#include <cstddef>

namespace concurrent::futures::detail {

inline bool finished_with_exception(shared_state_base const& s) noexcept {
  return s.status() == future_status::finished && s.stored_exception();
}

/// One future of the set settled (`with_exception`: it finished with one);
/// true if `mode` is met now. `remaining` counts the futures not settled,
/// for all_completed (and first_exception, which ends with all too).
inline bool wait_condition_met(return_when mode, bool with_exception,
                               std::atomic<std::ptrdiff_t>& remaining) noexcept {
  if (mode == return_when::first_completed ||
      (mode == return_when::first_exception && with_exception))
    return true;
  return remaining.fetch_sub(1, std::memory_order_acq_rel) == 1;
}

} // namespace concurrent::futures::detail

#endif
