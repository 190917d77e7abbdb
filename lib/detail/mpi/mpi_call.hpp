//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_MPI_MPI_CALL_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_MPI_MPI_CALL_HPP

// Making MPI calls from the executors' threads. Each executor's own thread
// makes all of its MPI calls, so MPI_THREAD_SERIALIZED would do for one
// executor; with several, or with MPI initialized below MULTIPLE by the
// program, their threads take one lock per call (mpi4py does the same).

#include <mpi.h>

#include <mutex>
#include <string>

namespace concurrent::futures::detail::mpi {

/// Held around every MPI call of the executors when MPI is not
/// MPI_THREAD_MULTIPLE.
class call_lock {
public:
  call_lock();
  ~call_lock();
  call_lock(call_lock const&) = delete;
  call_lock& operator=(call_lock const&) = delete;

private:
  bool locked_;
};

/// MPI's text for an error code.
std::string error_text(int code);

/// Throws std::runtime_error("<what>: <MPI's text>") unless rc is MPI_SUCCESS.
void check(int rc, char const* what);

/// Throws std::logic_error unless MPI is initialized (and not finalized) at
/// MPI_THREAD_SERIALIZED or above.
void require_ready(char const* who);

/// This host's name, as MPI gives it.
std::string host_name();

/// True in a process an mpi_pool_executor spawned (its command line holds
/// the worker's marker).
bool spawned_worker_marker(int argc, char** argv);
bool spawned_worker_marker();

/// The argument that marks a spawned worker.
inline constexpr char const* worker_marker = "--concurrent-futures-mpi-worker";

/// Set when an executor lost a rank: MPI_Finalize would wait for it.
void note_lost_rank(std::string const& why);
bool lost_rank(std::string* why);

} // namespace concurrent::futures::detail::mpi

#endif
