//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_MPI_HPP
#define CONCURRENT_FUTURES_MPI_HPP

/// @file
/// The MPI executors (target `concurrent::futures_mpi`): the process pool's
/// futures across machines.
#include <concurrent/futures/mpi_comm_executor.hpp>
#include <concurrent/futures/mpi_environment.hpp>
#include <concurrent/futures/mpi_pool_executor.hpp>

#endif
