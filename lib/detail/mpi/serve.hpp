//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_MPI_SERVE_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_MPI_SERVE_HPP

// A worker rank's side: setup, hello, then calls until the root says stop.

#include <mpi.h>

#include <string>

namespace concurrent::futures::detail::mpi {

/// Serves the root (`root` in `comm`, or in its remote group for an
/// intercommunicator) until it says stop, then acknowledges. Returns 0, or
/// 1 after writing to stderr why it could not go on.
int serve(MPI_Comm comm, int root, std::string const& who);

} // namespace concurrent::futures::detail::mpi

#endif
