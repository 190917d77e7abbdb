// A user's MPI program against the installed package: one worker spawned
// from a program started alone.
#include <concurrent/futures/mpi.hpp>

#include <iostream>

namespace cf = concurrent::futures;

int triple(int x) {
  return 3 * x;
}

int main(int argc, char** argv) {
  cf::mpi_environment mpi(argc, argv);
  cf::mpi_pool_executor pool{{.max_workers = 1}};
  int const v = pool.submit(triple, 14).result();
  std::cout << "consumer_mpi: " << v << '\n';
  return v == 42 ? 0 : 1;
}
