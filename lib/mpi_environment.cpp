//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/mpi_environment.hpp>

#include "detail/mpi/mpi_call.hpp"
#include "detail/mpi/serve.hpp"

#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace concurrent::futures {

namespace mpi = detail::mpi;

mpi_environment::mpi_environment(int& argc, char**& argv) {
  start(&argc, &argv);
}

mpi_environment::mpi_environment() {
  start(nullptr, nullptr);
}

void mpi_environment::start(int* argc, char*** argv) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  int provided = MPI_THREAD_SINGLE;
  if (!initialized) {
    // Open MPI yields the CPU in every MPI call that finds nothing when the
    // job has more processes than cores (mpirun --oversubscribe). The
    // executors poll with their own backoff, so those yields were pure loss:
    // 10k round trips made 7.6 context switches per call on the root, p50
    // 93 us instead of 8.5 us (bench/README.md). A setting of the user's
    // wins.
    ::setenv("OMPI_MCA_mpi_yield_when_idle", "0", 0);
    mpi::check(MPI_Init_thread(argc, argv, MPI_THREAD_MULTIPLE, &provided),
               "MPI_Init_thread");
    initialized_here_ = true;
  } else {
    MPI_Query_thread(&provided);
  }
  if (provided < MPI_THREAD_SERIALIZED) {
    if (initialized_here_)
      MPI_Finalize();
    throw std::runtime_error(
        "cf::mpi_environment: MPI provides thread level " + std::to_string(provided) +
        ", below MPI_THREAD_SERIALIZED (" + std::to_string(MPI_THREAD_SERIALIZED) +
        "); the MPI executors make MPI calls from their own thread. Use an MPI built "
        "with thread support");
  }
  bool const marked = argc && argv ? mpi::spawned_worker_marker(*argc, *argv)
                                   : mpi::spawned_worker_marker();
  MPI_Comm parent = MPI_COMM_NULL;
  MPI_Comm_get_parent(&parent);
  if (!marked || parent == MPI_COMM_NULL)
    return;
  // A worker an mpi_pool_executor spawned: serve, and never return to main.
  MPI_Comm_set_errhandler(parent, MPI_ERRORS_RETURN);
  int const status = mpi::serve(parent, 0, "mpi_pool_executor");
  MPI_Comm_disconnect(&parent);
  if (initialized_here_)
    MPI_Finalize();
  std::exit(status);
}

mpi_environment::~mpi_environment() {
  std::string why;
  if (mpi::lost_rank(&why)) {
    std::fprintf(
        stderr,
        "concurrent-futures: a rank was lost (%s); ending the job with MPI_Abort, "
        "since MPI_Finalize would wait for that rank forever\n",
        why.c_str());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (initialized_here_ && !finalized)
    MPI_Finalize();
}

int mpi_environment::rank() const noexcept {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int mpi_environment::size() const noexcept {
  int n = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

int mpi_environment::thread_level() const noexcept {
  int level = MPI_THREAD_SINGLE;
  MPI_Query_thread(&level);
  return level;
}

} // namespace concurrent::futures
