//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/mpi_pool_executor.hpp>

#include "detail/mpi/engine.hpp"
#include "detail/mpi/mpi_call.hpp"

#include <mpi.h>

#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace concurrent::futures {

namespace mpi = detail::mpi;

namespace {

// mpi4py's rule: the argument, the variable, the universe's free room, 1.
int workers_to_spawn(std::optional<int> const& asked) {
  if (asked) {
    if (*asked <= 0)
      throw std::invalid_argument("max_workers must be greater than 0");
    return *asked;
  }
  if (char const* v = std::getenv("CONCURRENT_FUTURES_MPI_MAX_WORKERS")) {
    char* end = nullptr;
    long const n = std::strtol(v, &end, 10);
    if (end == v || *end != '\0' || n <= 0 || n > INT_MAX)
      throw std::invalid_argument(
          std::string("CONCURRENT_FUTURES_MPI_MAX_WORKERS must be a number greater than "
                      "0, not '") +
          v + "'");
    return static_cast<int>(n);
  }
  int* universe = nullptr;
  int found = 0;
  MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_UNIVERSE_SIZE, &universe, &found);
  int world = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &world);
  if (found && universe && *universe - world > 0)
    return *universe - world;
  return 1;
}

std::string this_program() {
  char buf[PATH_MAX];
  ssize_t const n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0)
    throw std::runtime_error("mpi_pool_executor: cannot read /proc/self/exe to spawn "
                             "this program; pass options.program");
  return std::string(buf, static_cast<std::size_t>(n));
}

} // namespace

mpi_pool_executor::mpi_pool_executor(mpi_pool_options options) {
  char const* const who = "mpi_pool_executor";
  mpi::require_ready(who);
  if (mpi::spawned_worker_marker()) {
    // A worker whose main did not serve reached a pool of its own: it would
    // spawn workers of its own, and so on (mpi4py aborts the same way).
    std::fprintf(stderr,
                 "concurrent-futures: a worker spawned by mpi_pool_executor reached "
                 "mpi_pool_executor itself: its main does not begin with "
                 "cf::mpi_environment, which makes it serve. Aborting the job\n");
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  auto config = mpi::make_engine_config(options, who);
  config.env = options.env;
  config.spawned = true;
  int const n = workers_to_spawn(options.max_workers);
  std::string const program = options.program.empty() ? this_program() : options.program;

  MPI_Comm inter = MPI_COMM_NULL;
  std::vector<int> errors(static_cast<std::size_t>(n), MPI_SUCCESS);
  {
    mpi::call_lock lock;
    MPI_Info info = MPI_INFO_NULL;
    if (!options.mpi_info.empty()) {
      mpi::check(MPI_Info_create(&info), "MPI_Info_create");
      for (auto const& [key, value] : options.mpi_info)
        MPI_Info_set(info, key.c_str(), value.c_str());
    }
    char marker[] = "--concurrent-futures-mpi-worker";
    char* argv[] = {marker, nullptr};
    MPI_Errhandler old;
    MPI_Comm_get_errhandler(MPI_COMM_SELF, &old);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    int const rc = MPI_Comm_spawn(program.c_str(), argv, n, info, 0, MPI_COMM_SELF,
                                  &inter, errors.data());
    MPI_Comm_set_errhandler(MPI_COMM_SELF, old);
    if (info != MPI_INFO_NULL)
      MPI_Info_free(&info);
    int first_error = MPI_SUCCESS;
    for (int e : errors)
      if (e != MPI_SUCCESS && first_error == MPI_SUCCESS)
        first_error = e;
    if (rc != MPI_SUCCESS || first_error != MPI_SUCCESS)
      throw std::runtime_error(
          "mpi_pool_executor: MPI_Comm_spawn of " + std::to_string(n) + " workers of " +
          program + " failed: " + mpi::error_text(rc != MPI_SUCCESS ? rc : first_error) +
          ". Open MPI spawns only into free slots: on one machine set "
          "OMPI_MCA_rmaps_base_oversubscribe=1 (or run mpirun --oversubscribe), or give "
          "hosts with free slots in mpi_info ({\"host\", \"node2:4\"})");
    MPI_Comm_set_errhandler(inter, MPI_ERRORS_RETURN);
  }
  std::vector<int> workers;
  for (int r = 0; r < n; ++r)
    workers.push_back(r);
  engine_ = std::make_shared<mpi::engine>(inter, std::move(workers), std::move(config));
}

mpi_pool_executor::~mpi_pool_executor() {
  shutdown(true, false);
}

} // namespace concurrent::futures
