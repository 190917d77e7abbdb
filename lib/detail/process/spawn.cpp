//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "spawn.hpp"

#include "worker.hpp"

#include <spawn.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace concurrent::futures::detail::process {
namespace {

int threads_in_process() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("Threads:", 0) == 0)
      return std::atoi(line.c_str() + 8);
  return 1;
}

} // namespace

pid_t spawn_self(char const* title, std::string const& value,
                 std::initializer_list<int> fds) {
  std::string const variable = std::string(role_variable) + "=" + value;
  std::vector<char*> env;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, role_variable, sizeof role_variable - 1) != 0)
      env.push_back(*e);
  env.push_back(const_cast<char*>(variable.c_str()));
  env.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  ::posix_spawn_file_actions_init(&fa);
  // dup2 onto itself clears FD_CLOEXEC in the child only (glibc >= 2.29).
  for (int fd : fds)
    ::posix_spawn_file_actions_adddup2(&fa, fd, fd);
  std::string arg0 = role_title(title);
  char* argv[] = {arg0.data(), nullptr};
  pid_t pid = -1;
  int const rc = ::posix_spawn(&pid, "/proc/self/exe", &fa, nullptr, argv, env.data());
  ::posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -rc;
}

pid_t spawn_worker(int memfd, int doorbell, role_secret const& secret) {
  return spawn_self("worker",
                    "worker " + std::to_string(memfd) + " " + std::to_string(doorbell) +
                        " " + std::to_string(::getpid()) + " " + to_hex(secret),
                    {memfd, doorbell});
}

pid_t fork_worker(int memfd, int doorbell) {
  // Read before the fork: in the child, getppid() of a parent that died
  // already names whoever adopted it, and the worker would outlive it.
  pid_t const parent = ::getpid();
  pid_t const pid = ::fork();
  if (pid == 0) {
    // The program's own argv stays: only the comm says what this is.
    name_this_process("cf-worker", {});
    worker_main(memfd, doorbell, parent, {});
  }
  return pid;
}

void check_fork_is_safe() {
  int const n = threads_in_process();
  if (n > 1)
    throw std::logic_error(
        "start_method::fork: this program runs " + std::to_string(n) +
        " threads; a forked worker could deadlock on a lock one of them holds. Use "
        "start_method::forkserver (the default) or start_method::spawn, or create the "
        "pool "
        "before starting threads");
}

} // namespace concurrent::futures::detail::process
