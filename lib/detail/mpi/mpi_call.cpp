//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "mpi_call.hpp"

#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace concurrent::futures::detail::mpi {
namespace {

std::mutex& the_lock() {
  static std::mutex m;
  return m;
}

bool needs_lock() {
  static bool const needed = [] {
    int level = MPI_THREAD_SINGLE;
    MPI_Query_thread(&level);
    return level < MPI_THREAD_MULTIPLE;
  }();
  return needed;
}

std::mutex lost_mutex;
std::string lost_why;
bool lost = false;

} // namespace

call_lock::call_lock() : locked_(needs_lock()) {
  if (locked_)
    the_lock().lock();
}

call_lock::~call_lock() {
  if (locked_)
    the_lock().unlock();
}

std::string error_text(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int n = 0;
  if (MPI_Error_string(code, text, &n) != MPI_SUCCESS)
    return "MPI error " + std::to_string(code);
  return std::string(text, static_cast<std::size_t>(n));
}

void check(int rc, char const* what) {
  if (rc != MPI_SUCCESS)
    throw std::runtime_error(std::string(what) + " failed: " + error_text(rc));
}

void require_ready(char const* who) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (!initialized || finalized)
    throw std::logic_error(std::string(who) +
                           ": MPI is not initialized; create a cf::mpi_environment at "
                           "the top of main (it also makes spawned workers serve)");
  int level = MPI_THREAD_SINGLE;
  MPI_Query_thread(&level);
  if (level < MPI_THREAD_SERIALIZED)
    throw std::logic_error(
        std::string(who) + ": MPI was initialized with thread level " +
        std::to_string(level) +
        ", below MPI_THREAD_SERIALIZED: the executor's own thread makes MPI calls. "
        "Initialize with MPI_Init_thread(..., MPI_THREAD_MULTIPLE, ...), or let "
        "cf::mpi_environment do it");
}

std::string host_name() {
  char name[MPI_MAX_PROCESSOR_NAME];
  int n = 0;
  if (MPI_Get_processor_name(name, &n) == MPI_SUCCESS && n > 0)
    return std::string(name, static_cast<std::size_t>(n));
  char h[256] = {};
  ::gethostname(h, sizeof h - 1);
  return h;
}

bool spawned_worker_marker(int argc, char** argv) {
  for (int i = 1; i < argc && argv && argv[i]; ++i)
    if (std::strcmp(argv[i], worker_marker) == 0)
      return true;
  return false;
}

bool spawned_worker_marker() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string const all((std::istreambuf_iterator<char>(in)),
                        std::istreambuf_iterator<char>());
  std::size_t at = all.find('\0'); // past argv[0]
  while (at != std::string::npos && at + 1 < all.size()) {
    std::size_t const end = all.find('\0', at + 1);
    if (all.compare(at + 1, end - at - 1, worker_marker) == 0)
      return true;
    at = end;
  }
  return false;
}

void note_lost_rank(std::string const& why) {
  std::lock_guard lock(lost_mutex);
  if (!lost)
    lost_why = why;
  lost = true;
}

bool lost_rank(std::string* why) {
  std::lock_guard lock(lost_mutex);
  if (lost && why)
    *why = lost_why;
  return lost;
}

} // namespace concurrent::futures::detail::mpi
