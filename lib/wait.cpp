//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/wait.hpp>

#include "detail/future/wait_condition.hpp"
#include "detail/sys/futex.hpp"

#include <memory>
#include <stdexcept>
#include <string>

namespace concurrent::futures::detail {

namespace {

// Values of the signal word: the condition is not met yet, it is met, or
// the waiting thread sleeps on the futex and must be woken.
constexpr std::uint32_t not_signalled = 0;
constexpr std::uint32_t signalled = 1;
constexpr std::uint32_t sleeping = 2;

struct wait_context {
  std::atomic<std::uint32_t> signal{not_signalled};
  std::atomic<std::ptrdiff_t> remaining{0};
  return_when mode = return_when::all_completed;

  // One future settled (from its completing thread, under its lock, or while
  // the waiter is being installed).
  void settled(bool with_exception) noexcept {
    if (wait_condition_met(mode, with_exception, remaining)) {
      if (signal.exchange(signalled, std::memory_order_acq_rel) == sleeping)
        futex_wake_all(signal);
    }
  }

  // Blocks until signalled or the deadline.
  void block(deadline_type const& deadline) noexcept {
    std::uint32_t v = signal.load(std::memory_order_acquire);
    while (v != signalled) {
      if (v == not_signalled &&
          !signal.compare_exchange_weak(v, sleeping, std::memory_order_acq_rel,
                                        std::memory_order_acquire))
        continue;
      if (!futex_wait(signal, sleeping, deadline))
        return;
      v = signal.load(std::memory_order_acquire);
    }
  }
};

struct wait_node final : waiter {
  wait_context* context = nullptr;

  wait_node() noexcept : waiter(wake_on::settled) {}

  void complete(shared_state_base& s, future_status now) noexcept override {
    context->settled(now == future_status::finished && s.stored_exception() != nullptr);
  }
};

// Python's early return, before any waiter is installed.
bool already_satisfied(std::span<shared_state_base* const> states,
                       return_when mode) noexcept {
  bool all = true;
  for (auto* s : states) {
    bool const settled = s->settled();
    if (settled && mode == return_when::first_completed)
      return true;
    if (settled && mode == return_when::first_exception && finished_with_exception(*s))
      return true;
    all = all && settled;
  }
  return all;
}

} // namespace

void throw_invalid_return_when(return_when value) {
  throw std::invalid_argument(
      "Invalid return condition: " + std::to_string(static_cast<int>(value)) +
      " (use cf::first_completed, cf::first_exception or cf::all_completed)");
}

void wait_states(std::span<shared_state_base* const> states, wait_options const& options,
                 std::vector<char>& done) {
  auto const deadline = to_deadline(options.timeout);
  auto const mode = options.return_when;
  if (!already_satisfied(states, mode)) {
    if (mode != return_when::first_completed && mode != return_when::first_exception &&
        mode != return_when::all_completed)
      throw_invalid_return_when(mode);

    wait_context context;
    context.mode = mode;
    context.remaining.store(static_cast<std::ptrdiff_t>(states.size()),
                            std::memory_order_relaxed);
    auto nodes = std::make_unique<wait_node[]>(states.size());
    for (std::size_t i = 0; i < states.size(); ++i) {
      nodes[i].context = &context;
      if (!states[i]->add_waiter(nodes[i]))
        context.settled(finished_with_exception(*states[i]));
    }
    context.block(deadline);
    // After this loop no completion can touch `context` or a node: each ran
    // under the lock that remove_waiter takes.
    for (std::size_t i = 0; i < states.size(); ++i)
      states[i]->remove_waiter(nodes[i]);
  }
  done.assign(states.size(), 0);
  for (std::size_t i = 0; i < states.size(); ++i)
    done[i] = states[i]->settled() ? 1 : 0;
}

} // namespace concurrent::futures::detail
