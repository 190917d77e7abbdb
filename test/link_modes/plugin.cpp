//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "plugin.hpp"

#include <concurrent/futures/process_pool_executor.hpp>

#include <chrono>
#include <exception>

namespace cf = concurrent::futures;

namespace {
int seven() {
  return 7;
}
} // namespace

std::string plugin_run(int method) {
  try {
    cf::process_pool_executor pool{{.max_workers = 1,
                                    .start_method = method == 0
                                                        ? cf::start_method::forkserver
                                                        : cf::start_method::spawn}};
    return std::to_string(pool.submit(seven).result(std::chrono::seconds(60)));
  } catch (std::exception const& e) {
    return e.what();
  }
}
