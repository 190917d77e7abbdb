//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_HPP
#define CONCURRENT_FUTURES_HPP

/// @file
/// Python's `concurrent.futures` on Boost.Asio: everything in one include
/// (the MPI executors have theirs, `<concurrent/futures/mpi.hpp>`).

#include <concurrent/futures/after.hpp>
#include <concurrent/futures/as_completed.hpp>
#include <concurrent/futures/codec.hpp>
#include <concurrent/futures/config.hpp>
#include <concurrent/futures/exceptions.hpp>
#include <concurrent/futures/executor.hpp>
#include <concurrent/futures/future.hpp>
#include <concurrent/futures/map.hpp>
#include <concurrent/futures/process_pool_executor.hpp>
#include <concurrent/futures/promise.hpp>
#include <concurrent/futures/remote_executor.hpp>
#include <concurrent/futures/return_when.hpp>
#include <concurrent/futures/run_in_executor.hpp>
#include <concurrent/futures/thread_pool_executor.hpp>
#include <concurrent/futures/wait.hpp>

#endif
