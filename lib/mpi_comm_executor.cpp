//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/mpi_comm_executor.hpp>

#include "detail/mpi/engine.hpp"
#include "detail/mpi/mpi_call.hpp"
#include "detail/mpi/serve.hpp"

#include <mpi.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace concurrent::futures {

namespace mpi = detail::mpi;

mpi_comm_executor::mpi_comm_executor(mpi_comm_options options) {
  char const* const who = "mpi_comm_executor";
  mpi::require_ready(who);
  if (mpi::spawned_worker_marker())
    throw std::logic_error(
        "mpi_comm_executor: this process is a worker an mpi_pool_executor spawned, and "
        "its main does not begin with cf::mpi_environment, which makes it serve");
  auto config = mpi::make_engine_config(options, who);
  int size = 0, rank = 0, inter = 0;
  {
    mpi::call_lock lock;
    mpi::check(MPI_Comm_test_inter(options.comm, &inter), "MPI_Comm_test_inter");
    if (inter)
      throw std::invalid_argument("mpi_comm_executor: comm is an intercommunicator; pass "
                                  "an intracommunicator (MPI_COMM_WORLD by default)");
    mpi::check(MPI_Comm_size(options.comm, &size), "MPI_Comm_size");
    mpi::check(MPI_Comm_rank(options.comm, &rank), "MPI_Comm_rank");
  }
  if (options.root < 0 || options.root >= size)
    throw std::invalid_argument(
        "mpi_comm_executor: root " + std::to_string(options.root) +
        " is not a rank of a communicator of " + std::to_string(size) + " ranks");
  if (size < 2)
    throw std::invalid_argument(
        "mpi_comm_executor: the communicator has one rank, so no rank can serve; start "
        "the program with mpirun -n N (N >= 2), or use mpi_pool_executor, which spawns "
        "its workers");
  MPI_Comm comm = MPI_COMM_NULL;
  {
    mpi::call_lock lock;
    mpi::check(MPI_Comm_dup(options.comm, &comm), "MPI_Comm_dup");
    MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
  }
  root_ = rank == options.root;
  if (!root_) {
    int const status = mpi::serve(comm, options.root, who);
    mpi::call_lock lock;
    MPI_Comm_free(&comm);
    if (status != 0)
      throw std::runtime_error("mpi_comm_executor: this worker rank could not serve");
    return;
  }
  std::vector<int> workers;
  for (int r = 0; r < size; ++r)
    if (r != options.root)
      workers.push_back(r);
  engine_ = std::make_shared<mpi::engine>(comm, std::move(workers), std::move(config));
}

mpi_comm_executor::~mpi_comm_executor() {
  shutdown(true, false);
}

} // namespace concurrent::futures
